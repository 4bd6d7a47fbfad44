import numpy as np
import pytest

from heatphys.schedule import shift_by_delay, source_schedule


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
