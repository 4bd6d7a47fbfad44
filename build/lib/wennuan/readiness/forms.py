"""Forms company staff use to report readiness; each refuses bad input in Chinese."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import FuelStockReport, TrainingSession

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Pre-season work is done in the months before the season; a completion date further back
# than this is a typo (wrong year).
EARLIEST_DAYS_BEFORE_START = 365


def _check_past_date(value, season, *, what: str):
    today = timezone.localdate()
    if value > today:
        raise forms.ValidationError(
            _("%(what)s不能晚于今天（%(today)s）") % {"what": what, "today": today.isoformat()}
        )
    if value < season.start_date - timedelta(days=EARLIEST_DAYS_BEFORE_START):
        raise forms.ValidationError(
            _("%(what)s %(date)s 比供热季开始早一年以上，请核对年份")
            % {"what": what, "date": value.isoformat()}
        )


class ItemProgressForm(forms.Form):
    done_on = forms.DateField(
        label=_lazy("完成日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_lazy("尚未完成请留空"),
    )
    notes = forms.CharField(
        label=_lazy("情况说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, season, **kwargs):
        super().__init__(*args, **kwargs)
        self.season = season

    def clean_done_on(self):
        value = self.cleaned_data["done_on"]
        if value is not None:
            _check_past_date(value, self.season, what=_("完成日期"))
        return value


class FuelStockForm(forms.ModelForm):
    class Meta:
        model = FuelStockReport
        fields = ["source", "reported_on", "stock_days", "notes"]
        widgets = {
            "reported_on": DATE_WIDGET,
            "stock_days": forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        }

    def __init__(self, *args, season, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.season = season
        self.fields["source"].queryset = sources
        self.fields["source"].empty_label = None
        self.fields["stock_days"].error_messages["invalid"] = _("请填写数字（天数），例如 20")

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        _check_past_date(value, self.season, what=_("填报日期"))
        return value

    def clean_stock_days(self):
        value = self.cleaned_data["stock_days"]
        if value is None or value != value or value < 0 or value > 365:
            raise forms.ValidationError(_("燃料储备天数应在 0 到 365 之间"))
        return value


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["held_on", "topic", "attendees", "notes"]
        widgets = {"held_on": DATE_WIDGET}

    def __init__(self, *args, season, **kwargs):
        super().__init__(*args, **kwargs)
        self.season = season
        self.fields["attendees"].error_messages["invalid"] = _("请填写人数（整数）")

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        _check_past_date(value, self.season, what=_("培训日期"))
        return value
