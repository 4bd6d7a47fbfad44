"""Analytic cases, API contracts and failure paths of the network solver."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

import heatphys
from heatphys.network import (
    Fluid,
    Network,
    NetworkError,
    SolverOptions,
    prepare,
    read_network_json,
    solve,
    write_network_json,
)
from heatphys.network.cli import register
from heatphys.network.generate import generate_district_network

RHO, ETA, CP = 1000.0, 1e-3, 4186.0
FLUID = Fluid.constant(RHO, ETA, CP)


def colebrook_lambda(re, kd):
    """Independent Colebrook–White solution by bracketing (not the solver's Newton)."""
    return brentq(
        lambda lam: 1 / math.sqrt(lam) + 2 * math.log10(2.51 / (re * math.sqrt(lam)) + kd / 3.71),
        1e-4,
        1.0,
    )


def dp_pipe_bar(mdot, length, d, k):
    area = math.pi * d**2 / 4
    v = mdot / (RHO * area)
    lam = colebrook_lambda(RHO * v * d / ETA, k / d)
    return lam * length / d * RHO * v * abs(v) / 2 / 1e5


def one_pipe(mdot=2.0, length=500.0, d=0.1, k=1e-4, u=0.0, height=(0.0, 0.0)):
    return Network(
        junctions=pd.DataFrame({"height_m": list(height)}, index=[10, 20]),
        pipes=pd.DataFrame(
            {
                "from_junction": [10],
                "to_junction": [20],
                "length_m": [length],
                "inner_diameter_m": [d],
                "roughness_m": [k],
                "u_w_per_m2k": [u],
            },
            index=[7],
        ),
        pressure_sources=pd.DataFrame({"junction": [10], "pressure_bar": [5.0], "temp_c": [80.0]}),
        sinks=pd.DataFrame({"junction": [20], "mass_flow_kg_s": [mdot]}),
        fluid=FLUID,
        ambient_temp_c=10.0,
    )


def test_one_pipe_pressure_drop_and_temperature_exact():
    net = one_pipe(u=2.0)
    res = solve(net, SolverOptions(friction_model="colebrook"))
    assert res.converged
    assert list(res.junctions.index) == [10, 20] and list(res.pipes.index) == [7]
    assert res.junctions.p_bar[20] == pytest.approx(
        5.0 - dp_pipe_bar(2.0, 500, 0.1, 1e-4), rel=1e-9
    )
    assert res.pipes.mdot_kg_s[7] == pytest.approx(2.0, rel=1e-12)
    assert res.pipes.v_mean_m_s[7] == pytest.approx(2.0 / (RHO * math.pi * 0.01 / 4))
    expected = 10 + 70 * math.exp(-2.0 * math.pi * 0.1 * 500 / (CP * 2.0))
    assert res.pipes.t_out_c[7] == pytest.approx(expected, abs=1e-9)
    assert res.junctions.t_c[20] == pytest.approx(expected, abs=1e-9)
    # transport delay = volume / volume flow
    assert res.junctions.delay_s[20] == pytest.approx(RHO * math.pi * 0.01 / 4 * 500 / 2.0)


def test_height_adds_hydrostatic_and_air_column():
    res = solve(one_pipe(height=(0.0, 30.0)))
    flat = solve(one_pipe())
    air = 1.01325 * (1 - (1 - 30 * 0.0065 / 288.15) ** 5.255)
    assert flat.junctions.p_bar[20] - res.junctions.p_bar[20] == pytest.approx(
        RHO * 9.81 * 30 / 1e5 - air, rel=1e-9
    )


@pytest.mark.parametrize("model", ["nikuradse", "swamee-jain"])
def test_other_friction_models_one_pipe(model):
    res = solve(one_pipe(), SolverOptions(friction_model=model))
    d, k, mdot, length = 0.1, 1e-4, 2.0, 500.0
    v = mdot / (RHO * math.pi * d**2 / 4)
    re = RHO * v * d / ETA
    if model == "nikuradse":
        lam = 64 / re + 1 / (-2 * math.log10(k / (3.71 * d))) ** 2
    else:
        lam = 0.25 / math.log10(k / (3.7 * d) + 5.74 / re**0.9) ** 2
    assert 5.0 - res.junctions.p_bar[20] == pytest.approx(
        lam * length / d * RHO * v**2 / 2e5, rel=1e-9
    )


def test_parallel_pipes_split_by_equal_pressure_drop():
    d = [0.08, 0.12]
    net = Network(
        junctions=pd.DataFrame(index=[0, 1]),
        pipes=pd.DataFrame(
            {
                "from_junction": [0, 0],
                "to_junction": [1, 1],
                "length_m": [300.0, 700.0],
                "inner_diameter_m": d,
                "roughness_m": 1e-4,
            }
        ),
        pressure_sources=pd.DataFrame({"junction": [0], "pressure_bar": [4.0], "temp_c": [70.0]}),
        sinks=pd.DataFrame({"junction": [1], "mass_flow_kg_s": [15.0]}),
        fluid=FLUID,
    )
    res = solve(net)
    m0 = brentq(
        lambda m: dp_pipe_bar(m, 300, d[0], 1e-4) - dp_pipe_bar(15 - m, 700, d[1], 1e-4),
        0.01,
        14.99,
        xtol=1e-13,
    )
    assert res.pipes.mdot_kg_s[0] == pytest.approx(m0, rel=1e-8)
    assert res.pipes.mdot_kg_s.sum() == pytest.approx(15.0, rel=1e-12)
    assert 4.0 - res.junctions.p_bar[1] == pytest.approx(dp_pipe_bar(m0, 300, d[0], 1e-4), rel=1e-8)


def test_loop_satisfies_kirchhoff_laws():
    # square loop 0-1-2-3-0 fed at 0, loads at 1, 2, 3
    pipes = pd.DataFrame(
        {
            "from_junction": [0, 1, 2, 3],
            "to_junction": [1, 2, 3, 0],
            "length_m": [200.0, 350.0, 150.0, 400.0],
            "inner_diameter_m": [0.1, 0.08, 0.09, 0.1],
            "roughness_m": 5e-5,
        }
    )
    net = Network(
        junctions=pd.DataFrame(index=range(4)),
        pipes=pipes,
        pressure_sources=pd.DataFrame({"junction": [0], "pressure_bar": [6.0], "temp_c": [60.0]}),
        sinks=pd.DataFrame({"junction": [1, 2, 3], "mass_flow_kg_s": [3.0, 5.0, 2.0]}),
        fluid=FLUID,
    )
    res = solve(net, SolverOptions(tol_pressure_bar=1e-12, tol_mass_flow_kg_s=1e-12))
    m = res.pipes.mdot_kg_s.to_numpy()
    # continuity at 1, 2, 3
    assert m[0] - m[1] == pytest.approx(3.0, abs=1e-10)
    assert m[1] - m[2] == pytest.approx(5.0, abs=1e-10)
    assert m[2] - m[3] == pytest.approx(2.0, abs=1e-10)
    # energy: head losses around the loop sum to zero (independent Colebrook)
    drops = [
        math.copysign(dp_pipe_bar(abs(mi), ln, di, 5e-5), mi)
        for mi, ln, di in zip(m, pipes.length_m, pipes.inner_diameter_m, strict=True)
    ]
    assert sum(drops) == pytest.approx(0.0, abs=1e-10)
    p = res.junctions.p_bar
    assert p[0] - p[1] == pytest.approx(drops[0], rel=1e-8)


def test_mixing_junction_is_mass_weighted():
    net = Network(
        junctions=pd.DataFrame(index=[0, 1, 2]),
        pipes=pd.DataFrame(
            {
                "from_junction": [0, 1],
                "to_junction": [2, 2],
                "length_m": [100.0, 100.0],
                "inner_diameter_m": [0.1, 0.1],
            }
        ),
        pressure_sources=pd.DataFrame(
            {"junction": [0, 1], "pressure_bar": [3.0, 3.0], "temp_c": [90.0, 50.0]}
        ),
        sinks=pd.DataFrame({"junction": [2], "mass_flow_kg_s": [4.0]}),
        fluid=FLUID,
    )
    res = solve(net)
    assert res.pipes.mdot_kg_s.tolist() == pytest.approx([2.0, 2.0], rel=1e-9)
    assert res.junctions.t_c[2] == pytest.approx(70.0, abs=1e-9)


def small_dh(mode="QM"):
    return generate_district_network(12, n_loops=2, seed=3, fluid=FLUID, consumer_mode=mode)


@pytest.mark.parametrize("mode", ["QM", "QTR", "MIX"])
def test_district_network_energy_balance(mode):
    net = small_dh(mode)
    res = solve(net)
    assert res.converged, res.message
    c = res.consumers
    np.testing.assert_allclose(c.heat_w, net.consumers.heat_w, rtol=1e-9)
    if mode != "QM":
        tr = net.consumers.return_temp_c.dropna()
        np.testing.assert_allclose(c.t_return_c[tr.index], tr, atol=1e-9)
    # plant heat = consumer heat + pipe losses
    plant = res.circ_pumps.heat_w.sum()
    losses = res.pipes.heat_loss_w.sum()
    assert plant == pytest.approx(c.heat_w.sum() + losses, rel=1e-6)
    assert res.circ_pumps.mdot_kg_s.sum() == pytest.approx(c.mdot_kg_s.sum(), rel=1e-9)
    assert (c.delay_s > 0).all()


def test_never_mutates_input_and_result_is_frozen():
    net = small_dh()
    before = {t: getattr(net, t).copy() for t in ("junctions", "pipes", "consumers")}
    res = solve(net)
    for t, df in before.items():
        pd.testing.assert_frame_equal(getattr(net, t), df)
    with pytest.raises(AttributeError):
        res.converged = False
    with pytest.raises(AttributeError):
        SolverOptions().max_iterations = 3


def test_warm_resolve_matches_cold_solve():
    net = small_dh("MIX")
    compiled = prepare(net)
    compiled.solve()
    rng = np.random.default_rng(5)
    for _ in range(3):
        heat = net.consumers.heat_w.to_numpy() * rng.uniform(0.3, 1.2, len(net.consumers))
        warm = compiled.solve_loads(heat_w=heat)
        cold = solve(net.replace(consumers=net.consumers.assign(heat_w=heat)))
        assert warm.converged and cold.converged
        np.testing.assert_allclose(warm.junctions.p_bar, cold.junctions.p_bar, rtol=1e-9)
        np.testing.assert_allclose(warm.pipes.mdot_kg_s, cold.pipes.mdot_kg_s, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(warm.junctions.t_c, cold.junctions.t_c, atol=1e-6)
    day = compiled.solve_series(np.outer(np.linspace(0.5, 1.0, 4), net.consumers.heat_w))
    assert len(day) == 4 and all(r.converged for r in day)
    assert day[0].consumers.heat_w.sum() < day[-1].consumers.heat_w.sum()


def test_lazy_reexports():
    for name in (
        "read_pandapipes_json",
        "read_network_json",
        "solve",
        "Network",
        "Result",
        "SolverOptions",
    ):
        assert getattr(heatphys, name) is getattr(heatphys.network, name)


# ---------------------------------------------------------------- failure paths
def test_zero_length_and_negative_diameter_are_named():
    net = one_pipe()
    with pytest.raises(NetworkError, match=r"pipes \[7\].*length_m") as err:
        net.replace(pipes=net.pipes.assign(length_m=0.0))
    assert err.value.elements == {"pipes": [7]}
    with pytest.raises(NetworkError, match=r"pipes \[7\].*inner_diameter_m"):
        net.replace(pipes=net.pipes.assign(inner_diameter_m=-0.1))


def test_unknown_junction_and_bad_consumer_mode():
    net = small_dh()
    with pytest.raises(NetworkError, match="unknown junction"):
        net.replace(pipes=net.pipes.assign(to_junction=net.pipes.to_junction.replace(1, 999)))
    with pytest.raises(NetworkError, match=r"consumers \[0\]"):
        cons = net.consumers.copy()
        cons.loc[0, "return_temp_c"] = 50.0  # three quantities given
        net.replace(consumers=cons)


def test_disconnected_consumer_is_named():
    net = small_dh()
    j = pd.concat([net.junctions, pd.DataFrame({"height_m": [0.0, 0.0]}, index=[900, 901])])
    cons = pd.concat(
        [
            net.consumers,
            pd.DataFrame(
                {
                    "from_junction": [900],
                    "to_junction": [901],
                    "heat_w": [5e4],
                    "mass_flow_kg_s": [0.4],
                },
                index=[77],
            ),
        ]
    )
    with pytest.raises(NetworkError, match="no pressure reference") as err:
        solve(net.replace(junctions=j, consumers=cons))
    assert err.value.elements["consumers"] == [77]
    assert set(err.value.elements["junctions"]) == {900, 901}


def test_pump_that_cannot_deliver_gives_infeasible_status():
    net = small_dh()
    weak = net.replace(circ_pumps=net.circ_pumps.assign(lift_bar=0.05))
    res = solve(weak)
    assert not res.converged and res.status == "infeasible"
    assert "cannot deliver" in res.message
    bad = res.consumers.index[res.consumers.dp_bar < 0]
    assert len(bad) and set(res.culprits["consumers"]) == set(bad)
    with pytest.raises(RuntimeError):
        res.raise_for_status()


def test_curve_pump_beyond_its_curve_is_named():
    net = Network(
        junctions=pd.DataFrame(index=[0, 1, 2]),
        pipes=pd.DataFrame(
            {
                "from_junction": [1],
                "to_junction": [2],
                "length_m": [100.0],
                "inner_diameter_m": [0.1],
            }
        ),
        pumps=pd.DataFrame(
            {"from_junction": [0], "to_junction": [1], "curve_coefficients": [[-0.01, 0.0, 1.0]]},
            index=[4],
        ),
        pressure_sources=pd.DataFrame({"junction": [0], "pressure_bar": [1.0], "temp_c": [60.0]}),
        sinks=pd.DataFrame({"junction": [2], "mass_flow_kg_s": [40.0]}),
        fluid=FLUID,
    )
    res = solve(net)  # 144 m³/h demanded, the curve reaches zero lift at 10 m³/h
    assert res.status == "infeasible" and res.culprits["pumps"] == [4]
    ok = solve(net.replace(sinks=net.sinks.assign(mass_flow_kg_s=1.0)))
    assert ok.converged
    vol = 1.0 / FLUID.density(0.0) * 3600
    assert ok.pumps.lift_bar[4] == pytest.approx(1.0 - 0.01 * vol**2, rel=1e-9)


def test_non_convergence_is_a_status():
    res = solve(small_dh("QTR"), SolverOptions(max_iterations=1))
    assert not res.converged and res.status == "not_converged"
    assert "did not converge" in res.message


# ---------------------------------------------------------------- formats and CLI
def test_json_roundtrip(tmp_path):
    net = small_dh("MIX")
    path = tmp_path / "net.json"
    write_network_json(net, path)
    back = read_network_json(path)
    a, b = solve(net), solve(back)
    pd.testing.assert_frame_equal(a.junctions, b.junctions)
    pd.testing.assert_frame_equal(a.pipes, b.pipes)


def test_cli_solve_writes_results_keyed_by_input_ids(tmp_path):
    import argparse

    net = one_pipe(u=1.0)
    src, out = tmp_path / "net.json", tmp_path / "res.json"
    write_network_json(net, src)
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["solve", str(src), "--out", str(out)])
    assert args.func(args) == 0
    doc = json.loads(out.read_text())
    assert doc["converged"] is True
    assert set(doc["junctions"]) == {"10", "20"} and set(doc["pipes"]) == {"7"}
    assert set(doc["pipes"]["7"]) == {"v_mean_m_s", "mdot_kg_s", "t_out_c"}
    assert doc["junctions"]["20"]["p_bar"] == pytest.approx(solve(net).junctions.p_bar[20])
    # a broken file is a clear error and exit code 2
    src.write_text(json.dumps({"format": "something-else"}))
    args = parser.parse_args(["solve", str(src), "--out", str(out)])
    assert args.func(args) == 2


def test_cli_pandapipes_format(tmp_path):
    pandapipes = pytest.importorskip("pandapipes")
    from pathlib import Path

    case = (
        Path(pandapipes.__file__).parent
        / "networks"
        / "network_files"
        / "stanet_test_networks"
        / "water_cases"
        / "t_cross"
        / "t_cross_N.json"
    )
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    out = tmp_path / "r.json"
    args = parser.parse_args(
        [
            "solve",
            str(case),
            "--format",
            "pandapipes",
            "--out",
            str(out),
            "--friction-model",
            "nikuradse",
        ]
    )
    assert args.func(args) == 0
    doc = json.loads(out.read_text())
    assert len(doc["junctions"]) == 4 and len(doc["pipes"]) == 3
    assert doc["friction_model"] == "nikuradse"
    # without --friction-model: a pandapipes file means what pandapipes' pipeflow would
    # use (Nikuradse); a heatphys file without its own, Colebrook
    args = parser.parse_args(["solve", str(case), "--format", "pandapipes", "--out", str(out)])
    assert args.func(args) == 0
    assert json.loads(out.read_text())["friction_model"] == "nikuradse"
    from heatphys.network import read_pandapipes_json, write_network_json

    ours = tmp_path / "ours.json"
    write_network_json(read_pandapipes_json(case).replace(friction_model=""), ours)
    args = parser.parse_args(["solve", str(ours), "--out", str(out)])
    assert args.func(args) == 0
    assert json.loads(out.read_text())["friction_model"] == "colebrook"
    # the heatphys format keeps a network's own friction model
    from heatphys.network import read_network_json

    write_network_json(read_pandapipes_json(case), ours)
    assert read_network_json(ours).friction_model == "nikuradse"


def test_partial_columns_take_their_defaults(tmp_path):
    """A column given on some rows only: the other rows get the default, not NaN."""
    doc = {
        "format": "heatphys-network",
        "version": 1,
        "fluid": FLUID.to_dict(),
        "junctions": [{"id": "a", "height_m": 3.0}, {"id": "b"}, {"id": "c", "height_m": None}],
        "pipes": [
            {"id": 1, "from_junction": "a", "to_junction": "b", "length_m": 200.0,
             "inner_diameter_m": 0.1, "roughness_m": 2e-4},
            {"id": 2, "from_junction": "b", "to_junction": "c", "length_m": 300.0,
             "inner_diameter_m": 0.1, "in_service": None},
        ],
        "pressure_sources": [{"id": 0, "junction": "a", "pressure_bar": 5.0, "temp_c": 70.0}],
        "sinks": [{"id": 0, "junction": "c", "mass_flow_kg_s": 3.0}],
    }  # fmt: skip
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(doc))
    net = read_network_json(path)
    assert net.junctions.height_m.tolist() == [3.0, 0.0, 0.0]
    assert net.pipes.roughness_m.tolist() == [2e-4, 1e-4]
    assert net.pipes.in_service.tolist() == [True, True]
    assert net.pipes.loss_coefficient.tolist() == [0.0, 0.0]
    res = solve(net)
    assert res.converged and np.isfinite(res.residual_norm)
    assert res.pipes.mdot_kg_s.tolist() == pytest.approx([3.0, 3.0])


def test_result_json_is_strict_json_with_null_for_undefined(tmp_path):
    import argparse
    import dataclasses

    from heatphys.network import result_to_dict

    net = one_pipe(u=1.0)
    # an out-of-service pipe and an unconnected junction have no results (NaN in the tables)
    net = net.replace(
        junctions=pd.concat([net.junctions, pd.DataFrame({"height_m": [0.0]}, index=[30])]),
        pipes=pd.concat(
            [
                net.pipes,
                net.pipes.rename(index={7: 8}).assign(to_junction=30, in_service=False),
            ]
        ),
    )
    failed = solve(net, SolverOptions(max_iterations=0))
    assert not failed.converged
    failed = dataclasses.replace(failed, residual_norm=float("nan"))
    doc = result_to_dict(failed)
    json.dumps(doc, allow_nan=False)  # raises on any NaN/inf left
    assert doc["residual_norm"] is None
    assert doc["pipes"]["8"]["mdot_kg_s"] is None
    assert doc["junctions"]["30"]["p_bar"] is None

    def strict(text):
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON token {c}"))

    src, out = tmp_path / "net.json", tmp_path / "res.json"
    write_network_json(net, src)
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["solve", str(src), "--out", str(out)])
    assert args.func(args) == 0
    written = strict(out.read_text())
    assert written["pipes"]["8"] == {"v_mean_m_s": None, "mdot_kg_s": None, "t_out_c": None}


@pytest.mark.parametrize("linear_solver", ["qdldl", "superlu"])
def test_linear_solvers_agree(linear_solver):
    pytest.importorskip("qdldl")
    net = generate_district_network(150, seed=11, fluid=FLUID, consumer_mode="MIX")
    ref = solve(net, SolverOptions(linear_solver="auto"))
    res = solve(net, SolverOptions(linear_solver=linear_solver))
    assert ref.converged and res.converged
    np.testing.assert_allclose(res.junctions.p_bar, ref.junctions.p_bar, rtol=1e-9)
    np.testing.assert_allclose(res.pipes.mdot_kg_s, ref.pipes.mdot_kg_s, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(res.junctions.t_c, ref.junctions.t_c, atol=1e-6)


def test_result_tables_are_built_once_on_access():
    res = solve(small_dh())
    assert "_tables" not in res.__dict__
    first = res.consumers
    assert res.consumers is first
    assert set(res.__dict__["_tables"]) == {"consumers"}
    assert res.junctions.index.equals(small_dh().junctions.index)
