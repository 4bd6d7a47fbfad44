"""``{% load staff_names %}``: ``{{ user|staff_name }}`` names a login as people know it."""

from django import template

from wennuan.staff.models import staff_name

register = template.Library()
register.filter("staff_name", staff_name)
