"""Hydraulic check of a company's primary network for a day plan (heatphys.network).

The register keeps the supply side (NetworkJunction/NetworkPipe); the return side mirrors it.
Every substation on a junction is a heat consumer taking its allocated heat at the primary
temperature difference of its heat exchanger (mode QDT: the flow it needs). A substation's
differential-pressure margin is its supply–return pressure difference minus what it needs
(``min_dp_bar``); a negative margin in any hour means it cannot get its flow.

The sources run as the day's schedule runs them (each its supply zone first, the rest in
merit order: ``heatphys.schedule.zone_first_dispatch``): ONE
source holds the pressure — the merit-order first source that runs that day (the base-load
plant takes the balance, as in practice); its connections are pressure-controlled circulation
pumps (supply pressure ``FLOW_PRESSURE_BAR``, a lift). Every other source's connections are
mass-controlled pumps carrying, each hour, the flow of its scheduled heat (0 when the plan
keeps it cold: it then moves no water at all). Their supply pressure is left free (NaN):
pandapipes' mass-controlled pump also fixes the supply pressure, which makes its junction a
second pressure reference that feeds the network whatever the flow given (an "off" boiler
house would still push water in) — here only the balance plant holds the pressure and the
other sources move exactly their flows. The balance plant's flow is what the substations need
beyond them (mass balance).

The lift is sized per pump arrangement from a design-load solve (largest loss to any
substation + ``min_dp_bar`` + a reserve), as an operator would set it, unless
``WENNUAN_PLAN_LIFT_BAR`` fixes it; on a day whose worst hour needs more, the check raises
it for the day as far as that hour needs, at most to ``MAX_LIFT_BAR``, and says so. Each hour
runs with that hour's water (``heatphys.schedule.simultaneous_dispatch_kw``, no transport
delay: flows are simultaneous, only the heat arrives late), as the design solve does.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from heatphys.dayplan import size_pump_lift_bar
from heatphys.network import Network, NetworkError, NotConvergedError, SolverOptions, prepare
from heatphys.network.fluid import WATER_CONSTANT
from heatphys.schedule import zone_first_dispatch
from wennuan.lib.systemtext import SystemText, system_text
from wennuan.registry.models import NetworkJunction, NetworkPipe, SourceConnection

from .config import setting

RETURN_OFFSET = 10_000_000  # return-side ids: supply id + offset
FLOW_PRESSURE_BAR = 6.0
LIFT_RESERVE_BAR = 0.3
PROBE_LIFT_BAR = 20.0
# A lift above this cannot be a real circulation pump's (primary networks are PN16): the
# arrangement cannot carry the design load, typically because idle sources' supply zones
# would be fed over the thin pipes between zones. Said in a warning; the check still runs.
MAX_LIFT_BAR = 16.0
# Hours whose lowest margins differ by less than this are the same hour to a dispatcher (a
# flat day): the warning says "all day" rather than naming one of them.
SAME_MARGIN_BAR = 0.05
# A source's flow is its heat over c_p·(supply − network return); the difference is bounded
# below so that a supply set-point at the return temperature cannot ask for an endless flow.
MIN_SOURCE_DT_K = 5.0
# The heat capacity of the fluid the network is solved with (heatphys' constant water), so
# that flows computed here and the solver's temperatures use one c_p.
_CP_J_KGK = WATER_CONSTANT.heat_capacity.value
_OPTIONS = SolverOptions(check_feasibility=False, compute_delays=True)
_SOLVE_ERRORS = (NetworkError, NotConvergedError, ValueError, np.linalg.LinAlgError)


@dataclass
class HydraulicCheck:
    """Hourly results for the substations (columns in plan order), the sources (columns in
    plan order) and the supply pipes."""

    mass_flow_kg_s: np.ndarray  # (24, S)
    dp_margin_bar: np.ndarray  # (24, S), NaN where not on the network / not solved
    delay_s: np.ndarray  # (S,)
    flow_shortfall: np.ndarray  # (S,) bool
    pipes: list  # (pipe id, mdot[24], velocity[24], max load ratio)
    warnings: list = field(default_factory=list)
    # (24, K) water each source's circulation pumps move [kg/s]; NaN where the source has no
    # connection to this network or the hour was not solved
    source_mass_flow_kg_s: np.ndarray | None = None
    balance_source: int | None = None  # plan index of the source holding the pressure
    lift_bar: float = 0.0  # the balance plant's lift for the day
    design_lift_bar: float = 0.0  # its lift sized at the design load (or fixed)
    # (S,) bool: no differential pressure at all even at the day's lift (the network cannot
    # carry its water: typically a zone whose source is off, fed over thin tie pipes); its
    # margin is stored as −min_dp (no pressure), not the solver's meaningless −hundreds of bar
    unserved: np.ndarray | None = None
    # WENNUAN_PLAN_LIFT_BAR fixes the lift (0: sized) and the lift the design load needs:
    # with a fixed lift below it, the fixed lift is why stations are short or unserved
    fixed_lift_bar: float = 0.0
    sized_lift_bar: float = float("nan")


@dataclass
class _Arrangement:
    """The network prepared with one source holding the pressure (see module docstring)."""

    prepared: object
    balance_source: int
    lift_bar: float
    # The network is solved with the probe lift; with one pressure-holding plant and every
    # other flow fixed (consumers in mode QDT, mass-controlled sources) the return side's only
    # pressure reference is the balance plant's return, so changing its lift shifts every
    # consumer's differential pressure by the same amount and leaves flows unchanged: the
    # design lift is applied by subtracting this instead of preparing the network again.
    dp_shift_bar: float
    warnings: list
    # The lift the design-load solve asks for (what an operator would set); equal to
    # ``lift_bar`` unless WENNUAN_PLAN_LIFT_BAR fixes it (NaN: the design solve failed).
    sized_lift_bar: float = float("nan")


@dataclass
class CompanyNetwork:
    """A company's primary network, prepared for repeated solves per pump arrangement."""

    tables: dict | None  # junctions, pipes, consumers, name: what every arrangement shares
    consumer_columns: np.ndarray  # plan substation index of each consumer row
    n_substations: int
    supply_pipes: list  # (pipe id, design mass flow)
    source_columns: np.ndarray  # plan source index of each circulation pump (connection)
    min_dp_bar: float
    warnings: list
    sources: list = field(default_factory=list)  # the plan's sources (merit order)
    capacity_kw: np.ndarray | None = None  # (K,) each source's capacity for this company
    # (rows of "consumers") the plan source whose zone each substation is in, −1 for none:
    # the pumps' flows follow the schedule's zone-first rule.
    consumer_zones: np.ndarray | None = None
    arrangements: dict = field(default_factory=dict)  # balance source index -> _Arrangement
    default_balance: int | None = None
    consumer_names: list = field(default_factory=list)  # substation name of each consumer row
    # The operator's fixed lift (WENNUAN_PLAN_LIFT_BAR, 0 = sized): read once per network, so
    # sizing an arrangement and raising the day's lift cannot disagree.
    fixed_lift_bar: float = field(default_factory=lambda: float(setting("WENNUAN_PLAN_LIFT_BAR")))

    @classmethod
    def unchecked(cls, n_substations: int, min_dp_bar: float, warning: str) -> "CompanyNetwork":
        """A company whose network cannot be checked; the warning says why."""
        return cls(
            None, np.array([], int), n_substations, [], np.array([], int), min_dp_bar, [warning]
        )

    @property
    def lift_bar(self) -> float:
        """The lift of the usual arrangement (the merit-order first source holds the pressure)."""
        arrangement = self.arrangements.get(self.default_balance)
        return arrangement.lift_bar if arrangement is not None else 0.0

    @classmethod
    def build(
        cls, company, substations, sources, min_dp_bar: float, capacity_kw=None
    ) -> "CompanyNetwork":
        """Read the company's network from the register and prepare the usual arrangement.
        ``sources`` are in merit order; ``capacity_kw`` (K,) what each gives this company
        (default: its whole capacity) — it shares the design load out for the lift sizing."""
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
                system_text("未登记完整的一次网（节点、管段、热源接入点），未做水力校核"),
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
        circ = pd.DataFrame(
            {
                "return_junction": [c.junction_id + RETURN_OFFSET for c in connections],
                "flow_junction": [c.junction_id for c in connections],
                "flow_temp_c": [
                    sources[source_pos[c.source_id]].design_supply_temp_c for c in connections
                ],
                "name": [str(c.source_id) for c in connections],
            }
        )
        if capacity_kw is None:
            capacity_kw = [s.capacity_mw * 1000.0 for s in sources]
        network = cls(
            {
                "junctions": pd.DataFrame(j_rows).set_index("id"),
                "pipes": pd.DataFrame(p_rows).set_index("id"),
                "consumers": consumers,
                "circ_pumps": circ,
                "name": company.code,
            },
            np.array(on_net, dtype=int),
            len(substations),
            [(p.id, p.design_mass_flow_kg_s) for p in pipes],
            np.array([source_pos[c.source_id] for c in connections], dtype=int),
            min_dp_bar,
            [],
            list(sources),
            np.asarray(capacity_kw, dtype=float),
            np.array([source_pos.get(substations[j].source_id, -1) for j in on_net], dtype=int),
            consumer_names=[substations[j].name for j in on_net],
        )
        network.default_balance = int(network.source_columns.min())
        try:
            network._arrangement(network.default_balance)
        except _SOLVE_ERRORS as error:
            return cls.unchecked(
                len(substations),
                min_dp_bar,
                system_text("一次网模型有误，未做水力校核：%(error)s") % {"error": error},
            )
        return network

    def _arrangement(self, balance: int) -> _Arrangement:
        """The network prepared with ``balance`` holding the pressure (cached), its lift sized
        from a design solve where the sources carry the design load as the schedule would
        (zone first, see ``_design_pump_flows``)."""
        if balance in self.arrangements:
            return self.arrangements[balance]
        tables = self.tables
        consumers = tables["consumers"]
        circ = tables["circ_pumps"].copy()
        holds = self.source_columns == balance
        fixed_lift = self.fixed_lift_bar
        probe_lift = fixed_lift or PROBE_LIFT_BAR
        circ["flow_pressure_bar"] = np.where(holds, FLOW_PRESSURE_BAR, np.nan)
        circ["lift_bar"] = np.where(holds, probe_lift, np.nan)
        circ["mass_flow_kg_s"] = np.where(holds, np.nan, self._design_pump_flows(balance))
        network = Network(
            junctions=tables["junctions"],
            pipes=tables["pipes"],
            consumers=consumers,
            circ_pumps=circ,
            name=tables["name"],
        )
        prepared = prepare(network, _OPTIONS)
        warnings = []
        lift = probe_lift
        sized = float("nan")
        probe = prepared.solve()
        dp = probe.consumers["dp_bar"].to_numpy(float)
        if probe.converged and np.isfinite(dp).all():
            sized = size_pump_lift_bar(probe_lift, dp, self.min_dp_bar, LIFT_RESERVE_BAR)
            if not fixed_lift:
                lift = sized
        elif not fixed_lift:
            warnings.append(
                system_text("设计工况水力计算未收敛，循环泵扬程按 %(lift).1f bar 计")
                % {"lift": lift}
            )
        if lift > MAX_LIFT_BAR and not fixed_lift:
            warnings.append(
                system_text(
                    "按计划的热源运行方式（%(name)s 定压，其余热源按计划出力），设计负荷下循环泵"
                    "需扬程 %(lift).1f bar，超过 %(max).0f bar：一次网按此方式输送不了"
                    "（常见原因：停运热源的供热区只能经细管从远处热源取水）"
                )
                % {"name": self.sources[balance].name, "lift": lift, "max": MAX_LIFT_BAR}
            )
        if fixed_lift > MAX_LIFT_BAR:
            warnings.append(
                system_text(
                    "循环泵扬程由 WENNUAN_PLAN_LIFT_BAR 固定为 %(lift).1f bar，超过一次网循环泵"
                    "常见的上限 %(max).0f bar：请核对该设置（按设计负荷只需 %(sized).1f bar）"
                )
                % {"lift": fixed_lift, "max": MAX_LIFT_BAR, "sized": sized}
            )
        arrangement = _Arrangement(
            prepared, balance, lift, probe_lift - lift, warnings, sized_lift_bar=sized
        )
        self.arrangements[balance] = arrangement
        return arrangement

    def _design_pump_flows(self, balance: int) -> np.ndarray:
        """Flow of each connection at the design load, dispatched as the day's schedule is
        (``heatphys.schedule.zone_first_dispatch``: each source its zone first, the rest in
        merit order with the balance plant first), each at its design supply − return."""
        consumer_kw = self.tables["consumers"]["heat_w"].to_numpy(float) / 1000.0
        zones = self.consumer_zones
        order = [balance] + [k for k in range(len(self.sources)) if k != balance]
        zone_kw = np.zeros(len(self.sources))
        np.add.at(zone_kw, zones[zones >= 0], consumer_kw[zones >= 0])
        in_order = zone_first_dispatch(
            zone_kw[order][None, :],
            np.asarray(self.capacity_kw, dtype=float)[order],
            [consumer_kw[zones < 0].sum()],
        )[0]
        heat_kw = np.zeros(len(self.sources))
        heat_kw[order] = in_order
        dt = np.array(
            [
                max(s.design_supply_temp_c - s.design_return_temp_c, MIN_SOURCE_DT_K)
                for s in self.sources
            ]
        )
        source_mdot = heat_kw * 1000.0 / (_CP_J_KGK * dt)
        return self._per_connection(source_mdot)

    def _per_connection(self, source_mdot) -> np.ndarray:
        """A source's flow split evenly over its connections (pump-table order)."""
        cols = self.source_columns
        count = np.bincount(cols, minlength=len(self.sources))
        return np.asarray(source_mdot, dtype=float)[..., cols] / count[cols]

    def _balance_for(self, source_heat_kw) -> int:
        """The merit-order first connected source that runs in the day, else the usual one."""
        running = np.nansum(source_heat_kw, axis=0) > 0
        for k in range(len(self.sources)):
            if k in self.source_columns and running[k]:
                return k
        return self.default_balance

    def check(
        self,
        substation_heat_kw,
        primary_dt_k,
        source_supply_c,
        source_heat_kw,
        heat_loss_fraction: float = 0.0,
    ) -> HydraulicCheck:
        """Solve the 24 hours; inputs are (24, S) heat [kW], (24, S) primary ΔT [K], (24, K)
        source supply temperatures [°C] and (24, K) scheduled source heat [kW] (grossed up
        for the network loss ``heat_loss_fraction``)."""
        hours, n_sub = substation_heat_kw.shape
        n_src = source_supply_c.shape[1]
        mdot = np.full((hours, n_sub), np.nan)
        margin = np.full((hours, n_sub), np.nan)
        delay = np.full(n_sub, np.nan)
        source_flow = np.full((hours, n_src), np.nan)
        warnings = list(self.warnings)
        pipe_mdot = np.full((hours, len(self.supply_pipes)), np.nan)
        pipe_v = np.full((hours, len(self.supply_pipes)), np.nan)
        if self.tables is None:
            return HydraulicCheck(
                mdot, margin, delay, np.zeros(n_sub, bool), [], warnings, source_flow
            )
        balance = self._balance_for(source_heat_kw)
        try:
            arrangement = self._arrangement(balance)
        except _SOLVE_ERRORS as error:
            warnings.append(
                system_text("一次网模型有误，未做水力校核：%(error)s") % {"error": error}
            )
            return HydraulicCheck(
                mdot, margin, delay, np.zeros(n_sub, bool), [], warnings, source_flow
            )
        warnings.extend(arrangement.warnings)
        unconnected = [
            self.sources[k].name
            for k in range(n_src)
            if k not in self.source_columns and np.nansum(source_heat_kw[:, k]) > 0
        ]
        if unconnected:
            warnings.append(
                system_text(
                    "热源 %(names)s 未接入本公司一次网，水力校核中其计划出力由 %(balance)s 承担"
                )
                % {"names": unconnected, "balance": self.sources[balance].name}
            )
        pump_mdot = self._per_connection(
            self._source_flows(substation_heat_kw, primary_dt_k, source_heat_kw, heat_loss_fraction)
        )
        holds = self.source_columns == balance
        pump_mdot[:, holds] = np.nan  # (the balance plant's pumps ignore it)
        cols = self.consumer_columns
        pipe_ids = [p for p, _design in self.supply_pipes]
        delays = []
        failed_hours = []
        backflow_hours = []
        prepared = arrangement.prepared
        for h in range(hours):
            try:
                result = prepared.solve_loads(
                    heat_w=np.maximum(substation_heat_kw[h, cols], 1.0) * 1000.0,
                    delta_t_k=primary_dt_k[h, cols],
                    flow_temp_c=source_supply_c[h, self.source_columns],
                    pump_mass_flow_kg_s=pump_mdot[h],
                )
            except (NotConvergedError, ValueError, np.linalg.LinAlgError):
                failed_hours.append(h)
                continue
            if not result.converged and result.status == "not_converged":
                failed_hours.append(h)
                continue
            consumers = result.consumers
            mdot[h, cols] = consumers["mdot_kg_s"].to_numpy(float)
            dp = consumers["dp_bar"].to_numpy(float) - arrangement.dp_shift_bar
            margin[h, cols] = dp - self.min_dp_bar
            delays.append(consumers["delay_s"].to_numpy(float))
            pumps = result.circ_pumps["mdot_kg_s"].to_numpy(float)
            source_flow[h] = np.bincount(self.source_columns, pumps, minlength=n_src)
            if pumps[holds].sum() < -1e-6:
                backflow_hours.append(h)
            table = result.pipes
            pipe_mdot[h] = table["mdot_kg_s"].reindex(pipe_ids).to_numpy(float)
            pipe_v[h] = table["v_mean_m_s"].reindex(pipe_ids).to_numpy(float)
        source_flow[:, np.bincount(self.source_columns, minlength=n_src) == 0] = np.nan
        if failed_hours:
            warnings.append(
                system_text("水力计算在 %(n)d 个小时未收敛：%(hours)s")
                % {"n": len(failed_hours), "hours": [f"{h}:00" for h in failed_hours]}
            )
        if backflow_hours:
            warnings.append(
                system_text(
                    "水力校核中其他热源按计划出力的流量超过各换热站所需，平衡热源 %(name)s "
                    "在 %(hours)s 倒流"
                )
                % {
                    "name": self.sources[balance].name,
                    "hours": [f"{h}:00" for h in backflow_hours],
                }
            )
        if delays:
            with np.errstate(all="ignore"):
                delay[cols] = np.nanmean(np.vstack(delays), axis=0)
        day_lift_bar = arrangement.lift_bar
        needed_bar = self._day_lift_raise_bar(margin[:, cols], arrangement.lift_bar)
        worst = self._worst_hour(margin[:, cols])
        # Raised as far as the worst hour needs, but no circulation pump beyond MAX_LIFT_BAR:
        # what 16 bar still leaves short stays a named shortfall (computed at 16 bar).
        raise_bar = min(needed_bar, max(MAX_LIFT_BAR - arrangement.lift_bar, 0.0))
        if raise_bar > 0:
            margin[:, cols] += raise_bar
            day_lift_bar = round(arrangement.lift_bar + raise_bar, 1)
            values = {
                "design": arrangement.lift_bar,
                "day": day_lift_bar,
                "needed": arrangement.lift_bar + needed_bar,
                "reserve": LIFT_RESERVE_BAR,
                "name": self.sources[balance].name,
                "worst": worst,
            }
            # Needing more than twice the cap, some substation has no pressure even at the
            # cap: the lift the forced-flow solve asks for is no pump's (thousands of bar with
            # a zone cut off); the stations are named unserved below instead.
            if raise_bar < needed_bar and arrangement.lift_bar + needed_bar > 2 * MAX_LIFT_BAR:
                warnings.append(
                    system_text(
                        "今日最不利时段（%(worst)s）循环泵扬程提高到上限 %(day).1f bar（设计工况 "
                        "%(design).1f bar）也不够，请确认%(name)s循环泵的能力和热源运行方式"
                    )
                    % values
                )
            elif raise_bar < needed_bar:
                warnings.append(
                    system_text(
                        "今日最不利时段循环泵扬程需 %(needed).1f bar（含 %(reserve).1f bar 余量），"
                        "超过上限：按 %(day).1f bar 校核（设计工况 %(design).1f bar；%(worst)s），"
                        "请确认%(name)s循环泵的能力"
                    )
                    % values
                )
            else:
                warnings.append(
                    system_text(
                        "今日最不利时段循环泵扬程需由设计工况的 %(design).1f bar 提高到 "
                        "%(day).1f bar，各换热站才能得到所需流量（%(worst)s）："
                        "请确认%(name)s循环泵的能力"
                    )
                    % values
                )
        shortfall = np.zeros(n_sub, dtype=bool)
        unserved = np.zeros(n_sub, dtype=bool)
        with np.errstate(invalid="ignore"):
            shortfall[cols] = np.any(margin[:, cols] < 0, axis=0)
            # A differential pressure below zero is no pressure the substation can have: the
            # solve forced the flow it asked for; in the network it gets less. What is left
            # to say is that it is not served, not by how many (hundreds of) bar.
            no_pressure = margin[:, cols] < -self.min_dp_bar
            unserved[cols] = np.any(no_pressure, axis=0)
            margin[:, cols] = np.where(no_pressure, -self.min_dp_bar, margin[:, cols])
        pipes = []
        for i, (pipe_id, design) in enumerate(self.supply_pipes):
            peak = (
                np.nanmax(np.abs(pipe_mdot[:, i])) if np.isfinite(pipe_mdot[:, i]).any() else np.nan
            )
            ratio = round(float(peak / design), 3) if design > 0 and np.isfinite(peak) else None
            pipes.append((pipe_id, pipe_mdot[:, i], pipe_v[:, i], ratio))
        return HydraulicCheck(
            mdot,
            margin,
            delay,
            shortfall,
            pipes,
            warnings,
            source_flow,
            balance,
            day_lift_bar,
            arrangement.lift_bar,
            unserved,
            self.fixed_lift_bar,
            arrangement.sized_lift_bar,
        )

    def _worst_hour(self, margin_bar) -> SystemText | str:
        """ "5–13 时，最不利 9 时：换热站 X、Y": the hours whose own water needs more than the
        design lift (some substation short at it), the hours with the lowest margin (within
        ``SAME_MARGIN_BAR`` of it: a tie is not one hour) and the substations short in the
        worst (worst first, at most five named). When every hour needs it about equally (a
        flat day), "全天各小时相同" instead of an arbitrary hour."""
        if not np.isfinite(margin_bar).any():
            return ""
        with np.errstate(all="ignore"):
            lowest = np.nanmin(np.where(np.isfinite(margin_bar), margin_bar, np.inf), axis=1)
        hour = int(np.argmin(lowest))
        short = [j for j in np.argsort(margin_bar[hour]) if margin_bar[hour, j] < 0]
        worst_hours = np.flatnonzero(lowest < lowest[hour] + SAME_MARGIN_BAR)
        values = {
            "worst": hour_ranges(worst_hours, len(lowest)),
            "hours": hour_ranges(np.flatnonzero(lowest < 0), len(lowest)),
            "names": [self.consumer_names[j] for j in short[:5]],
            "more": system_text("等 %(n)d 座") % {"n": len(short)} if len(short) > 5 else "",
        }
        if len(worst_hours) == len(lowest):
            return system_text("全天各小时相同：%(names)s%(more)s") % values
        return system_text("%(hours)s，最不利 %(worst)s：%(names)s%(more)s") % values

    def _day_lift_raise_bar(self, margin_bar, design_lift_bar: float) -> float:
        """How much the balance plant's lift must rise above its design-load value for the
        day's worst hour to leave every substation its ``min_dp_bar`` (plus the reserve),
        rounded up to 0.1 bar; 0 when the design lift suffices or the lift is fixed by
        ``WENNUAN_PLAN_LIFT_BAR``. (The caller raises it at most to ``MAX_LIFT_BAR``; what
        that still leaves short stays a shortfall.)

        The design lift covers the design load as the design solve dispatches it (zone first,
        as every hour is checked); below the design temperature the substations' primary flows
        exceed their design flows, and a boiler house at its capacity leaves part of its zone
        to be fed over the tie pipes (the demo's Yongheng on its two coldest days: 11.6 and
        14.3 bar against a design 7.6 bar). District-heating
        circulation pumps are speed-controlled, so a dispatcher raises the head for the day
        instead of leaving the far substations short (the margins move one-to-one with the
        lift, see ``_Arrangement.dp_shift_bar``)."""
        if self.fixed_lift_bar or not np.isfinite(margin_bar).any():
            return 0.0
        if float(np.nanmin(margin_bar)) >= 0:
            return 0.0
        # Sized as the design lift is (heatphys), from the day's differential pressures at
        # the design lift instead of the design solve's.
        day_dp_bar = margin_bar[np.isfinite(margin_bar)] + self.min_dp_bar
        day_lift_bar = size_pump_lift_bar(
            design_lift_bar, day_dp_bar, self.min_dp_bar, LIFT_RESERVE_BAR
        )
        return round(day_lift_bar - design_lift_bar, 1)

    def _source_flows(
        self, substation_heat_kw, primary_dt_k, source_heat_kw, loss_fraction
    ) -> np.ndarray:
        """(24, K) flow that carries each source's scheduled heat [kg/s].

        The substations' flows are known before the solve (mode QDT: ṁ_i = Q_i/(c_p·ΔT_i)).
        A source carrying its own zone's heat moves its zone's water: the share of its zone's
        heat it delivers times the zone's flow; heat it delivers beyond its zone (another
        zone's overflow, substations without a zone) moves at the network's mean ΔT. So where
        the schedule serves every zone from its own source, no water has to cross the tie
        pipes between zones — as in a zone-sized network it must not. (A flow from the
        source's supply temperature and one network-wide return instead gave each zone the
        wrong amount of water, and the balance plant pushed the difference through the ties.)
        The scheduled heat includes the network loss; the water carries the delivered part.
        """
        cols = self.consumer_columns
        heat = np.maximum(substation_heat_kw[:, cols], 1.0)
        flow = heat * 1000.0 / (_CP_J_KGK * np.maximum(primary_dt_k[:, cols], MIN_SOURCE_DT_K))
        n_src = len(self.sources)
        zones = self.consumer_zones
        zoned = zones >= 0
        zone_heat = np.zeros((heat.shape[0], n_src))
        zone_flow = np.zeros((heat.shape[0], n_src))
        np.add.at(zone_heat.T, zones[zoned], heat[:, zoned].T)
        np.add.at(zone_flow.T, zones[zoned], flow[:, zoned].T)
        mean_dt_k = heat.sum(axis=1) * 1000.0 / (_CP_J_KGK * flow.sum(axis=1))
        delivered = np.maximum(np.nan_to_num(source_heat_kw) * (1.0 - loss_fraction), 0.0)
        own = np.minimum(delivered, zone_heat)
        with np.errstate(divide="ignore", invalid="ignore"):
            own_flow = np.where(zone_heat > 0, own / zone_heat * zone_flow, 0.0)
        return own_flow + (delivered - own) * 1000.0 / (_CP_J_KGK * mean_dt_k[:, None])


def hour_ranges(hours, n_hours: int = 24) -> SystemText:
    """0-based hour indices as "6–9、12 时" (inclusive ranges); every hour of the day: "全天".
    Stored language-neutral: the ranges are a list joined with the reader's separator."""
    hours = sorted({int(x) for x in hours})
    if len(hours) == n_hours:
        return system_text("全天")
    ranges, start, last = [], None, None
    for h in hours:
        if start is None:
            start = last = h
        elif h == last + 1:
            last = h
        else:
            ranges.append((start, last))
            start = last = h
    if start is not None:
        ranges.append((start, last))
    text = [f"{a}" if a == b else f"{a}–{b}" for a, b in ranges]
    return system_text("%(hours)s 时") % {"hours": text}


def _design_dt(substation, sources) -> float:
    source = substation.source if substation.source is not None else sources[0]
    return max(source.design_supply_temp_c - source.design_return_temp_c, 5.0)
