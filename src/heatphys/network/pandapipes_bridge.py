"""Build the same network in pandapipes (validation and benchmarks only).

pandapipes is a test dependency, imported lazily here; nothing else in heatphys needs it.
Uses pandapipes' bulk create functions.
"""

from __future__ import annotations

import numpy as np

from .fluid import Fluid, Property
from .model import Network

__all__ = ["to_pandapipes", "pandapipes_water_fluid", "KELVIN"]

KELVIN = 273.15


def pandapipes_water_fluid() -> Fluid:
    """pandapipes' tabulated "water" as a heatphys :class:`Fluid` (same tables)."""
    import pandapipes as pp

    net = pp.create_empty_network(fluid="water")
    fl = pp.get_fluid(net)

    def prop(name):
        p = fl.all_properties[name]
        x = np.asarray(p.prop_getter.x, dtype=float) - KELVIN
        y = np.asarray(p.prop_getter.y, dtype=float)
        return Property(None, tuple(x), tuple(y))

    return Fluid("water", prop("density"), prop("viscosity"), prop("heat_capacity"))


def to_pandapipes(network: Network, fluid: str = "water"):
    """A pandapipes net equal to ``network`` (junctions, pipes, consumers, circ pumps,
    pressure sources, sinks, sources, flow controls, heat exchangers, valves between two
    junctions; not curve pumps)."""
    import pandapipes as pp

    net = pp.create_empty_network(fluid=fluid)
    j = network.junctions
    pp.create_junctions(
        net,
        len(j),
        pn_bar=5.0,
        tfluid_k=np.nan_to_num(j.initial_temp_c.to_numpy(float), nan=network.ambient_temp_c)
        + KELVIN,
        height_m=j.height_m.to_numpy(float),
        index=j.index.to_numpy(),
    )
    p = network.pipes
    if len(p):
        text = p.ambient_temp_c.to_numpy(float)
        text = np.where(np.isnan(text), network.ambient_temp_c, text) + KELVIN
        do = p.outer_diameter_m.to_numpy(float)
        pp.create_pipes_from_parameters(
            net,
            p.from_junction.to_numpy(),
            p.to_junction.to_numpy(),
            length_km=p.length_m.to_numpy(float) / 1000.0,
            inner_diameter_mm=p.inner_diameter_m.to_numpy(float) * 1000.0,
            outer_diameter_mm=do * 1000.0,
            k_mm=p.roughness_m.to_numpy(float) * 1000.0,
            loss_coefficient=p.loss_coefficient.to_numpy(float),
            u_w_per_m2k=p.u_w_per_m2k.to_numpy(float),
            text_k=text,
            index=p.index.to_numpy(),
        )
    c = network.consumers
    if len(c):

        def arr(col, offset=0.0):
            v = c[col].to_numpy(float) + offset
            return None if np.all(np.isnan(v)) else v

        pp.create_heat_consumers(
            net,
            c.from_junction.to_numpy(),
            c.to_junction.to_numpy(),
            qext_w=arr("heat_w"),
            controlled_mdot_kg_per_s=arr("mass_flow_kg_s"),
            deltat_k=arr("delta_t_k"),
            treturn_k=arr("return_temp_c", KELVIN),
            index=c.index.to_numpy(),
        )
    for i, row in network.circ_pumps.iterrows():
        if np.isnan(row.mass_flow_kg_s):
            pp.create_circ_pump_const_pressure(
                net,
                int(row.return_junction),
                int(row.flow_junction),
                row.flow_pressure_bar,
                row.lift_bar,
                t_flow_k=row.flow_temp_c + KELVIN,
                index=i,
            )
        else:
            pp.create_circ_pump_const_mass_flow(
                net,
                int(row.return_junction),
                int(row.flow_junction),
                row.flow_pressure_bar,
                row.mass_flow_kg_s,
                t_flow_k=row.flow_temp_c + KELVIN,
                index=i,
            )
    for i, row in network.pressure_sources.iterrows():
        typ = ("p" if np.isnan(row.temp_c) else "pt") if not np.isnan(row.pressure_bar) else "t"
        pp.create_ext_grid(
            net,
            int(row.junction),
            p_bar=row.pressure_bar,
            t_k=row.temp_c + KELVIN,
            type=typ,
            index=i,
        )
    fc = network.flow_controls
    if len(fc):
        pp.create_flow_controls(
            net,
            fc.from_junction.to_numpy(),
            fc.to_junction.to_numpy(),
            controlled_mdot_kg_per_s=fc.mass_flow_kg_s.to_numpy(float),
            in_service=fc.in_service.to_numpy(bool),
            index=fc.index.to_numpy(),
        )
    for i, row in network.valves.iterrows():
        pp.create_valve(
            net,
            int(row.from_junction),
            int(row.to_junction),
            et="ju",
            inner_diameter_mm=row.inner_diameter_m * 1000.0,
            opened=bool(row.opened) and bool(row.in_service),
            loss_coefficient=row.loss_coefficient,
            index=i,
        )
    for i, row in network.heat_exchangers.iterrows():
        pp.create_heat_exchanger(
            net,
            int(row.from_junction),
            int(row.to_junction),
            qext_w=row.heat_w,
            inner_diameter_mm=row.inner_diameter_m * 1000.0,
            loss_coefficient=row.loss_coefficient,
            in_service=bool(row.in_service),
            index=i,
        )
    for i, row in network.sinks.iterrows():
        pp.create_sink(net, int(row.junction), row.mass_flow_kg_s, index=i)
    for i, row in network.sources.iterrows():
        pp.create_source(net, int(row.junction), row.mass_flow_kg_s, index=i)
    net["user_pf_options"] = {"ambient_temperature": network.ambient_temp_c + KELVIN}
    pp.set_user_pf_options(net, ambient_temperature=network.ambient_temp_c + KELVIN)
    return net
