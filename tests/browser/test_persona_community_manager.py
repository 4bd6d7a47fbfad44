"""The community manager's day: the orders of their own communities, read-only."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_community_manager_reads_the_orders_of_their_communities(desk):
    from wennuan.registry.models import Community
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.log_in("yongheng-manager")
    desk.go("/console/orders/?all=1")
    numbers = page.locator("tr.order-row td.lead a").all_inner_texts()
    assert numbers
    mine = set(
        Community.objects.filter(
            manager__login_account__user__username="yongheng-manager"
        ).values_list("name", flat=True)
    )
    seen = set(
        WorkOrder.objects.filter(number__in=numbers).values_list("community__name", flat=True)
    )
    assert seen and seen <= mine
    assert desk.fits_width()
    desk.screenshot("community_manager")

    page.get_by_role("link", name=numbers[0]).click()
    expect(page.locator("h1")).to_contain_text(numbers[0])
    # Reading only: no action forms, no intake button.
    assert page.locator("form.action-form").count() == 0
    desk.go("/console/orders/")
    expect(page.get_by_role("link", name="受理来电")).to_have_count(0)
