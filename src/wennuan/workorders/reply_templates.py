"""Reply templates (答复模板): what a dispatcher starts a reply from, per category, kept by
the company (console 答复模板 page, or the admin). Placeholders are filled from the order;
one the order cannot fill stays in the text for the dispatcher to complete, and a reply
still holding one is refused."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from .choices import MEASURED_VERDICTS
from .models import BRACED, TEMPLATE_PLACEHOLDERS, ReplyTemplate

PLACEHOLDERS = TEMPLATE_PLACEHOLDERS


def templates_for(order):
    """The active templates offered on this order: its company's and the bureau's, for its
    category or for every category."""
    return ReplyTemplate.objects.filter(is_active=True).filter(
        Q(company_id=order.company_id) | Q(company__isnull=True),
        Q(category=order.category) | Q(category=""),
    )


def _visit_facts(order, now: datetime) -> tuple[datetime, float | None]:
    """The day the templates' {日期} names and the {室温} they report: the latest visit that
    measured (its lowest valid reading), else the latest visit, else today with no reading
    (the caller's stated temperature is not a measurement: {室温} then stays to be filled).
    The templates say "{日期}维修人员入户测温": the visit's day, not the day the reply is
    written (which filled every reply with today's date)."""
    visits = list(order.visits.order_by("-visited_at"))
    for visit in visits:
        # A test the rules call invalid (windows open, too soon after arriving) measured
        # nothing a reply may report.
        if visit.verdict in MEASURED_VERDICTS and visit.lowest_reading_c is not None:
            return visit.visited_at, visit.lowest_reading_c
    return (visits[0].visited_at if visits else now), None


def fill_template(text: str, order, now: datetime) -> str:
    visited_at, temperature = _visit_facts(order, now)
    day = timezone.localtime(visited_at).date()
    values = {
        "{小区}": order.community.name if order.community else None,
        # In the reply's own language, Chinese, whatever the dispatcher's page language: the
        # English page wrote "4/12" into a Chinese reply (read as 12 April).
        "{日期}": f"{day.month}月{day.day}日",
        "{室温}": None if temperature is None else f"{temperature:g}°C",
    }
    for placeholder, value in values.items():
        if value is not None:
            text = text.replace(placeholder, value)
    return text


def unfilled_placeholders(text: str) -> list[str]:
    return sorted(set(BRACED.findall(text or "")))
