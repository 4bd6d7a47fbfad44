"""``{{ event.reason|system_text }}``: text the system stored, in the reader's language."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from wennuan.lib.systemtext import render

register = template.Library()
register.filter("system_text", render)


@register.filter(needs_autoescape=True)
def list_join(values, autoescape=True):
    """``{{ names|list_join }}``: joined with the reader's list separator ("、" / ", ")."""
    escape = conditional_escape if autoescape else str
    return mark_safe(escape(gettext("、")).join(escape(str(v)) for v in values))
