"""The hand-over pages' forms. They only parse what the browser sends (dates, numbers, choices); every domain rule
(ID number check digit, regions, deadlines, who may act) is the service's, whose ``DomainError`` the view puts back
on these forms with ``add_domain_errors`` so each message shows next to its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.errors import DomainError
from handover.models import Alert, ReleaseNotice
from people.models import Gender, PreReleaseEducation, RiskLevel
from people.services import ETHNICITIES

DATE_INPUT = {"type": "date"}


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE_INPUT),
    )


LIST_HELP = _("多项用分号“；”分隔")


def _list(label: Any, help_text: Any = LIST_HELP) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=2000, help_text=help_text)


def form_field_for(api_field: str) -> str:
    """The form field for a service error's field name: ``person.id_number`` → ``id_number``,
    ``escort.staff`` → ``escort_staff``."""
    return api_field.removeprefix("person.").replace(".", "_")


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on ``form`` (``core.forms.add_domain_errors``), reading the service's field names
    (``person.id_number``) as the form's; a field the form does not have goes to the top with its name."""
    core_forms.add_domain_errors(form, error, field_for=form_field_for, name_unknown=True)


class BlockForm(forms.Form):
    """A form whose fields the template shows in named blocks (fieldsets)."""

    blocks: tuple[tuple[Any, tuple[str, ...]], ...] = ()
    # fields that take a whole row of the grid (long text, lists, groups of checkboxes)
    wide_fields: tuple[str, ...] = ()

    def fieldsets(self) -> list[tuple[Any, list[BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.blocks]


class PersonForm(BlockForm):
    """The person block shared by the notice and the backfill (the API's ``person`` object)."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    former_names = forms.CharField(label=_("曾用名"), required=False, max_length=200)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", _("请选择")), *Gender.choices])
    id_number = forms.CharField(
        label=_("公民身份号码"),
        required=False,
        max_length=24,
        help_text=_("18 位；无身份证号的人员记为身份未核实"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    birth_date = _date(_("出生日期"), required=False, help_text=_("有身份证号时可不填，按号码推算"))
    ethnicity = forms.ChoiceField(
        label=_("民族"), required=False, choices=[("", _("请选择")), *((e, e) for e in ETHNICITIES)]
    )
    phone = forms.CharField(
        label=_("联系电话"), required=False, max_length=32, widget=forms.TextInput(attrs={"type": "tel"})
    )
    hukou_region = forms.CharField(
        label=_("户籍地区划代码"),
        max_length=12,
        help_text=_("12 位统计用区划代码（乡镇街道）；可输入街道名称选择"),
        widget=forms.TextInput(attrs={"list": "townships", "inputmode": "numeric", "autocomplete": "off"}),
    )
    residence_region = forms.CharField(
        label=_("居住地区划代码"),
        required=False,
        max_length=12,
        help_text=_("与户籍地相同可不填"),
        widget=forms.TextInput(attrs={"list": "townships", "inputmode": "numeric", "autocomplete": "off"}),
    )
    residence_address = forms.CharField(label=_("居住地址"), required=False, max_length=200)

    wide_fields: tuple[str, ...] = ("residence_address",)
    PERSON_FIELDS = (
        "name",
        "former_names",
        "gender",
        "id_number",
        "birth_date",
        "ethnicity",
        "phone",
        "hukou_region",
        "residence_region",
        "residence_address",
    )


class NoticeForm(PersonForm):
    """刑满释放人员通知书: every field of ``POST /api/v1/release-notices``."""

    expected_release_date = _date(_("预计释放日期"))
    offence = forms.CharField(label=_("罪名"), max_length=128)
    sentence_months = forms.IntegerField(label=_("刑期（月）"), min_value=1, max_value=1200)
    sentence_start = _date(_("刑期起日"), required=False)
    sentence_end = _date(_("刑期止日"), required=False, help_text=_("不填则按预计释放日期"))
    risk_level = forms.ChoiceField(
        label=_("危险性评估"), required=False, choices=[("", _("未评估")), *RiskLevel.choices]
    )
    key_target = forms.BooleanField(label=_("列为重点帮教对象（必接必送）"), required=False)
    key_target_reasons = _list(_("列为重点的原因"))
    needs = _list(_("需求"), _("如：就业；住房；低保；多项用分号“；”分隔"))
    pre_release_education = forms.MultipleChoiceField(
        label=_("已接受的出监教育"),
        required=False,
        choices=PreReleaseEducation.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    wide_fields = ("residence_address", "key_target", "key_target_reasons", "needs", "pre_release_education")
    blocks = (
        (_("人员信息"), PersonForm.PERSON_FIELDS),
        (
            _("服刑信息"),
            (
                "expected_release_date",
                "offence",
                "sentence_months",
                "sentence_start",
                "sentence_end",
                "risk_level",
                "key_target",
                "key_target_reasons",
                "needs",
                "pre_release_education",
            ),
        ),
    )


class BackfillForm(PersonForm):
    """补录: a person who came to the office without a notice, checked in at once."""

    offence = forms.CharField(label=_("罪名"), required=False, max_length=128)
    facility_name = forms.CharField(label=_("原服刑监所"), required=False, max_length=128)
    key_target = forms.BooleanField(label=_("重点帮教对象"), required=False)
    released_on = _date(_("释放日期"))
    checked_in_on = _date(_("报到日期"))
    method = forms.ChoiceField(label=_("报到方式"), choices=ReleaseNotice.CheckInMethod.choices)

    blocks = (
        (_("人员信息"), PersonForm.PERSON_FIELDS),
        (_("释放与报到"), ("facility_name", "offence", "key_target", "released_on", "checked_in_on", "method")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked_in_on"].initial = timezone.localdate()


class NoticeFilterForm(forms.Form):
    """The notice list's filters (GET)."""

    OPEN = ",".join(ReleaseNotice.OPEN)

    q = forms.CharField(
        label=_("查找人员"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("姓名、拼音或身份证号")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), (OPEN, _("在办（未办结）")), *ReleaseNotice.Status.choices],
    )


class AlertFilterForm(forms.Form):
    """The alert list's filter (GET): one kind, or every kind (an unknown kind reads as every kind)."""

    kind = forms.ChoiceField(choices=[("", ""), *Alert.Kind.choices], required=False)


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("核查结果"),
        choices=ReleaseNotice.VerificationResult.choices,
        widget=forms.RadioSelect,
        initial=ReleaseNotice.VerificationResult.CONFIRMED,
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        help_text=_("退回上级时必须说明原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    checked_in_on = _date(_("报到日期"))
    method = forms.ChoiceField(label=_("报到方式"), choices=ReleaseNotice.CheckInMethod.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked_in_on"].initial = timezone.localdate()


class ReleaseForm(forms.Form):
    released_on = _date(_("实际释放日期"))
    escorted = forms.BooleanField(label=_("必接必送：有人到监所接回"), required=False)
    escort_staff = _list(_("接送工作人员"), _("司法所干部、村（居）干部等姓名，用分号“；”分隔"))
    escort_family = _list(_("接送家属"), _("姓名，用分号“；”分隔"))
    escort_vehicle = forms.CharField(label=_("接送车辆"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["released_on"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=500,
        help_text=_("如：减刑或假释日期变更、调监、又犯新罪"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RouteForm(forms.Form):
    """改派: a returned notice to a justice office within the officer's reach. The office choices are computed once
    per page and passed in, so a queue of many notices renders with one query for them."""

    office = forms.ChoiceField(label=_("改派至司法所"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, offices: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择司法所")), *offices]
