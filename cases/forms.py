"""The case pages' forms. They only parse what the browser sends (dates, choices, lists); every domain rule (no visit
in the future, who may act, a reoffence names the new offence) is the service's, whose ``DomainError`` the view puts
back on these forms with ``core.forms.add_domain_errors``, each message next to its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, GroupMember, TraceRequest, Visit
from people.models import RiskLevel

LIST_HELP = _("多项用分号“；”分隔")  # core.forms.split_list reads the list


class TodayDateField(forms.DateField):
    """A date that defaults to today (a China date) and may not be later: the browser's picker stops at today; the
    service refuses a later date anyway (the form is sent with ``novalidate`` so that its message shows)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), **kwargs)


def _date(label: Any, *, help_text: Any = "") -> TodayDateField:
    return TodayDateField(label=label, help_text=help_text)


def _text(label: Any, *, required: bool = False, max_length: int = 500, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def _area(
    label: Any, *, required: bool = False, max_length: int = 1000, rows: int = 3, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseForm(forms.Form):
    """A case form. Its ``TodayDateField``s start at today, computed on each rendering (a form class outlives
    midnight). The case page holds many forms whose fields share names (reason, note, detail): ``slug`` gives each
    form its own element ids (``id_close_reason``), so no two labels on the page point at the same id."""

    slug = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.slug:
            kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        for field in self.fields.values():
            if isinstance(field, TodayDateField):
                field.initial = today
                field.widget.attrs["max"] = today.isoformat()


class VisitForm(CaseForm):
    """走访: ``POST /api/v1/cases/{id}/visits``, laid out for a phone (one column, choices as large tiles)."""

    visited_on = _date(_("走访日期"))
    method = forms.ChoiceField(label=_("走访方式"), choices=Visit.Method.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("走访结果"), choices=Visit.Outcome.choices, widget=forms.RadioSelect)
    visitors = _text(_("走访人员"), max_length=300, help_text=LIST_HELP)
    living = _text(_("居住情况"), max_length=300)
    work = _text(_("就业情况"), max_length=300)
    family = _text(_("家庭情况"), max_length=300)
    health = _text(_("身体状况"), max_length=300)
    mood = _text(_("思想情绪"), max_length=300)
    needs = _text(_("帮扶需求"), max_length=1000, help_text=_("如：就业；低保；住房。多项用分号“；”分隔"))
    notes = _area(_("走访记录"), max_length=5000, rows=4)

    SITUATION = ("living", "work", "family", "health", "mood")

    def __init__(self, *args: Any, visitor: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitors"].initial = visitor
        self.fields["method"].initial = Visit.Method.HOME
        self.fields["outcome"].initial = Visit.Outcome.MET

    def situation(self) -> dict[str, str]:
        return {key: self.cleaned_data[key].strip() for key in self.SITUATION if self.cleaned_data.get(key, "").strip()}


class NoteForm(CaseForm):
    slug = "note"

    note = _area(_("备注"), required=True, rows=3)


class MemberForm(CaseForm):
    """帮教小组成员: a system user (social worker, volunteer) or a name and phone."""

    slug = "member"

    part = forms.ChoiceField(label=_("在小组中的身份"), choices=[("", _("请选择")), *GroupMember.Part.choices])
    username = forms.ChoiceField(
        label=_("系统用户"), required=False, help_text=_("社会工作者、志愿者请选择其账号，便于其查看档案")
    )
    name = _text(_("姓名"), max_length=64, help_text=_("选择了系统用户的可不填"))
    phone = forms.CharField(
        label=_("联系电话"), required=False, max_length=32, widget=forms.TextInput(attrs={"type": "tel"})
    )

    def __init__(self, *args: Any, users: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("不是系统用户")), *users]


class AgreementForm(CaseForm):
    """四方帮教协议: who signed for the office, the village / community, the family, and the person."""

    slug = "agreement"

    signed_on = _date(_("签订日期"))
    office = _text(_("司法所签字人"), required=True, max_length=64)
    community = _text(_("村（居）委会签字人"), required=True, max_length=64)
    family = _text(_("家庭成员签字人"), required=True, max_length=64)
    person = _text(_("帮教对象本人"), required=True, max_length=64)

    SIGNATORIES = ("office", "community", "family", "person")  # the keys services.record_agreement expects


class RiskForm(CaseForm):
    slug = "risk"

    risk_level = forms.ChoiceField(label=_("危险性"), choices=RiskLevel.choices, widget=forms.RadioSelect)
    key_target = forms.BooleanField(label=_("列为重点帮教对象"), required=False)
    reasons = _text(_("原因"), max_length=1000, help_text=_("列为重点的，须说明原因；多项用分号“；”分隔"))
    assessed_on = _date(_("评估日期"))


class SettlementForm(CaseForm):
    slug = "settlement"

    status = forms.ChoiceField(label=_("安置情况"), choices=[("", _("请选择")), *Case.Settlement.choices])
    since = _date(_("起始日期"))
    detail = _text(_("具体情况"), help_text=_("如：就业单位、经营项目、安置基地名称"))
    reason = _text(_("未安置原因"), help_text=_("未安置的必须填写"))


def _office_choices(offices: Iterable[tuple[str, str]], empty: Any) -> list[tuple[str, str]]:
    return [("", empty), *offices]


class TransferForm(CaseForm):
    """移交: the person moved; the office of the new residence accepts or declines."""

    slug = "transfer"

    to_office = forms.ChoiceField(label=_("接收司法所"))
    new_address = _text(_("新居住地址"), max_length=200)
    reason = _text(_("移交原因"), required=True, help_text=_("如：迁居至某街道"))

    def __init__(self, *args: Any, offices: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _office_choices(offices, _("请选择司法所"))


class LostContactForm(CaseForm):
    slug = "lost"

    noted_on = _date(_("脱管日期"))
    reason = _text(_("脱管情况"), required=True, help_text=_("如：电话停机，三次走访不遇"))


class RestoreForm(CaseForm):
    slug = "restore"

    restored_on = _date(_("恢复联系日期"))
    note = _text(_("情况说明"))


class TraceForm(CaseForm):
    """协查通报: to another justice office or a police organisation, answered within the response deadline."""

    slug = "trace"

    to = forms.ChoiceField(label=_("协查单位"))
    last_known_address = _text(_("最后已知住址"), max_length=200)
    reason = _text(_("协查事由"), required=True)

    def __init__(self, *args: Any, organisations: Iterable[tuple[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择公安机关或司法所")), *organisations]


class CloseForm(CaseForm):
    slug = "close"

    reason = forms.ChoiceField(label=_("解除原因"), choices=[("", _("请选择")), *Case.ClosureReason.choices])
    closed_on = _date(_("解除日期"))
    detail = _area(_("情况说明"), max_length=500, rows=2, help_text=_("重新犯罪的，须写明新的犯罪情况"))


class TraceResponseForm(forms.Form):
    result = forms.ChoiceField(
        label=_("协查结果"),
        choices=TraceRequest.Result.choices,
        widget=forms.RadioSelect,
        initial=TraceRequest.Result.LOCATED,
    )
    address = _text(_("查找到的地址"), max_length=200, help_text=_("已找到的必须填写"))
    note = _text(_("说明"))


class TransferDecisionForm(forms.Form):
    note = _text(_("说明"), help_text=_("拒绝接收的，须说明原因"))


YES_NO = [("", _("全部")), ("yes", _("是")), ("no", _("否"))]


class CaseFilterForm(forms.Form):
    """The case list's filters (GET). ``status`` defaults to the open cases (在册 and 脱管)."""

    OPEN = "open"

    q = forms.CharField(
        label=_("查找人员"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("姓名、拼音、首字母或身份证号")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(OPEN, _("在册和脱管")), ("", _("全部")), *Case.Status.choices],
    )
    level = forms.ChoiceField(label=_("帮教等级"), required=False, choices=[("", _("全部")), *Case.Level.choices])
    settlement = forms.ChoiceField(
        label=_("安置情况"),
        required=False,
        choices=[("", _("全部")), ("settled", _("已安置（各类）")), *Case.Settlement.choices],
    )
    dual_managed = forms.ChoiceField(label=_("双列管"), required=False, choices=YES_NO)
    overdue = forms.BooleanField(label=_("只看走访逾期"), required=False)
