"""Form errors name the field as the user sees it ("来电人：最多 40 个字"), never by its
internal name ("caller_name 填写不正确"): one pattern for the intake (API, public form,
operator), the order page's actions, the visit form and Django forms (issue 16.4)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The labels the forms show, by the field names the code and the API use.
FIELD_LABELS = {
    "text": gettext_lazy("诉求内容"),
    "phone": gettext_lazy("联系电话"),
    "caller_name": gettext_lazy("来电人"),
    "community": gettext_lazy("小区"),
    "building": gettext_lazy("楼号"),
    "unit": gettext_lazy("单元"),
    "room": gettext_lazy("户号"),
    "category": gettext_lazy("类别"),
    "stated_temp_c": gettext_lazy("反映室温"),
    "channel": gettext_lazy("来源渠道"),
    "technician": gettext_lazy("维修人员"),
    "reply": gettext_lazy("答复内容"),
    "until": gettext_lazy("延期至"),
    "deadline": gettext_lazy("督办时限"),
    "reason": gettext_lazy("理由"),
    "satisfaction": gettext_lazy("满意度"),
    "note": gettext_lazy("备注"),
    "master": gettext_lazy("主工单"),
    "outdoor_temp_c": gettext_lazy("室外温度"),
    "home_area_m2": gettext_lazy("房屋供热面积"),
    "causes": gettext_lazy("原因"),
    "readings": gettext_lazy("各房间室温"),
    "photo": gettext_lazy("照片"),
}


def field_label(field: str, labels: dict | None = None) -> str:
    label = (labels or {}).get(field) or FIELD_LABELS.get(field) or ""
    return str(label)


def labelled(field: str, message: str, labels: dict | None = None) -> str:
    """``message`` led by the field's label, unless it already says which field it is."""
    message = str(message)
    label = field_label(field, labels)
    if not label or label in message:
        return message
    return _("%(label)s：%(message)s") % {"label": label, "message": message}


def form_errors(form) -> list[str]:
    """A Django form's errors, each led by its field's label (non-field errors as they are)."""
    messages = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        labels = {name: field.label} if field is not None and field.label else None
        messages.extend(labelled(name, error, labels) for error in errors)
    return messages
