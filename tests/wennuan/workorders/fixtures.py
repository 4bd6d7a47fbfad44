"""Fixtures for work-order tests (loaded by the conftest of workorders/, api/, portal/)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wennuan.registry.models import HeatingSeason
from wennuan.workorders import actions
from wennuan.workorders.choices import Category, Channel


@pytest.fixture
def season(small_city):
    today = timezone.localdate()
    return HeatingSeason.objects.create(
        name="本季",
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=90),
        residential_tariff_yuan_m2=Decimal("22.00"),
        non_residential_tariff_yuan_m2=Decimal("30.00"),
        base_fee_share=Decimal("0.30"),
    )


@pytest.fixture
def make_order(small_city, season, personas):
    """make_order(community_name="剑桥学府", **overrides) → a dispatched order."""

    def make(community_name="剑桥学府", **overrides):
        values = dict(
            text="3号楼2单元501暖气不热，屋里16度",
            phone="13853011111",
            channel=Channel.HOTLINE_12345,
            category=Category.NOT_WARM,
            community=small_city.communities.get(community_name),
            caller_name="王小明",
            building="3",
            unit="2",
            room="501",
            stated_temp_c=16,
        )
        values.update(overrides)
        return actions.do_create_order(personas["bureau_operator"], **values)

    return make


def good_visit(order, technician, temp=21.5, **extra):
    values = dict(
        readings=[("客厅", "living", temp), ("主卧", "bedroom", temp + 0.5)],
        closed_30_min=True,
        centre_height_ok=True,
        read_after_10_min=True,
        outdoor_temp_c=2.0,
        causes=["meets_standard"] if temp >= 18 else ["hydraulic_imbalance"],
        resident_confirmed=True,
    )
    values.update(extra)
    return actions.do_record_visit(order, technician, **values)
