"""pandapipes files as pandapipes 0.16 means them: heat exchangers, junction-to-junction
valves, and files that are not pandapipes networks (issue 20, outsider's report 1–3)."""

import json

import numpy as np
import pandas as pd
import pytest

from heatphys.cli import main
from heatphys.network import Network, NetworkError, read_pandapipes_json, solve
from heatphys.network.io import read_network_json

pp = pytest.importorskip("pandapipes")

KELVIN = 273.15


def small_line(tmp_path, *, valve_et="ju", heat_w=20_000.0):
    """ext_grid (3 bar, 80 °C) → pipe → valve → heat exchanger (5 m up) → pipe → sink."""
    net = pp.create_empty_network(fluid="water")
    j = pp.create_junctions(net, 5, pn_bar=3.0, tfluid_k=353.15, height_m=[0, 0, 0, 5, 5])
    pp.create_ext_grid(net, j[0], p_bar=3.0, t_k=353.15)
    pp.create_pipe_from_parameters(net, j[0], j[1], 0.2, 80.0, k_mm=0.1)
    if valve_et == "pi":
        pp.create_valve(net, j[1], 0, et="pi", inner_diameter_mm=80.0, loss_coefficient=2.0)
        pp.create_pipe_from_parameters(net, j[1], j[2], 0.01, 80.0)
    else:
        pp.create_valve(net, j[1], j[2], et="ju", inner_diameter_mm=80.0, loss_coefficient=2.0)
    pp.create_heat_exchanger(
        net, j[2], j[3], qext_w=heat_w, inner_diameter_mm=50.0, loss_coefficient=3.0
    )
    pp.create_pipe_from_parameters(net, j[3], j[4], 0.3, 80.0, k_mm=0.1)
    pp.create_sink(net, j[4], mdot_kg_per_s=2.0)
    path = tmp_path / "line.json"
    pp.to_json(net, str(path))
    return path


def test_heat_exchanger_and_junction_valve_are_read_and_solved(tmp_path):
    net = read_pandapipes_json(small_line(tmp_path))
    assert list(net.valves[["from_junction", "to_junction"]].iloc[0]) == [1, 2]
    hx = net.heat_exchangers.iloc[0]
    assert (hx.from_junction, hx.to_junction, hx.heat_w) == (2, 3, 20_000.0)
    assert hx.inner_diameter_m == pytest.approx(0.05)
    assert hx.loss_coefficient == 3.0
    result = solve(net)
    assert result.converged, result.message
    cp = net.fluid.heat_capacity
    t_in = result.junctions.t_c[2]
    # T_out = T_in − Q/(c_p·ṁ), the sink's 2 kg/s through the exchanger
    drop = 20_000.0 / (cp(t_in) * 2.0)
    assert result.heat_exchangers.mdot_kg_s.iloc[0] == pytest.approx(2.0, rel=1e-9)
    assert result.junctions.t_c[3] == pytest.approx(t_in - drop, abs=2e-3)
    assert result.heat_exchangers.heat_w.iloc[0] == 20_000.0
    # hydraulically a valve: ζ·ρv²/2 plus the 5 m water column
    rho = net.fluid.density(t_in)
    v = 2.0 / (rho * np.pi * 0.05**2 / 4)
    dp = result.junctions.p_bar[2] - result.junctions.p_bar[3]
    assert dp == pytest.approx((3.0 * rho * v**2 / 2 + rho * 9.81 * 5.0) / 1e5, rel=2e-3)


def test_heat_exchanger_matches_pandapipes_on_a_small_line(tmp_path):
    path = small_line(tmp_path)
    ours = solve(read_pandapipes_json(path))
    ref = pp.from_json(str(path))
    pp.pipeflow(ref, mode="bidirectional", tol_p=1e-9, tol_m=1e-9, tol_T=1e-7, iter=100)
    np.testing.assert_allclose(ours.junctions.p_bar, ref.res_junction.p_bar, atol=1e-6)
    np.testing.assert_allclose(ours.junctions.t_c, ref.res_junction.t_k - KELVIN, atol=1e-3)


def test_a_closed_junction_valve_cuts_the_line(tmp_path):
    path = small_line(tmp_path)
    doc = json.loads(path.read_text())
    valve = json.loads(doc["_object"]["valve"]["_object"])
    valve["data"][0][valve["columns"].index("opened")] = False
    doc["_object"]["valve"]["_object"] = json.dumps(valve)
    path.write_text(json.dumps(doc))
    net = read_pandapipes_json(path)
    assert not net.valves.opened.iloc[0]


def test_valve_at_a_pipe_end_gets_pandapipes_internal_junction(tmp_path):
    """et="pi": pandapipes puts an internal node between the junction and the pipe's end."""
    path = small_line(tmp_path, valve_et="pi")
    net = read_pandapipes_json(path)
    node = 5  # the next free junction id
    assert net.junctions.name[node] == "valve 0 at pipe 0"
    assert net.junctions.height_m[node] == net.junctions.height_m[1]
    assert tuple(net.pipes.loc[0, ["from_junction", "to_junction"]]) == (0, node)
    assert tuple(net.valves.loc[0, ["from_junction", "to_junction"]]) == (1, node)
    ours = solve(net)
    assert ours.converged, ours.message
    ref = pp.from_json(str(path))
    pp.pipeflow(ref, mode="bidirectional", tol_p=1e-9, tol_m=1e-9, tol_T=1e-7, iter=100)
    ids = ref.res_junction.index
    np.testing.assert_allclose(ours.junctions.p_bar[ids], ref.res_junction.p_bar, atol=1e-6)
    np.testing.assert_allclose(ours.junctions.t_c[ids], ref.res_junction.t_k - KELVIN, atol=1e-3)
    np.testing.assert_allclose(ours.valves.mdot_kg_s, ref.res_valve.mdot_from_kg_per_s, rtol=1e-6)


def test_valve_of_unknown_type_or_pipe_is_refused_by_name(tmp_path):
    path = small_line(tmp_path, valve_et="pi")
    doc = json.loads(path.read_text())
    valve = json.loads(doc["_object"]["valve"]["_object"])
    valve["data"][0][valve["columns"].index("element")] = 9
    doc["_object"]["valve"]["_object"] = json.dumps(valve)
    path.write_text(json.dumps(doc))
    with pytest.raises(NetworkError, match="valve 0: pipe 9 does not exist"):
        read_pandapipes_json(path)
    valve["data"][0][valve["columns"].index("et")] = "j"
    doc["_object"]["valve"]["_object"] = json.dumps(valve)
    path.write_text(json.dumps(doc))
    with pytest.raises(NetworkError, match=r"valves \[0\]: element type \['j'\]"):
        read_pandapipes_json(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1}', "not a pandapipes network (no junction table"),
        ('{"_module": "pandapipes", "_object": {"junction"', "invalid JSON at line 1"),
        ("[1, 2]", "top level is not a JSON object"),
        ("", "invalid JSON"),
    ],
)
def test_a_file_that_is_not_a_pandapipes_network_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(NetworkError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_pandapipes_json(path)


def test_a_truncated_pandapipes_file_is_a_network_error(tmp_path):
    path = small_line(tmp_path)
    path.write_text(path.read_text()[:-200])
    with pytest.raises(NetworkError, match="truncated"):
        read_pandapipes_json(path)
    with pytest.raises(NetworkError, match="truncated"):
        read_network_json(path)


def test_a_pandapipes_table_without_its_columns_is_one_line(tmp_path):
    path = small_line(tmp_path)
    doc = json.loads(path.read_text())
    pipe = json.loads(doc["_object"]["pipe"]["_object"])
    k = pipe["columns"].index("from_junction")
    pipe["columns"][k] = "start"
    doc["_object"]["pipe"]["_object"] = json.dumps(pipe)
    path.write_text(json.dumps(doc))
    with pytest.raises(NetworkError, match="malformed pandapipes network.*from_junction"):
        read_pandapipes_json(path)


def test_cli_solve_on_a_non_network_prints_one_line(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text('{"a": 1}')
    for fmt in ("pandapipes", "heatphys"):
        code = main(["solve", str(path), "--format", fmt, "--out", str(tmp_path / "r.json")])
        err = capsys.readouterr().err
        assert code == 2
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert "not a" in err


def test_heat_exchanger_validation_names_the_element():
    junctions = pd.DataFrame({"height_m": [0.0, 0.0]})
    with pytest.raises(NetworkError, match=r"heat_exchangers \[4\]: heat_w"):
        Network(
            junctions=junctions,
            heat_exchangers=pd.DataFrame(
                {
                    "from_junction": [0],
                    "to_junction": [1],
                    "inner_diameter_m": [0.05],
                    "heat_w": [np.nan],
                },
                index=[4],
            ),
        )
