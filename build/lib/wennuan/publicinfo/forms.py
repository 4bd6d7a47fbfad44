"""Forms of public information: the fee calculator (citizens) and the editors' forms (staff)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .choices import ArticleKind, VersionStatus
from .markdown import markdown_problems
from .models import FeeStandard

# A home above this is almost surely a typo (an extra zero); a non-residential building
# (school, mall) can be much larger.
MAX_RESIDENTIAL_AREA_M2 = Decimal("1000")
MAX_NON_RESIDENTIAL_AREA_M2 = Decimal("500000")
_AREA_UNITS = re.compile(r"(平方米|平米|平方|㎡|m²|m2|米)$", re.IGNORECASE)


def parse_area_m2(raw: str) -> Decimal:
    """The heated area typed by a citizen: full-width digits, a Chinese decimal point and a
    unit suffix ("89.5平方米", "８９．５") are accepted. Raises ValidationError in Chinese."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace("。", ".").replace(" ", "")
    text = _AREA_UNITS.sub("", text)
    if not text:
        raise forms.ValidationError(_("请输入供热面积（平方米），例如 89.5"))
    try:
        area = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(
            _("“%(value)s”不是数字。请只填写面积的数字，例如 89.5") % {"value": raw[:20]}
        ) from None
    if not area.is_finite():
        raise forms.ValidationError(_("请输入供热面积（平方米），例如 89.5"))
    if area <= 0:
        raise forms.ValidationError(_("面积必须大于 0，请核对房产证或缴费单上的供热面积"))
    return area


class FeeCalculatorForm(forms.Form):
    USE_CHOICES = [("residential", _lazy("居民住宅")), ("non_residential", _lazy("非居民"))]
    SUSPEND_CHOICES = [("no", _lazy("正常供暖")), ("yes", _lazy("报停（不用暖）"))]

    area = forms.CharField(
        label=_lazy("供热面积（平方米）"),
        max_length=30,
        required=False,  # parse_area_m2 says what to type, more helpfully than "required"
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    use = forms.ChoiceField(
        label=_lazy("房屋用途"),
        choices=USE_CHOICES,
        initial="residential",
        widget=forms.RadioSelect,
    )
    suspended = forms.ChoiceField(
        label=_lazy("是否报停"), choices=SUSPEND_CHOICES, initial="no", widget=forms.RadioSelect
    )

    def clean_area(self):
        return parse_area_m2(self.cleaned_data["area"])

    def clean(self):
        cleaned = super().clean()
        area = cleaned.get("area")
        if area is None:
            return cleaned
        residential = cleaned.get("use", "residential") == "residential"
        limit = MAX_RESIDENTIAL_AREA_M2 if residential else MAX_NON_RESIDENTIAL_AREA_M2
        if area > limit:
            self.add_error(
                "area",
                _("%(area)s 平方米太大了，请核对是否多输了一个0（住宅一般在 30–300 平方米）")
                % {"area": f"{area:,}"}
                if residential
                else _("面积超过 %(limit)s 平方米，请核对") % {"limit": f"{limit:,}"},
            )
        return cleaned


class ArticleForm(forms.Form):
    """One save of an article; every valid save becomes a new version."""

    kind = forms.ChoiceField(label=_lazy("类别"), choices=ArticleKind.choices)
    title = forms.CharField(label=_lazy("标题"), max_length=120)
    body_markdown = forms.CharField(
        label=_lazy("正文（Markdown）"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_lazy("链接写成 [文字](https://网址)；**加粗**；每行以“- ”开头为列表。"),
    )
    status = forms.ChoiceField(
        label=_lazy("状态"), choices=VersionStatus.choices, initial=VersionStatus.DRAFT
    )
    publish_at = forms.DateTimeField(
        label=_lazy("发布时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_lazy("留空则立即发布；填将来的时间则到时才公开。草稿不公开。"),
    )
    is_urgent = forms.BooleanField(label=_lazy("重要提醒（首页置顶）"), required=False)
    sort_order = forms.IntegerField(label=_lazy("排序"), min_value=0, max_value=9999, initial=100)
    note = forms.CharField(label=_lazy("修改说明"), max_length=200, required=False)

    def clean_body_markdown(self):
        body = self.cleaned_data["body_markdown"]
        problems = markdown_problems(body)
        if problems:
            raise forms.ValidationError(problems)
        return body

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == VersionStatus.DRAFT:
            cleaned["publish_at"] = None
        elif status and cleaned.get("publish_at") is None and "publish_at" not in self.errors:
            cleaned["publish_at"] = timezone.now()
        return cleaned


class FeeStandardForm(forms.ModelForm):
    class Meta:
        model = FeeStandard
        fields = ["payment_start_date", "payment_end_date", "notes_markdown", "publish_at"]
        widgets = {
            "payment_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "payment_end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes_markdown": forms.Textarea(attrs={"rows": 8}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean_notes_markdown(self):
        notes = self.cleaned_data["notes_markdown"]
        problems = markdown_problems(notes)
        if problems:
            raise forms.ValidationError(problems)
        return notes

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("payment_start_date"), cleaned.get("payment_end_date")
        if start and end and end < start:
            self.add_error("payment_end_date", _("缴费截止日期不能早于开始日期"))
        return cleaned
