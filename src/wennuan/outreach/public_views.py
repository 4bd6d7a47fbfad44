"""Public summaries of outreach visits (访民问暖) and their plan progress: no personal data
(the homes are published as a number only)."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from .choices import ItemStatus
from .models import OutreachVisit


def _public_visits():
    return (
        OutreachVisit.objects.filter(is_public=True, published_at__isnull=False)
        .select_related("community", "community__company")
        .annotate(
            item_count=Count("items", distinct=True),
            closed_count=Count("items", filter=Q(items__status=ItemStatus.CLOSED), distinct=True),
        )
    )


def visit_list(request):
    return render(request, "outreach/public_list.html", {"visits": _public_visits()[:100]})


def visit_summary(request, pk: int):
    visit = get_object_or_404(_public_visits(), pk=pk)
    items = visit.items.select_related("company").order_by("deadline", "id")
    percent = round(100 * visit.closed_count / visit.item_count) if visit.item_count else 0
    return render(
        request,
        "outreach/public_summary.html",
        {
            "visit": visit,
            "items": items,
            "substations": visit.substations.order_by("name"),
            "percent": percent,
        },
    )
