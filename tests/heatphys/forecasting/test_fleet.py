import numpy as np
import pytest

from heatphys.forecasting.fleet import fit_substations


@pytest.mark.slow  # starting processes costs seconds
def test_fit_many_substations_in_processes_equals_in_process(make_load):
    histories = [make_load(days=60, seed=s) for s in range(3)]
    histories[1] = histories[1].assign(heat_kw=histories[1]["heat_kw"] * 5)
    histories.append(histories[0].iloc[:30])  # a day and a bit: no change-point model
    serial = fit_substations(histories)
    parallel = fit_substations(histories, n_jobs=2)
    assert serial[3]["changepoint"] is None and serial[3]["dayahead"] is None
    assert serial[3]["design"] is not None
    weather = histories[0].iloc[-24:][["outdoor_temp_c"]]
    for one, other, history in zip(serial[:3], parallel[:3], histories[:3], strict=True):
        assert one["dayahead"].baseline_ is one["changepoint"]
        np.testing.assert_allclose(
            one["dayahead"].predict(weather, history.iloc[:-24]),
            other["dayahead"].predict(weather, history.iloc[:-24]),
        )
    # Order kept: the five-times-larger substation is the second.
    assert (
        parallel[1]["changepoint"].slope_kw_per_k_ > 4 * parallel[0]["changepoint"].slope_kw_per_k_
    )
