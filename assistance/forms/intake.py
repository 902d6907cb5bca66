"""The intake part's page forms: the pre-release education on the notice page (the facility), the briefing and the
needs assessment on the case's 救助与就业 tab (the managing office). They only parse what the browser sends; every
domain rule is the service's (``assistance.services.intake``), whose refusals come back onto these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import Difficulty, NeedsAssessment, Scheme
from assistance.services.intake import Course
from cases.forms import CaseForm, TodayDateField
from people.models import PreReleaseEducation

COURSE_ROWS = 5  # one row per kind of course is the common case; a second course of one kind fits too


class BriefingForm(CaseForm):
    slug = "briefing"

    briefed_on = TodayDateField(label=_("告知日期"))
    schemes = forms.MultipleChoiceField(
        label=_("已讲解的救助政策"),
        choices=Scheme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("讲解了条件和申请方式的，逐项勾选"),
        error_messages={"required": _("至少勾选一项已讲解的政策")},
    )
    acknowledged = forms.BooleanField(label=_("本人已知悉并确认"), required=False)


UNEMPLOYED_CHOICES = [
    ("", _("按安置情况判断")),
    ("yes", _("目前失业")),
    ("no", _("目前在业")),
]


class NeedsAssessmentForm(CaseForm):
    slug = "needs"

    assessed_on = TodayDateField(label=_("评估日期"))
    income_monthly = forms.DecimalField(
        label=_("家庭月收入（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("共同生活的家庭成员每月收入合计；没有收入填 0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    household_size = forms.IntegerField(
        label=_("共同生活人数"), min_value=1, max_value=30, initial=1, help_text=_("含本人")
    )
    housing = forms.ChoiceField(label=_("住房情况"), choices=NeedsAssessment.Housing.choices, widget=forms.RadioSelect)
    can_work = forms.BooleanField(label=_("有劳动能力"), required=False)
    disability = forms.BooleanField(label=_("残疾"), required=False)
    chronic_illness = forms.BooleanField(label=_("患慢性病或重病"), required=False)
    has_supporter = forms.BooleanField(label=_("有法定赡养、抚养、扶养义务人且其有履行能力"), required=False)
    sudden_hardship = forms.BooleanField(label=_("遭遇突发性、临时性生活困难"), required=False)
    unemployed = forms.ChoiceField(label=_("就业状况"), choices=UNEMPLOYED_CHOICES, required=False)


class EducationForm(forms.Form):
    """出监教育: up to ``COURSE_ROWS`` courses (a row left without a kind is no course) and the difficulties the
    inmate reported; saving replaces what was recorded before, so the form starts from it."""

    difficulties = forms.MultipleChoiceField(
        label=_("本人反映的困难"), choices=Difficulty.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_education_%s")
        super().__init__(*args, **kwargs)
        for row in range(COURSE_ROWS):
            self.fields[f"kind_{row}"] = forms.ChoiceField(
                label=_("课程"), required=False, choices=[("", _("（不填）")), *PreReleaseEducation.choices]
            )
            self.fields[f"on_{row}"] = forms.DateField(
                label=_("日期"),
                required=False,
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
            self.fields[f"hours_{row}"] = forms.DecimalField(
                label=_("课时"),
                required=False,
                max_digits=6,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "inputmode": "decimal"}),
            )

    @staticmethod
    def initial_from(courses: list[dict[str, Any]], difficulties: list[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {"difficulties": difficulties}
        for row, course in enumerate(courses[:COURSE_ROWS]):
            initial.update({f"kind_{row}": course["kind"], f"on_{row}": course["on"], f"hours_{row}": course["hours"]})
        return initial

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"kind_{r}"], self[f"on_{r}"], self[f"hours_{r}"]) for r in range(COURSE_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(COURSE_ROWS):
            kind, on, hours = data.get(f"kind_{row}"), data.get(f"on_{row}"), data.get(f"hours_{row}")
            if not (kind or on or hours is not None) or f"on_{row}" in self.errors or f"hours_{row}" in self.errors:
                continue
            if not kind:
                self.add_error(f"kind_{row}", _("请选择课程"))
            if on is None:
                self.add_error(f"on_{row}", _("请填写日期"))
            if hours is None:
                self.add_error(f"hours_{row}", _("请填写课时"))
        return data

    def courses(self) -> tuple[list[Course], list[int]]:
        """The courses of the rows filled in, and for each the row it came from (to put the service's errors back
        next to it)."""
        courses, rows = [], []
        for row in range(COURSE_ROWS):
            kind = self.cleaned_data.get(f"kind_{row}") or ""
            if kind:
                on, hours = self.cleaned_data.get(f"on_{row}"), self.cleaned_data.get(f"hours_{row}")
                courses.append(Course(kind=kind, on=on, hours=hours))
                rows.append(row)
        return courses, rows
