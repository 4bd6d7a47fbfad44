"""The Heze demo city as plain data (no Django): companies, the bureau, heat sources,
substations, communities with managers, primary networks and the heating season.

Deterministic for a given seed. Real communities come from
``../shared/data/heze-demo/communities.csv``; more are generated to reach the target count.
Design heat indices, capacities and network geometry are DEMO ASSUMPTIONS, not Heze data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceLineSpec:
    number: str  # digits as dialled, e.g. "12319" or "05305551234"
    label: str  # e.g. "12319 城管热线 1号线"
    is_24h: bool


@dataclass(frozen=True)
class DutyShiftSpec:
    """One operator on one bureau line for one daily time window (may cross midnight)."""

    line_number: str
    line_label: str
    operator_name: str
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class BureauSpec:
    name: str  # 菏泽市城市管理局
    lines: tuple[ServiceLineSpec, ...]  # six 12319 lines
    roster: tuple[DutyShiftSpec, ...]  # covers 24 h on every line


@dataclass(frozen=True)
class CompanySpec:
    legal_name: str
    short_name: str
    code: str  # ascii slug, e.g. "yongheng"
    service_lines: tuple[ServiceLineSpec, ...]


@dataclass(frozen=True)
class HeatSourceSpec:
    code: str
    name: str
    kind: str  # "chp" | "boiler"
    capacity_mw: float
    company_codes: tuple[str, ...]  # companies it supplies (the CHP plant supplies two)
    lat: float
    lon: float
    design_supply_temp_c: float
    design_return_temp_c: float
    max_supply_temp_c: float
    min_supply_temp_c: float


@dataclass(frozen=True)
class SubstationSpec:
    code: str
    name: str
    company_code: str
    source_code: str
    lat: float
    lon: float
    design_load_kw: float
    terminal: str  # "radiator" | "floor" (the dominant terminal of its communities)
    junction_code: str  # the network junction it hangs on


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    aliases: tuple[str, ...]
    company_code: str
    district: str
    address: str
    built_year: int
    heated_area_m2: float
    households: int
    buildings: int
    terminal: str  # "radiator" | "floor"
    energy_standard: str  # e.g. "pre-1996", "30%", "50%", "65%", "75%"
    design_heat_index_w_m2: float
    lat: float
    lon: float
    substation_code: str
    manager_name: str
    manager_phone: str  # 11-digit mobile
    from_register_file: bool  # True for rows of communities.csv, False for generated


@dataclass(frozen=True)
class JunctionSpec:
    code: str
    lat: float
    lon: float
    height_m: float


@dataclass(frozen=True)
class PipeSpec:
    """One supply pipe; the return pipe runs alongside with the same geometry."""

    code: str
    from_junction: str
    to_junction: str
    length_m: float
    inner_diameter_m: float
    roughness_mm: float
    design_mass_flow_kg_s: float


@dataclass(frozen=True)
class NetworkSpec:
    company_code: str
    junctions: tuple[JunctionSpec, ...]
    pipes: tuple[PipeSpec, ...]
    source_junctions: tuple[tuple[str, str], ...]  # (source code, junction code)


@dataclass(frozen=True)
class SeasonSpec:
    name: str  # "2026—2027 供热季"
    start: dt.date
    end: dt.date
    residential_tariff_yuan_m2: float  # per season per m² of heated area
    non_residential_tariff_yuan_m2: float
    base_fee_share: float  # share paid by suspended homes, e.g. 0.3
    standard_indoor_temp_c: float


@dataclass(frozen=True)
class DemoCity:
    bureau: BureauSpec
    companies: tuple[CompanySpec, ...]
    sources: tuple[HeatSourceSpec, ...]
    substations: tuple[SubstationSpec, ...]
    communities: tuple[CommunitySpec, ...]
    networks: tuple[NetworkSpec, ...]
    seasons: tuple[SeasonSpec, ...]


def build_city(register_csv, seed: int = 2026, community_count: int = 520) -> DemoCity:
    """Build the demo city from the register file plus generated communities."""
    raise NotImplementedError  # filled in by the demo generator work
