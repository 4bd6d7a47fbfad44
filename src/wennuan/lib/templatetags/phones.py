"""``{% load phones %}``: ``{{ number|phone }}`` shows 0530-6692571 rather than 05306692571."""

from django import template

from wennuan.lib.phones import format_phone

register = template.Library()
register.filter("phone", format_phone)
