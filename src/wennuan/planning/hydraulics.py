"""Hydraulic check of a company's primary network for a day plan (heatphys.network).

The register keeps the supply side (NetworkJunction/NetworkPipe); the return side mirrors it.
Every source connection is a pressure-controlled circulation pump (fixed supply pressure and
lift); every substation on a junction is a heat consumer taking its allocated heat at the
primary temperature difference of its source's curve (mode QDT: the flow it needs). A
substation's differential-pressure margin is its supply–return pressure difference minus
what it needs (``min_dp_bar``); a negative margin in any hour means it cannot get its flow.

The pump lift is sized once per network from a design-load solve (largest loss to any
substation + ``min_dp_bar`` + a reserve), as an operator would set it, unless
``WENNUAN_PLAN_LIFT_BAR`` fixes it.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from heatphys.network import Network, NetworkError, NotConvergedError, SolverOptions, prepare
from wennuan.registry.models import NetworkJunction, NetworkPipe, SourceConnection

from .config import setting

RETURN_OFFSET = 10_000_000  # return-side ids: supply id + offset
FLOW_PRESSURE_BAR = 6.0
LIFT_RESERVE_BAR = 0.3
PROBE_LIFT_BAR = 20.0
_OPTIONS = SolverOptions(check_feasibility=False, compute_delays=True)


@dataclass
class HydraulicCheck:
    """Hourly results for the substations (columns in plan order) and the supply pipes."""

    mass_flow_kg_s: np.ndarray  # (24, S)
    dp_margin_bar: np.ndarray  # (24, S), NaN where not on the network / not solved
    delay_s: np.ndarray  # (S,)
    flow_shortfall: np.ndarray  # (S,) bool
    pipes: list  # (pipe id, mdot[24], velocity[24], max load ratio)
    warnings: list = field(default_factory=list)


@dataclass
class CompanyNetwork:
    """A company's primary network prepared for repeated solves."""

    prepared: object | None
    consumer_columns: np.ndarray  # plan substation index of each consumer row
    n_substations: int
    supply_pipes: list  # (pipe id, design mass flow)
    source_columns: np.ndarray  # plan source index of each circulation pump
    lift_bar: float
    min_dp_bar: float
    warnings: list
    # The network is solved with the probe lift; with every pump at the same lift and the
    # substations' flows fixed (mode QDT), changing the lift shifts every consumer's
    # differential pressure by the same amount and leaves flows unchanged, so the design lift
    # is applied by subtracting this instead of preparing the network a second time.
    dp_shift_bar: float = 0.0

    @classmethod
    def unchecked(cls, n_substations: int, min_dp_bar: float, warning: str) -> "CompanyNetwork":
        """A company whose network cannot be checked; the warning says why."""
        return cls(
            None,
            np.array([], int),
            n_substations,
            [],
            np.array([], int),
            0.0,
            min_dp_bar,
            [warning],
        )

    @classmethod
    def build(cls, company, substations, sources, min_dp_bar: float) -> "CompanyNetwork":
        junctions = list(NetworkJunction.objects.filter(company=company).order_by("id"))
        pipes = list(NetworkPipe.objects.filter(company=company).order_by("id"))
        source_pos = {s.id: k for k, s in enumerate(sources)}
        connections = [
            c
            for c in SourceConnection.objects.filter(junction__company=company).order_by("id")
            if c.source_id in source_pos
        ]
        on_net = [j for j, s in enumerate(substations) if s.junction_id is not None]
        if not junctions or not pipes or not connections or not on_net:
            return cls.unchecked(
                len(substations),
                min_dp_bar,
                _("未登记完整的一次网（节点、管段、热源接入点），未做水力校核"),
            )
        j_rows = [{"id": j.id, "height_m": j.height_m, "name": j.code} for j in junctions] + [
            {"id": j.id + RETURN_OFFSET, "height_m": j.height_m, "name": j.code} for j in junctions
        ]
        p_rows = []
        for p in pipes:
            common = {
                "length_m": p.length_m,
                "inner_diameter_m": p.inner_diameter_m,
                "roughness_m": p.roughness_mm / 1000.0,
            }
            p_rows.append(
                {
                    "id": p.id,
                    "from_junction": p.from_junction_id,
                    "to_junction": p.to_junction_id,
                    "side": "supply",
                    **common,
                }
            )
            p_rows.append(
                {
                    "id": p.id + RETURN_OFFSET,
                    "from_junction": p.to_junction_id + RETURN_OFFSET,
                    "to_junction": p.from_junction_id + RETURN_OFFSET,
                    "side": "return",
                    **common,
                }
            )
        consumers = pd.DataFrame(
            {
                "from_junction": [substations[j].junction_id for j in on_net],
                "to_junction": [substations[j].junction_id + RETURN_OFFSET for j in on_net],
                "heat_w": [substations[j].design_load_kw * 1000.0 for j in on_net],
                "delta_t_k": [_design_dt(substations[j], sources) for j in on_net],
                "name": [substations[j].code for j in on_net],
            }
        )
        lift = float(setting("WENNUAN_PLAN_LIFT_BAR")) or PROBE_LIFT_BAR
        circ = pd.DataFrame(
            {
                "return_junction": [c.junction_id + RETURN_OFFSET for c in connections],
                "flow_junction": [c.junction_id for c in connections],
                "flow_pressure_bar": FLOW_PRESSURE_BAR,
                "lift_bar": lift,
                "flow_temp_c": [
                    sources[source_pos[c.source_id]].design_supply_temp_c for c in connections
                ],
                "name": [str(c.source_id) for c in connections],
            }
        )
        warnings = []
        try:
            network = Network(
                junctions=pd.DataFrame(j_rows).set_index("id"),
                pipes=pd.DataFrame(p_rows).set_index("id"),
                consumers=consumers,
                circ_pumps=circ,
                name=company.code,
            )
            prepared = prepare(network, _OPTIONS)
            solved_lift = lift
            if not setting("WENNUAN_PLAN_LIFT_BAR"):
                probe = prepared.solve()
                dp = probe.consumers["dp_bar"].to_numpy(float)
                if probe.converged and np.isfinite(dp).all():
                    lift = float(
                        np.ceil((PROBE_LIFT_BAR - dp.min() + min_dp_bar + LIFT_RESERVE_BAR) * 10)
                        / 10
                    )
                else:
                    warnings.append(
                        _("设计工况水力计算未收敛，循环泵扬程按 %(lift).1f bar 计") % {"lift": lift}
                    )
        except (NetworkError, NotConvergedError, ValueError, np.linalg.LinAlgError) as error:
            return cls.unchecked(
                len(substations),
                min_dp_bar,
                _("一次网模型有误，未做水力校核：%(error)s") % {"error": error},
            )
        return cls(
            prepared,
            np.array(on_net, dtype=int),
            len(substations),
            [(p.id, p.design_mass_flow_kg_s) for p in pipes],
            np.array([source_pos[c.source_id] for c in connections], dtype=int),
            lift,
            min_dp_bar,
            warnings,
            solved_lift - lift,
        )

    def check(self, substation_heat_kw, primary_dt_k, source_supply_c) -> HydraulicCheck:
        """Solve the 24 hours; inputs are (24, S) heat [kW], (24, S) primary ΔT [K] and
        (24, K) source supply temperatures [°C]."""
        hours, n_sub = substation_heat_kw.shape
        mdot = np.full((hours, n_sub), np.nan)
        margin = np.full((hours, n_sub), np.nan)
        delay = np.full(n_sub, np.nan)
        warnings = list(self.warnings)
        pipe_mdot = np.full((hours, len(self.supply_pipes)), np.nan)
        pipe_v = np.full((hours, len(self.supply_pipes)), np.nan)
        if self.prepared is None:
            return HydraulicCheck(mdot, margin, delay, np.zeros(n_sub, bool), [], warnings)
        cols = self.consumer_columns
        pipe_ids = [p for p, _design in self.supply_pipes]
        delays = []
        failed_hours = []
        for h in range(hours):
            try:
                result = self.prepared.solve_loads(
                    heat_w=np.maximum(substation_heat_kw[h, cols], 1.0) * 1000.0,
                    delta_t_k=primary_dt_k[h, cols],
                    flow_temp_c=source_supply_c[h, self.source_columns],
                )
            except (NotConvergedError, ValueError, np.linalg.LinAlgError):
                failed_hours.append(h)
                continue
            if not result.converged and result.status == "not_converged":
                failed_hours.append(h)
                continue
            consumers = result.consumers
            mdot[h, cols] = consumers["mdot_kg_s"].to_numpy(float)
            dp = consumers["dp_bar"].to_numpy(float) - self.dp_shift_bar
            margin[h, cols] = dp - self.min_dp_bar
            delays.append(consumers["delay_s"].to_numpy(float))
            table = result.pipes
            pipe_mdot[h] = table["mdot_kg_s"].reindex(pipe_ids).to_numpy(float)
            pipe_v[h] = table["v_mean_m_s"].reindex(pipe_ids).to_numpy(float)
        if failed_hours:
            warnings.append(
                _("水力计算在 %(n)d 个小时未收敛：%(hours)s")
                % {"n": len(failed_hours), "hours": ", ".join(f"{h}:00" for h in failed_hours)}
            )
        if delays:
            with np.errstate(all="ignore"):
                delay[cols] = np.nanmean(np.vstack(delays), axis=0)
        shortfall = np.zeros(n_sub, dtype=bool)
        with np.errstate(invalid="ignore"):
            shortfall[cols] = np.any(margin[:, cols] < 0, axis=0)
        pipes = []
        for i, (pipe_id, design) in enumerate(self.supply_pipes):
            peak = (
                np.nanmax(np.abs(pipe_mdot[:, i])) if np.isfinite(pipe_mdot[:, i]).any() else np.nan
            )
            ratio = round(float(peak / design), 3) if design > 0 and np.isfinite(peak) else None
            pipes.append((pipe_id, pipe_mdot[:, i], pipe_v[:, i], ratio))
        return HydraulicCheck(mdot, margin, delay, shortfall, pipes, warnings)


def _design_dt(substation, sources) -> float:
    source = substation.source if substation.source is not None else sources[0]
    return max(source.design_supply_temp_c - source.design_return_temp_c, 5.0)
