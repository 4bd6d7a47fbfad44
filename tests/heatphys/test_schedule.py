import numpy as np
import pytest

from heatphys.schedule import (
    shift_by_delay,
    simultaneous_dispatch_kw,
    source_schedule,
    transport_delays_h,
    zone_first_dispatch,
)


def test_integer_delay_moves_heat_earlier_and_holds_the_end():
    heat = np.arange(6.0)[:, None] * 10
    out = shift_by_delay(heat, 2)
    np.testing.assert_allclose(out[:, 0], [20, 30, 40, 50, 50, 50])


def test_fractional_delay_interpolates_and_per_substation():
    heat = np.column_stack([np.arange(5.0), np.arange(5.0) * 2])
    out = shift_by_delay(heat, [0.5, 0.0])
    np.testing.assert_allclose(out[:3, 0], [0.5, 1.5, 2.5])
    np.testing.assert_allclose(out[:, 1], heat[:, 1])


def test_merit_order_and_losses():
    heat = np.full((4, 2), 300.0)
    out = source_schedule(heat, [400.0, 500.0], delay_h=1.0, heat_loss_fraction=0.1)
    total = 600.0 / 0.9
    np.testing.assert_allclose(out.sum(axis=1), total)
    np.testing.assert_allclose(out[:, 0], 400.0)


def test_fixed_shares():
    heat = np.array([[100.0, 200.0]])
    out = source_schedule(heat, delay_h=0.0, source_share=[[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(out, [[200.0, 100.0]])


def test_negative_delay_rejected():
    with pytest.raises(ValueError):
        shift_by_delay(np.ones((3, 1)), -1)


def test_per_substation_delays_with_fallback_for_unknown():
    heat = np.column_stack([np.arange(8.0), 10 * np.arange(8.0), 100 * np.arange(8.0)])
    # Substation 0: 1 h from the solver, 1: unknown -> fallback 3 h, 2: 0.5 h.
    out = shift_by_delay(heat, [1.0, np.nan, 0.5], fallback_delay_h=3.0)
    np.testing.assert_allclose(out[:4, 0], [1, 2, 3, 4])
    np.testing.assert_allclose(out[:4, 1], [30, 40, 50, 60])
    np.testing.assert_allclose(out[:4, 2], [50, 150, 250, 350])
    # No delays at all: the constant for everyone.
    np.testing.assert_allclose(shift_by_delay(heat, None, 2.0), shift_by_delay(heat, 2.0))


def test_source_schedule_uses_each_substations_delay():
    # Two substations whose load steps up at hour 6: the sources must step up earlier for
    # the far one (4 h) than for the near one (1 h).
    heat = np.zeros((12, 2))
    heat[6:] = [100.0, 200.0]
    out = source_schedule(heat, delay_h=[1.0, 4.0])[:, 0]
    np.testing.assert_allclose(out[:2], 0.0)
    np.testing.assert_allclose(out[2:5], 200.0)
    np.testing.assert_allclose(out[5:], 300.0)


def test_delays_from_network_solver_seconds():
    delay_s = np.array([1800.0, np.nan, 7200.0])
    np.testing.assert_allclose(transport_delays_h(delay_s, fallback_delay_h=2.5), [0.5, 2.5, 2.0])
    np.testing.assert_allclose(transport_delays_h(None, 2.0, n_substations=3), [2.0, 2.0, 2.0])


def test_delay_count_must_match_substations():
    with pytest.raises(ValueError, match="one transport delay per substation"):
        shift_by_delay(np.ones((3, 2)), [1.0, 2.0, 3.0])


def test_zones_are_served_by_their_own_source_first():
    # Sources A (merit first, 100 kW), B (50 kW), C (40 kW). Zone A needs 30, zone B 60
    # (10 beyond B), zone C 20; 5 kW of substations have no zone source.
    out = zone_first_dispatch([[30.0, 60.0, 20.0]], [100.0, 50.0, 40.0], [5.0])
    # A: its 30 + B's overflow 10 + the unzoned 5 (merit order); B full; C its own 20.
    assert out.tolist() == [[45.0, 50.0, 20.0]]
    # Beyond the total capacity the last source shows the overload.
    over = zone_first_dispatch([[120.0, 60.0, 50.0]], [100.0, 50.0, 40.0])
    assert over.tolist() == [[100.0, 50.0, 80.0]]
    assert over.sum() == pytest.approx(230.0)


def test_source_schedule_by_zone_keeps_every_zone_source_running():
    heat = np.array([[30.0, 20.0, 50.0]] * 3)  # substations 0, 1 in zone A; 2 in zone B
    merit = source_schedule(heat, [200.0, 200.0], delay_h=0.0)
    assert merit[0].tolist() == [100.0, 0.0]  # plain merit order leaves B cold
    zoned = source_schedule(heat, [200.0, 200.0], delay_h=0.0, substation_source=[0, 0, 1])
    assert zoned[0].tolist() == [50.0, 50.0]
    with pytest.raises(ValueError):
        source_schedule(heat, [200.0, 200.0], delay_h=0.0, substation_source=[0, 2, 1])


def test_the_hydraulic_dispatch_is_the_same_hours_heat_zone_first():
    """Flows are simultaneous: the water of hour t is the substations' heat of hour t, each
    zone's from its own source (the production schedule shifts it by the delay)."""
    heat = np.array([[100.0, 50.0], [80.0, 40.0], [60.0, 30.0]])  # falling load
    capacity = np.array([200.0, 200.0])
    zones = np.array([0, 1])
    flows = simultaneous_dispatch_kw(heat, capacity, zones, heat_loss_fraction=0.2)
    np.testing.assert_allclose(flows, heat / 0.8)
    shifted = source_schedule(
        heat, capacity, delay_h=1.0, heat_loss_fraction=0.2, substation_source=zones
    )
    assert shifted[0, 1] < flows[0, 1]  # the boiler's schedule is the next, smaller hour
