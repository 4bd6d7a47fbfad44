"""Form fields shared by every app's forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .numbers import parse_user_number


class UserNumberField(forms.FloatField):
    """A number as people type it on a phone or a Chinese keyboard: "16,5", "16，5",
    full-width "１６．５", "16.5 °C" (wennuan.lib.numbers). Every temperature and set-point
    field uses it, the admin's too (lib.apps), so no form refuses what another accepts."""

    default_error_messages = {"invalid": _("请填写数字（例如 16.5 或 16,5）")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            number = parse_user_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return number

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text box with the decimal keypad: type=number refuses "16,5" in the browser.
        attrs.pop("step", None)
        attrs.update(inputmode="decimal")
        return attrs

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
