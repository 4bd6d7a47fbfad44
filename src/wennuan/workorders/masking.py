"""The masking filters for templates (design §4.5): {% load masking %} gives mask_name (王*),
mask_phone (138****1234) and mask_text (free text as it may be published; an optional argument
names a person to mask wherever they occur, e.g. ``{{ o.reply|mask_text:o.caller_name }}``)."""

from django import template

from wennuan.lib.masking import mask_name, mask_phone, mask_text, masked_reply, published_reply

register = template.Library()
register.filter("mask_name", mask_name)
register.filter("mask_phone", mask_phone)
# The reply as the public reads it (masked; the caller's look-up digits hidden).
register.filter("published_reply", published_reply)
register.filter("masked_reply", masked_reply)  # the reviewer's preview of the same


@register.filter("mask_text")
def mask_text_filter(text: str, known_name: str = "") -> str:
    return mask_text(text, [known_name] if known_name else ())
