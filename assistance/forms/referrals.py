"""The referral part's page forms: send a referral, the department's decision (on the
referral page and on the one-time-link page), the end of a benefit. The services check every rule; the forms only
parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import Referral, Scheme

Choices = list[tuple[str, Any]]


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class ReferralForm(forms.Form):
    scheme = forms.ChoiceField(label=_("救助事项"), choices=[("", "—"), *Scheme.choices])
    to = forms.ChoiceField(
        label=_("转介部门"), help_text=_("须为主管该事项的部门：低保、特困、临时救助转民政，就业与社保转人社。")
    )
    reason = forms.CharField(label=_("转介理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    urgent = forms.BooleanField(label=_("急难情形（临时救助当日回复）"), required=False)

    def __init__(self, data: Any = None, *, departments: list[tuple[str, Choices]], **kwargs: Any) -> None:
        # its own ids: the tab shows the other parts' forms beside it
        kwargs.setdefault("auto_id", "id_referral_%s")
        super().__init__(data, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [("", "—"), *departments]


RESULT_CHOICES = [("under_review", _("受理审核")), ("approved", _("批准")), ("rejected", _("不予批准"))]
# a one-time link takes the decision itself (services.referrals.LINK_RESULTS)
LINK_CHOICES = ("approved", "rejected")
# once under review, the department's next answer is the decision
DECISION_CHOICES = ("approved", "rejected")


class DecisionForm(forms.Form):
    """The department's answer. ``results``: the choices the referral's state still allows (the service refuses
    the others: "under review" twice is a 409, a link takes no "under review")."""

    result = forms.ChoiceField(label=_("处理结果"), choices=RESULT_CHOICES, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("文号"), max_length=64, required=False)
    amount = forms.CharField(label=_("金额（元）"), max_length=20, required=False, help_text=_("按月发放的为月金额。"))
    starts_on = _date(_("起始日期"), help_text=_("批准时必填：救助开始发放的日期。"))
    review_on = _date(_("复审日期"), help_text=_("须晚于起始日期；到期系统提醒复审。"))
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予批准时必填。"),
    )

    def __init__(self, *args: Any, results: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if results is not None:
            field = self.fields["result"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(value, label) for value, label in RESULT_CHOICES if value in results]


class RenewForm(forms.Form):
    review_on = _date(_("下次复审日期"), required=True, help_text=_("复审后继续享受的，登记下次复审日期。"))
    amount = forms.CharField(label=_("金额（元）"), max_length=20, required=False, help_text=_("金额有调整时填写。"))
    reference = forms.CharField(label=_("文号"), max_length=64, required=False)


class DepartmentEndForm(forms.Form):
    ended_on = _date(_("终止日期"), required=True)
    reason = forms.CharField(label=_("终止原因"), max_length=500)


class EndForm(DepartmentEndForm):
    """The managing office's end of a benefit, from the case tab: which referral it is, then the same fields."""

    referral = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["referral", "ended_on", "reason"]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Referral.Status.choices])
    scheme = forms.ChoiceField(label=_("救助事项"), required=False, choices=[("", _("全部")), *Scheme.choices])
