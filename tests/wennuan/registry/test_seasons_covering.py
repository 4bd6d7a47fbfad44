"""One answer to "which season covers this day" and "which indoor standard applies"."""

from datetime import date

from wennuan.registry.models import DEFAULT_STANDARD_INDOOR_C, HeatingSeason, standard_indoor_c


def test_the_season_covering_a_day_and_its_standard(db):
    season = HeatingSeason.objects.create(
        name="2026—2027",
        start_date=date(2026, 11, 15),
        end_date=date(2027, 3, 15),
        residential_tariff_yuan_m2="22.00",
        non_residential_tariff_yuan_m2="30.00",
        base_fee_share="0.30",
        standard_indoor_temp_c=19,
    )
    assert HeatingSeason.objects.covering(date(2026, 11, 15)) == season
    assert HeatingSeason.objects.covering(date(2027, 3, 15)) == season
    assert HeatingSeason.objects.covering(date(2026, 11, 14)) is None
    assert standard_indoor_c(season) == 19
    assert standard_indoor_c(None) == DEFAULT_STANDARD_INDOOR_C == 18.0
