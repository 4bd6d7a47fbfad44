from datetime import date
from decimal import Decimal

import pytest

from wennuan.registry.models import HeatingSeason

# Season starting 2026-11-15; tests freeze "today" to dates around it.
SEASON_START = date(2026, 11, 15)


@pytest.fixture
def coming_season(small_city):
    return HeatingSeason.objects.create(
        name="2026—2027 供热季",
        start_date=SEASON_START,
        end_date=date(2027, 3, 15),
        residential_tariff_yuan_m2=Decimal("22.00"),
        non_residential_tariff_yuan_m2=Decimal("30.00"),
        base_fee_share=Decimal("0.30"),
    )


@pytest.fixture
def checklist(coming_season):
    from wennuan.readiness.checklists import generate_checklists

    generate_checklists(coming_season)
    return coming_season
