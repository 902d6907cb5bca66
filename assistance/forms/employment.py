"""The employment part's forms on the 救助与就业 tab. They parse what the browser sends (dates, numbers, choices,
lists typed in one box); the rules (not before release, a loan of at most 36 months, a valid credit code) are the
services', whose refusals come back onto these forms next to their fields. Field names are the API's, so a
service's ``fields`` land where they belong."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import AidEntry, Difficulty, EmploymentProfile, EmploymentService
from cases.forms import LIST_HELP, CaseForm, TodayDateField


def _text(label: Any, *, required: bool = False, max_length: int = 500, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def _optional_date(label: Any, *, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def _choices(choices: list[tuple[str, Any]], *, empty: Any = "—") -> list[tuple[str, Any]]:
    return [("", empty), *choices]


class YuanField(forms.DecimalField):
    """An amount of yuan with at most two places, more than zero: typed as text (a phone shows its number pad) so
    that anything typed comes back with its message rather than being dropped by the browser."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0.01"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": _("请填写金额（元），如 1200.50"),
                "min_value": _("金额必须大于零"),
                "max_decimal_places": _("金额最多两位小数"),
                "max_digits": _("金额过大"),
                "max_whole_digits": _("金额过大"),
            },
            **kwargs,
        )


class ProfileForm(CaseForm):
    """就业帮扶档案: ``PUT /api/v1/cases/{id}/employment/profile`` (the whole profile, shown filled in)."""

    slug = "employment_profile"

    skills = _text(_("技能特长"), max_length=1000, help_text=LIST_HELP)
    certificates = _text(
        _("职业资格证书"), max_length=1000, help_text=_("含服刑期间培训取得的证书。多项用分号“；”分隔")
    )
    schooling = forms.ChoiceField(
        label=_("文化程度"), required=False, choices=_choices(EmploymentProfile.Schooling.choices)
    )
    wish = _text(_("就业意愿"), help_text=_("如：希望从事物流配送，能上夜班"))
    pension_scheme = forms.ChoiceField(
        label=_("入狱前养老保险"), required=False, choices=_choices(EmploymentProfile.PensionScheme.choices)
    )
    pension_years_before = forms.IntegerField(
        label=_("入狱前缴费年限"),
        required=False,
        help_text=_("单位：年"),
        error_messages={"invalid": _("请填写整数年数")},
    )
    pension_resumed_on = _optional_date(_("养老保险接续日期"), help_text=_("释放后恢复缴费的日期"))
    retired = forms.BooleanField(label=_("已达退休年龄、领取养老金"), required=False)
    pension_payment_resumed_on = _optional_date(_("养老金恢复发放日期"), help_text=_("仅已退休人员填写"))

    @classmethod
    def initial_of(cls, profile: EmploymentProfile | None) -> dict[str, Any]:
        if profile is None:
            return {}
        return {
            "skills": "；".join(profile.skills),
            "certificates": "；".join(profile.certificates),
            "schooling": profile.schooling,
            "wish": profile.wish,
            "pension_scheme": profile.pension_scheme,
            "pension_years_before": profile.pension_years_before,
            "pension_resumed_on": profile.pension_resumed_on,
            "retired": profile.retired,
            "pension_payment_resumed_on": profile.pension_payment_resumed_on,
        }


class ServiceForm(CaseForm):
    """就业服务: ``POST /api/v1/cases/{id}/employment/services``; the training and loan fields are filled for
    their kind only."""

    slug = "employment_service"

    kind = forms.ChoiceField(label=_("服务项目"), choices=_choices(EmploymentService.Kind.choices, empty=_("请选择")))
    on = TodayDateField(label=_("服务日期"))
    provider = _text(_("服务机构"), max_length=128, help_text=_("如：区公共就业服务中心"))
    detail = _text(_("服务内容"))
    course = _text(_("培训课程"), max_length=128, help_text=_("职业技能培训填写"))
    hours = forms.CharField(label=_("培训学时"), required=False, max_length=10, help_text=_("职业技能培训填写"))
    certificate = _text(_("取得证书"), max_length=128, help_text=_("职业技能培训填写"))
    bank = _text(_("贷款银行"), max_length=128, help_text=_("创业担保贷款填写"))
    loan_amount = YuanField(label=_("贷款金额（元）"), required=False, help_text=_("创业担保贷款填写"))
    loan_term_months = forms.IntegerField(
        label=_("贷款期限（月）"),
        required=False,
        help_text=_("创业担保贷款填写，最长 36 个月"),
        error_messages={"invalid": _("请填写整数月数")},
    )


class PlacementForm(CaseForm):
    """安置就业: ``POST /api/v1/cases/{id}/employment/placements``; it sets the settlement to 就业."""

    slug = "placement"

    employer = _text(_("用人单位"), required=True, max_length=128)
    employer_credit_code = _text(_("统一社会信用代码"), max_length=18, help_text=_("18 位，填写时系统校验"))
    job = _text(_("工作岗位"), required=True, max_length=128)
    started_on = TodayDateField(label=_("入职日期"))
    contract_months = forms.IntegerField(
        label=_("劳动合同期限（月）"),
        initial=12,
        help_text=_("无固定期限或未签合同填 0"),
        error_messages={"invalid": _("请填写整数月数"), "required": _("必填（无固定期限或未签合同填 0）")},
    )
    social_insurance = forms.BooleanField(label=_("单位缴纳社会保险"), required=False)


class PlacementEndForm(CaseForm):
    """就业结束: ``POST /api/v1/cases/{id}/employment/placements/{pid}/end``; the placement is a field of the form
    (one form per job in force on the page)."""

    slug = "placement_end"

    placement = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = TodayDateField(label=_("离职日期"))
    reason = _text(_("离职原因"), required=True, max_length=500)


class AidForm(CaseForm):
    """帮扶台账: ``POST /api/v1/cases/{id}/aid``."""

    slug = "aid"

    kind = forms.ChoiceField(
        label=_("帮扶方式"), choices=AidEntry.Kind.choices, widget=forms.RadioSelect, initial="cash"
    )
    amount = YuanField(label=_("金额（元）"), help_text=_("实物填写折合金额"))
    given_on = TodayDateField(label=_("发放日期"))
    purpose = _text(_("用途"), required=True, max_length=200, help_text=_("如：春节慰问、临时生活补助"))
    need = forms.ChoiceField(label=_("针对困难"), required=False, choices=_choices(Difficulty.choices))
    approved_by = _text(_("审批人"), max_length=64, help_text=_("姓名和职务"))
