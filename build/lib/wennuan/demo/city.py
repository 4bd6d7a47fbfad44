"""The Heze demo city as plain data (no Django): companies, the bureau, heat sources,
substations, communities with managers, primary networks and the heating season.

Deterministic for a given seed. Real communities come from
``wennuan/demo/data/communities.csv`` (a copy of the shared Heze register, shipped in the
package); more are generated to reach the target count.
Design heat indices, capacities and network geometry are DEMO ASSUMPTIONS, not Heze data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wennuan.demo import names as nm
from wennuan.demo.network import SourceIn, SubstationIn, build_network


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


# --------------------------------------------------------------------------------------------
# Constants (DEMO ASSUMPTIONS unless a source is named)
# --------------------------------------------------------------------------------------------

COMPANIES: tuple[tuple[str, str, str, str], ...] = (
    # code, legal name, short name, code prefix
    ("yongheng", "菏泽永恒热力有限公司", "永恒热力", "YH"),
    ("minsheng", "菏泽民生热力有限公司", "民生热力", "MS"),
    ("jiyuan", "菏泽吉源热力有限公司", "吉源热力", "JY"),
)
BUREAU_NAME = "菏泽市城市管理局"
BUREAU_LINE_COUNT = 6

DISTRICTS = ("牡丹区", "开发区", "高新区", "定陶区")

# Schematic map of the urban area: each company serves the Voronoi cell of its anchor inside
# the box; a generated community's district is that of the nearest district anchor.
CITY_BOX = (35.232, 35.298, 115.402, 115.518)  # lat min, lat max, lon min, lon max
COMPANY_ANCHORS: dict[str, tuple[float, float]] = {
    "yongheng": (35.282, 115.440),
    "minsheng": (35.244, 115.432),
    "jiyuan": (35.260, 115.494),
}
DISTRICT_ANCHORS: dict[str, tuple[float, float]] = {
    "牡丹区": (35.270, 115.443),
    "开发区": (35.240, 115.452),
    "高新区": (35.276, 115.500),
    "定陶区": (35.238, 115.506),
}
CHP_CODE = "HZ-CHP"
CHP_NAME = "菏泽热电厂"
CHP_LOCATION = (35.2625, 115.4130)  # west edge, between the yongheng and minsheng areas
CHP_COMPANIES = ("yongheng", "minsheng")
CHP_LOAD_FRACTION = 0.45  # CHP capacity / design load of the companies it supplies
MAX_CHP_SHARE_MW = 250.0  # keeps the CHP's outlet main within DN1000
MAX_BOILER_HOUSE_MW = 160.0

SUBSTATION_LOAD_MARGIN = 1.05  # substation design load = communities' load x this
NETWORK_LOSS_FACTOR = 1.03  # company design load = substations' load x this
CAPACITY_MARGIN_RANGE = (0.07, 0.12)  # sources' capacity over company design load
COMMUNITIES_PER_SUBSTATION = 3.4
MAX_COMMUNITIES_PER_SUBSTATION = 6

# Design heat index by energy standard (W/m²), radiator systems; floor heating 3 W/m² lower.
ENERGY_STANDARDS: tuple[tuple[int, str, float, float], ...] = (
    # last built year, standard, index low, index high
    (1995, "pre-1996", 65.0, 70.0),
    (2004, "30%", 58.0, 62.0),
    (2009, "50%", 48.0, 52.0),
    (2017, "65%", 40.0, 44.0),
    (9999, "75%", 33.0, 37.0),
)
FLOOR_HEATING_INDEX_REDUCTION_W_M2 = 3.0


def energy_standard(built_year: int) -> str:
    """The building energy-saving standard a community of that built year was designed to."""
    return next(std for last, std, _lo, _hi in ENERGY_STANDARDS if built_year <= last)


def design_heat_index_w_m2(built_year: int, terminal: str, rng: random.Random) -> float:
    """A DEMO ASSUMPTION design heat index [W/m²] by built year (energy standard) and terminal.

    pre-1996 65–70, 1996–2004 (30 %) 58–62, 2005–2009 (50 %) 48–52, 2010–2017 (65 %) 40–44,
    2018+ (75 %) 33–37 W/m²; floor heating 3 W/m² lower (lower supply temperature, larger
    emitting surface). Not measured Heze values.
    """
    lo, hi = next((lo, hi) for last, _s, lo, hi in ENERGY_STANDARDS if built_year <= last)
    index = rng.uniform(lo, hi)
    if terminal == "floor":
        index -= FLOOR_HEATING_INDEX_REDUCTION_W_M2
    return round(index, 1)


def community_design_load_kw(c: CommunitySpec) -> float:
    """Design load [kW] of a community: heat index × heated area."""
    return c.design_heat_index_w_m2 * c.heated_area_m2 / 1000.0


def company_design_load_kw(city: DemoCity, company_code: str) -> float:
    """A company's design load [kW]: its substations' design loads plus network loss."""
    subs = sum(s.design_load_kw for s in city.substations if s.company_code == company_code)
    return subs * NETWORK_LOSS_FACTOR


def source_capacity_share_mw(city: DemoCity, source: HeatSourceSpec, company_code: str) -> float:
    """The part of a source's capacity [MW] that counts for one company.

    Convention: a source supplying several companies is split pro rata to those companies'
    design loads (``company_design_load_kw``); a single-company source counts in full.
    """
    if company_code not in source.company_codes:
        return 0.0
    if len(source.company_codes) == 1:
        return source.capacity_mw
    loads = {c: company_design_load_kw(city, c) for c in source.company_codes}
    return source.capacity_mw * loads[company_code] / sum(loads.values())


def company_capacity_mw(city: DemoCity, company_code: str) -> float:
    """Total source capacity [MW] available to a company (shared sources pro rata)."""
    return sum(source_capacity_share_mw(city, s, company_code) for s in city.sources)


def company_capacity_margin(city: DemoCity, company_code: str) -> float:
    """Capacity over design load minus one (0.10 = 10 % margin)."""
    return (
        company_capacity_mw(city, company_code)
        * 1000.0
        / company_design_load_kw(city, company_code)
        - 1.0
    )


# --------------------------------------------------------------------------------------------
# Register file
# --------------------------------------------------------------------------------------------

REGISTER_COLUMNS = (
    "name",
    "aliases",
    "company",
    "district",
    "address",
    "built_year",
    "heated_area_m2",
    "households",
    "buildings",
    "terminal",
)


def shared_data_dir() -> Path:
    """The shared data folder beside the clone (../shared/data), or ``$WENNUAN_SHARED_DATA``.

    The folder may be absent (a user's clone); callers decide whether that is an error.
    """
    configured = os.environ.get("WENNUAN_SHARED_DATA")
    if configured:
        return Path(configured)
    repo_root = Path(__file__).resolve().parents[3]
    return repo_root.parent / "shared" / "data"


# The Heze demo register is our own data and ships inside the package, so that a bare clone
# (or an installed wheel) can load the demo city without the shared data folder.
PACKAGED_REGISTER_CSV = Path(__file__).resolve().parent / "data" / "communities.csv"


def default_register_csv() -> Path:
    """The Heze demo register that ships with the package (``wennuan/demo/data``)."""
    return PACKAGED_REGISTER_CSV


@dataclass(frozen=True)
class _RegisterRow:
    name: str
    aliases: tuple[str, ...]
    company_code: str
    district: str
    address: str
    built_year: int
    heated_area_m2: float
    households: int
    buildings: int
    terminal: str


def read_register(path: str | os.PathLike[str]) -> list[_RegisterRow]:
    """Read the community register CSV; raises FileNotFoundError / ValueError with the row."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"community register file {path} not found (without a path the demo uses the "
            f"register that ships with the package, {PACKAGED_REGISTER_CSV})"
        )
    by_legal = {legal: code for code, legal, _short, _p in COMPANIES}
    rows: list[_RegisterRow] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(REGISTER_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for lineno, raw in enumerate(reader, start=2):
            try:
                company = raw["company"].strip()
                if company not in by_legal:
                    raise ValueError(f"unknown company {company!r}")
                terminal = raw["terminal"].strip()
                if terminal not in ("radiator", "floor"):
                    raise ValueError(f"unknown terminal {terminal!r}")
                rows.append(
                    _RegisterRow(
                        name=raw["name"].strip(),
                        aliases=tuple(a.strip() for a in raw["aliases"].split("|") if a.strip()),
                        company_code=by_legal[company],
                        district=raw["district"].strip(),
                        address=raw["address"].strip(),
                        built_year=int(raw["built_year"]),
                        heated_area_m2=float(raw["heated_area_m2"]),
                        households=int(raw["households"]),
                        buildings=int(raw["buildings"]),
                        terminal=terminal,
                    )
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from exc
    return rows


# --------------------------------------------------------------------------------------------
# Geography helpers
# --------------------------------------------------------------------------------------------


def _nearest(anchors: dict[str, tuple[float, float]], lat: float, lon: float) -> str:
    coslat = math.cos(math.radians(35.26))
    return min(
        anchors,
        key=lambda k: (anchors[k][0] - lat) ** 2 + ((anchors[k][1] - lon) * coslat) ** 2,
    )


def company_of_location(lat: float, lon: float) -> str:
    """The company whose (schematic) service area contains the point."""
    return _nearest(COMPANY_ANCHORS, lat, lon)


def _sample_in_company(rng: random.Random, company: str) -> tuple[float, float]:
    lat_lo, lat_hi, lon_lo, lon_hi = CITY_BOX
    while True:
        lat = rng.uniform(lat_lo, lat_hi)
        lon = rng.uniform(lon_lo, lon_hi)
        if company_of_location(lat, lon) == company:
            return lat, lon


def _dist2(a: tuple[float, float], b: tuple[float, float]) -> float:
    coslat = 0.8166  # cos(35.26°)
    return (a[0] - b[0]) ** 2 + ((a[1] - b[1]) * coslat) ** 2


class _Placer:
    """Places communities in a company's area, keeping them at least ~90 m apart."""

    MIN_SEP2 = (90.0 / 111_000.0) ** 2

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.placed: list[tuple[float, float]] = []

    def _free(self, p: tuple[float, float]) -> bool:
        return all(_dist2(p, q) >= self.MIN_SEP2 for q in self.placed)

    def place(self, company: str, district: str | None = None) -> tuple[float, float]:
        best: tuple[float, float] | None = None
        for _ in range(60):
            p = _sample_in_company(self.rng, company)
            if not self._free(p):
                continue
            if district is None or _nearest(DISTRICT_ANCHORS, *p) == district:
                best = p
                break
            if best is None or _dist2(p, DISTRICT_ANCHORS[district]) < _dist2(
                best, DISTRICT_ANCHORS[district]
            ):
                best = p
        if best is None:
            best = _sample_in_company(self.rng, company)
        self.placed.append(best)
        return round(best[0], 6), round(best[1], 6)

    def near(self, company: str, origin: tuple[float, float]) -> tuple[float, float]:
        """A free point of the company's area within a few hundred metres of ``origin``."""
        for _ in range(100):
            p = (
                origin[0] + self.rng.uniform(-0.004, 0.004),
                origin[1] + self.rng.uniform(-0.005, 0.005),
            )
            lat_lo, lat_hi, lon_lo, lon_hi = CITY_BOX
            inside = lat_lo <= p[0] <= lat_hi and lon_lo <= p[1] <= lon_hi
            if inside and company_of_location(*p) == company and self._free(p):
                self.placed.append(p)
                return round(p[0], 6), round(p[1], 6)
        return self.place(company)


# --------------------------------------------------------------------------------------------
# Generated communities
# --------------------------------------------------------------------------------------------


class _NameBook:
    """Community names and aliases taken so far, with the near-duplicate cores."""

    def __init__(self, rows: list[_RegisterRow]):
        self.strings: set[str] = set()
        self.cores: set[str] = set()
        self.prefixes: set[str] = set()  # first two characters of register names/aliases
        for r in rows:
            for s in (r.name, *r.aliases):
                if s in self.strings:
                    raise ValueError(f"register: name or alias {s!r} appears twice")
                self.strings.add(s)
                self.cores.add(nm.core_name(s))
                self.prefixes.add(s[:2])

    def free(self, name: str, aliases: tuple[str, ...]) -> bool:
        all_ = (name, *aliases)
        if len(set(all_)) != len(all_):
            return False
        return not any(s in self.strings or nm.core_name(s) in self.cores for s in all_)

    def take(self, name: str, aliases: tuple[str, ...]) -> None:
        for s in (name, *aliases):
            self.strings.add(s)
            self.cores.add(nm.core_name(s))


def _built_year(rng: random.Random) -> int:
    years = list(range(1985, 2025))
    weights = [1.0 if y <= 1995 else 2.0 if y <= 2004 else 3.0 if y <= 2020 else 1.5 for y in years]
    return rng.choices(years, weights)[0]


def _size(rng: random.Random, built_year: int) -> tuple[int, float, int]:
    """Households (multiple of 12), heated area [m²], buildings: mutually consistent."""
    median = 300 if built_year < 2000 else 520 if built_year < 2010 else 760
    households = int(np.clip(rng.lognormvariate(math.log(median), 0.55), 96, 2640))
    households = max(96, 12 * round(households / 12))
    if built_year < 2000:
        per_household = rng.uniform(80.0, 95.0)
        per_building = rng.uniform(24, 48)
    elif built_year < 2010:
        per_household = rng.uniform(88.0, 118.0)
        per_building = rng.uniform(48, 96)
    else:
        per_household = rng.uniform(95.0, 128.0)
        per_building = rng.uniform(66, 128)
    area = round(households * per_household / 10.0) * 10.0
    buildings = max(1, math.ceil(households / per_building))
    return households, area, buildings


@dataclass
class _Draft:
    """A community before substations and managers are assigned."""

    name: str
    aliases: tuple[str, ...]
    company_code: str
    district: str
    address: str
    built_year: int
    heated_area_m2: float
    households: int
    buildings: int
    terminal: str
    lat: float
    lon: float
    from_register_file: bool
    energy_standard: str = ""
    design_heat_index_w_m2: float = 0.0

    @property
    def load_kw(self) -> float:
        return self.design_heat_index_w_m2 * self.heated_area_m2 / 1000.0


class _Generator:
    def __init__(self, rng: random.Random, book: _NameBook, placer: _Placer):
        self.rng = rng
        self.book = book
        self.placer = placer
        self.addresses: set[str] = set()
        self.prefix_uses: dict[str, int] = {}
        self.work_units = list(nm.WORK_UNITS)
        rng.shuffle(self.work_units)

    def address(self, district: str) -> str:
        while True:
            road = self.rng.choice(nm.ROADS_BY_DISTRICT[district])
            address = f"{road}{self.rng.randrange(1, 2300)}号"
            if address not in self.addresses:
                self.addresses.add(address)
                return address

    def _candidate(self, built_year: int, district: str) -> tuple[str, tuple[str, ...]]:
        rng = self.rng
        roll = rng.random()
        if built_year < 2000 and roll < 0.3 and self.work_units:
            unit = self.work_units.pop()
            suffix = rng.choice(nm.WORK_UNIT_SUFFIXES)
            other = rng.choice([s for s in nm.WORK_UNIT_SUFFIXES if s != suffix])
            return unit + suffix, (unit + other,)
        if built_year < 2005 and roll < 0.4:
            road = rng.choice(nm.ROADS_BY_DISTRICT[district])
            return f"{road}小区", ()
        prefixes = [
            p
            for p in nm.NAME_PREFIXES
            if p not in self.book.prefixes and self.prefix_uses.get(p, 0) < 2
        ] or [p for p in nm.NAME_PREFIXES if p not in self.book.prefixes]
        prefix = rng.choice(prefixes)
        suffix, with_alias = rng.choice([s for s in nm.NAME_SUFFIXES if s[0][0] != prefix[-1]])
        name = prefix + suffix
        aliases: tuple[str, ...] = (name + "小区",) if with_alias else ()
        if suffix == "小区" and rng.random() < 0.5:
            aliases = (prefix,)
        return name, aliases

    def single(self, company: str) -> _Draft:
        rng = self.rng
        built_year = _built_year(rng)
        lat, lon = self.placer.place(company)
        district = _nearest(DISTRICT_ANCHORS, lat, lon)
        for _ in range(200):
            name, aliases = self._candidate(built_year, district)
            if self.book.free(name, aliases):
                break
        else:  # pragma: no cover - the pools are far larger than needed
            raise RuntimeError("ran out of community names")
        self.book.take(name, aliases)
        self.prefix_uses[name[:2]] = self.prefix_uses.get(name[:2], 0) + 1
        return self._draft(name, aliases, company, district, built_year, lat, lon)

    def phased(self, company: str, phases: int) -> list[_Draft]:
        """A development built in phases: "X一期", "X二期" (aliases "X1期", "X一区")."""
        rng = self.rng
        for _ in range(200):
            prefixes = [
                p
                for p in nm.NAME_PREFIXES
                if p not in self.book.prefixes and not self.prefix_uses.get(p)
            ]
            if not prefixes:  # every modifier already used: a single community instead
                return [self.single(company)]
            prefix = rng.choice(prefixes)
            suffixes = [
                s for s in ("花园", "华庭", "家园", "苑", "城", "国际") if s[0] != prefix[-1]
            ]
            base = prefix + rng.choice(suffixes)
            names = [(base + ph, (base + num, base + area)) for ph, num, area in nm.PHASES[:phases]]
            if all(self.book.free(n, a) for n, a in names) and self.book.free(base, ()):
                break
        else:  # pragma: no cover
            raise RuntimeError("ran out of phased community names")
        lat, lon = self.placer.place(company)
        district = _nearest(DISTRICT_ANCHORS, lat, lon)
        year = max(2003, _built_year(rng))
        drafts = []
        for k, (name, aliases) in enumerate(names):
            self.book.take(name, aliases)
            if k:
                lat, lon = self.placer.near(company, (lat, lon))
            drafts.append(
                self._draft(name, aliases, company, district, min(2024, year + 3 * k), lat, lon)
            )
        self.prefix_uses[base[:2]] = 2
        return drafts

    def _draft(
        self,
        name: str,
        aliases: tuple[str, ...],
        company: str,
        district: str,
        built_year: int,
        lat: float,
        lon: float,
    ) -> _Draft:
        rng = self.rng
        households, area, buildings = _size(rng, built_year)
        terminal = "floor" if built_year >= 2010 and rng.random() < 0.45 else "radiator"
        return _Draft(
            name=name,
            aliases=aliases,
            company_code=company,
            district=district,
            address=self.address(district),
            built_year=built_year,
            heated_area_m2=area,
            households=households,
            buildings=buildings,
            terminal=terminal,
            lat=lat,
            lon=lon,
            from_register_file=False,
        )


# --------------------------------------------------------------------------------------------
# Substations
# --------------------------------------------------------------------------------------------


def _xy_array(drafts: list[_Draft]) -> np.ndarray:
    return np.array([[(d.lon - 115.46) * 90_900.0, (d.lat - 35.26) * 110_540.0] for d in drafts])


def _kmeans(
    points: np.ndarray, k: int, gen: np.random.Generator, iterations: int = 25
) -> list[int]:
    """Plain k-means with k-means++ seeding; returns a cluster label per point."""
    n = len(points)
    k = max(1, min(k, n))
    centres = [points[gen.integers(n)]]
    for _ in range(1, k):
        d2 = np.min([((points - c) ** 2).sum(axis=1) for c in centres], axis=0)
        total = d2.sum()
        idx = int(gen.choice(n, p=d2 / total)) if total > 0 else int(gen.integers(n))
        centres.append(points[idx])
    c = np.array(centres, dtype=float)
    labels = np.zeros(n, dtype=int)
    for _ in range(iterations):
        d = ((points[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = d.argmin(axis=1)
        for j in range(k):
            members = points[labels == j]
            if len(members):
                c[j] = members.mean(axis=0)
    return [int(v) for v in labels]


def _split(members: list[int], points: np.ndarray, limit: int) -> list[list[int]]:
    """Split a cluster along its principal axis until every part has at most ``limit``."""
    if len(members) <= limit:
        return [members]
    pts = points[members]
    centred = pts - pts.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0] if len(members) > 1 else np.ones(2)
    order = [members[i] for i in np.argsort(centred @ axis, kind="stable")]
    half = len(order) // 2
    return _split(order[:half], points, limit) + _split(order[half:], points, limit)


def _clusters(drafts: list[_Draft], gen: np.random.Generator) -> list[list[int]]:
    points = _xy_array(drafts)
    k = round(len(drafts) / COMMUNITIES_PER_SUBSTATION)
    labels = _kmeans(points, k, gen)
    groups: list[list[int]] = []
    for j in sorted(set(labels)):
        members = [i for i, lab in enumerate(labels) if lab == j]
        groups += _split(members, points, MAX_COMMUNITIES_PER_SUBSTATION)
    # Codes run north to south, west to east.
    groups.sort(key=lambda g: (-round(points[g, 1].mean(), -2), points[g, 0].mean()))
    return groups


def _road(address: str) -> str:
    for suffix in ("路", "街", "大街", "大道"):
        idx = address.find(suffix)
        if idx > 0:
            return address[: idx + len(suffix)]
    return address


# --------------------------------------------------------------------------------------------
# Bureau, companies, seasons
# --------------------------------------------------------------------------------------------

SHIFTS = (
    (dt.time(0, 0), dt.time(8, 0)),
    (dt.time(8, 0), dt.time(16, 0)),
    (dt.time(16, 0), dt.time(0, 0)),
)


def _bureau(rng: random.Random) -> BureauSpec:
    lines = tuple(
        ServiceLineSpec("12319", f"12319 供热服务热线 {i}号线", True)
        for i in range(1, BUREAU_LINE_COUNT + 1)
    )
    taken: set[str] = set()
    roster = []
    for line in lines:
        for start, end in SHIFTS:
            while (name := nm.person_name(rng)) in taken:
                pass
            taken.add(name)
            roster.append(DutyShiftSpec(line.number, line.label, name, start, end))
    return BureauSpec(BUREAU_NAME, lines, tuple(roster))


def _companies(rng: random.Random) -> tuple[CompanySpec, ...]:
    taken: set[str] = set()
    out = []
    for code, legal, short, _prefix in COMPANIES:
        lines = [ServiceLineSpec(nm.landline(rng, taken), f"{short}24小时服务热线", True)]
        if rng.random() < 0.7:
            lines.append(ServiceLineSpec(nm.landline(rng, taken), f"{short}客服报修电话", False))
        out.append(CompanySpec(legal, short, code, tuple(lines)))
    return tuple(out)


# Tariffs: DEMO ASSUMPTIONS in the range of Shandong cities (yuan per m² heated area and season),
# not Heze's published price list.
RESIDENTIAL_TARIFF_YUAN_M2 = 21.0
NON_RESIDENTIAL_TARIFF_YUAN_M2 = 31.0
BASE_FEE_SHARE = 0.3
STANDARD_INDOOR_TEMP_C = 18.0


def _seasons() -> tuple[SeasonSpec, ...]:
    return tuple(
        SeasonSpec(
            name=f"{y}—{y + 1} 供热季",
            start=dt.date(y, 11, 15),
            end=dt.date(y + 1, 3, 15),
            residential_tariff_yuan_m2=RESIDENTIAL_TARIFF_YUAN_M2,
            non_residential_tariff_yuan_m2=NON_RESIDENTIAL_TARIFF_YUAN_M2,
            base_fee_share=BASE_FEE_SHARE,
            standard_indoor_temp_c=STANDARD_INDOOR_TEMP_C,
        )
        for y in (2025, 2026)
    )


_DIRECTIONS = {(1, 0): "城北", (-1, 0): "城南", (0, 1): "城东", (0, -1): "城西"}


def _direction(lat: float, lon: float) -> str:
    dlat, dlon = lat - 35.265, (lon - 115.46) * 0.8166
    if abs(dlat) >= abs(dlon):
        return "城北" if dlat > 0 else "城南"
    return "城东" if dlon > 0 else "城西"


# --------------------------------------------------------------------------------------------
# The city
# --------------------------------------------------------------------------------------------


def build_city(
    register_csv: str | os.PathLike[str] | None = None,
    seed: int = 2026,
    community_count: int = 520,
) -> DemoCity:
    """Build the demo city from the register file plus generated communities.

    Every row of ``register_csv`` becomes a community with exactly its attributes
    (``from_register_file=True``); generated communities fill up to ``community_count``
    (≥ 500). ``None`` means ``default_register_csv()``. The same arguments give an equal city.
    """
    if register_csv is None:
        register_csv = default_register_csv()
    if community_count < 500:
        raise ValueError(f"community_count must be at least 500, got {community_count}")
    rows = read_register(register_csv)
    if len(rows) > community_count:
        raise ValueError(f"register has {len(rows)} communities, more than {community_count}")

    gen = np.random.default_rng(seed)
    book = _NameBook(rows)
    placer = _Placer(random.Random(f"place-{seed}"))
    maker = _Generator(random.Random(f"names-{seed}"), book, placer)
    index_rng = random.Random(f"index-{seed}")

    # Register rows first, exactly as filed.
    drafts: list[_Draft] = []
    for r in rows:
        maker.addresses.add(r.address)
        lat, lon = placer.place(r.company_code, r.district)
        drafts.append(
            _Draft(
                r.name,
                r.aliases,
                r.company_code,
                r.district,
                r.address,
                r.built_year,
                r.heated_area_m2,
                r.households,
                r.buildings,
                r.terminal,
                lat,
                lon,
                True,
            )
        )

    # Generated communities: the same number per company in total.
    codes = [c[0] for c in COMPANIES]
    per_company = {c: community_count // 3 for c in codes}
    for c in codes[: community_count % 3]:
        per_company[c] += 1
    for c in codes:
        need = per_company[c] - sum(1 for d in drafts if d.company_code == c)
        while need > 0:
            if need >= 2 and maker.rng.random() < 0.04:
                phases = 3 if need >= 3 and maker.rng.random() < 0.3 else 2
                batch = maker.phased(c, phases)
            else:
                batch = [maker.single(c)]
            drafts += batch
            need -= len(batch)
    # Fewer slots than the register fills for a company are made up by the others.
    while len(drafts) < community_count:
        drafts.append(maker.single(codes[len(drafts) % 3]))

    for d in drafts:
        d.energy_standard = energy_standard(d.built_year)
        d.design_heat_index_w_m2 = design_heat_index_w_m2(d.built_year, d.terminal, index_rng)

    # Substations per company.
    sub_rng = random.Random(f"substations-{seed}")
    substation_members: dict[str, list[int]] = {}
    sub_info: dict[str, tuple[str, str, float, float, float, str]] = {}
    sub_names: set[str] = set()
    for code, _legal, _short, prefix in COMPANIES:
        idx = [i for i, d in enumerate(drafts) if d.company_code == code]
        groups = _clusters([drafts[i] for i in idx], gen)
        for g_no, group in enumerate(groups, start=1):
            members = [idx[i] for i in group]
            members.sort(key=lambda i: -drafts[i].heated_area_m2)
            load = sum(drafts[i].load_kw for i in members) * SUBSTATION_LOAD_MARGIN
            weights = [drafts[i].load_kw for i in members]
            lat = sum(drafts[i].lat * w for i, w in zip(members, weights, strict=True)) / sum(
                weights
            )
            lon = sum(drafts[i].lon * w for i, w in zip(members, weights, strict=True)) / sum(
                weights
            )
            lat += sub_rng.uniform(-0.0003, 0.0003)
            lon += sub_rng.uniform(-0.0003, 0.0003)
            floor_area = sum(
                drafts[i].heated_area_m2 for i in members if drafts[i].terminal == "floor"
            )
            total_area = sum(drafts[i].heated_area_m2 for i in members)
            terminal = "floor" if floor_area > total_area / 2 else "radiator"
            name = f"{_road(drafts[members[0]].address)}换热站"
            if name in sub_names or sub_rng.random() < 0.5:
                name = f"{drafts[members[0]].name}换热站"
            sub_names.add(name)
            s_code = f"{prefix}-S{g_no:03d}"
            substation_members[s_code] = members
            sub_info[s_code] = (name, code, round(lat, 6), round(lon, 6), round(load, 1), terminal)

    # Heat sources: the shared CHP plus boiler houses per company.
    loads_kw = {
        c: sum(v[4] for v in sub_info.values() if v[1] == c) * NETWORK_LOSS_FACTOR for c in codes
    }
    chp_users_load = sum(loads_kw[c] for c in CHP_COMPANIES)
    chp_mw = CHP_LOAD_FRACTION * chp_users_load / 1000.0
    chp_mw = min(
        chp_mw, MAX_CHP_SHARE_MW * chp_users_load / max(loads_kw[c] for c in CHP_COMPANIES)
    )
    chp_mw = float(math.floor(chp_mw / 10.0) * 10.0)
    chp = HeatSourceSpec(
        code=CHP_CODE,
        name=CHP_NAME,
        kind="chp",
        capacity_mw=chp_mw,
        company_codes=CHP_COMPANIES,
        lat=CHP_LOCATION[0],
        lon=CHP_LOCATION[1],
        design_supply_temp_c=120.0,
        design_return_temp_c=60.0,
        max_supply_temp_c=130.0,
        min_supply_temp_c=70.0,
    )
    sources: list[HeatSourceSpec] = [chp]
    src_rng = random.Random(f"sources-{seed}")
    net_rng = random.Random(f"network-{seed}")
    networks: list[NetworkSpec] = []
    substations: list[SubstationSpec] = []
    community_substation: dict[int, str] = {}
    for code, _legal, short, prefix in COMPANIES:
        margin = src_rng.uniform(*CAPACITY_MARGIN_RANGE)
        chp_share = chp_mw * loads_kw[code] / chp_users_load if code in CHP_COMPANIES else 0.0
        need_mw = loads_kw[code] * (1 + margin) / 1000.0 - chp_share
        own = [i for i, v in sub_info.items() if v[1] == code]
        # Boiler houses serve what the CHP share (nearest substations first) leaves.
        rest = list(own)
        if code in CHP_COMPANIES:
            room = chp_share * 1000.0 / NETWORK_LOSS_FACTOR
            for s in sorted(own, key=lambda s: _dist2(sub_info[s][2:4], CHP_LOCATION)):
                if sub_info[s][4] <= room:
                    room -= sub_info[s][4]
                    rest.remove(s)
        own_rest = rest or own
        pts = np.array([[sub_info[s][3], sub_info[s][2]] for s in own_rest])
        n_boilers = max(1, math.ceil(need_mw / MAX_BOILER_HOUSE_MW))
        # Boiler houses at load centres; more of them where one would need a main beyond DN1000.
        for _attempt in range(8):
            labels = _kmeans(pts, n_boilers, gen)
            locations = []
            for b in range(n_boilers):
                members = [
                    s for s, lab in zip(own_rest, labels, strict=True) if lab == b
                ] or own_rest
                lat = sum(sub_info[s][2] for s in members) / len(members)
                lon = sum(sub_info[s][3] for s in members) / len(members)
                lat += src_rng.uniform(-0.001, 0.001)
                lon += src_rng.uniform(-0.001, 0.001)
                if company_of_location(lat, lon) != code:
                    lat, lon = sub_info[members[0]][2], sub_info[members[0]][3]
                locations.append((round(lat, 6), round(lon, 6)))
            inputs = [
                SourceIn(f"{prefix}-B{b + 1:02d}", lat, lon, 40.0, None)
                for b, (lat, lon) in enumerate(locations)
            ]
            if code in CHP_COMPANIES:
                budget = chp_share * 1000.0 / NETWORK_LOSS_FACTOR
                inputs.insert(0, SourceIn(chp.code, chp.lat, chp.lon, 60.0, budget))
            try:
                result = build_network(
                    prefix,
                    inputs,
                    [SubstationIn(s, sub_info[s][2], sub_info[s][3], sub_info[s][4]) for s in own],
                    net_rng,
                    n_loops=net_rng.randint(3, 5),
                )
            except ValueError:
                n_boilers += 1
                continue
            break
        else:  # pragma: no cover - never seen with the default parameters
            raise RuntimeError(f"could not lay out the {code} network within DN1000")
        # Boiler capacities: what the company needs beyond its CHP share, pro rata to the load
        # each boiler house supplies (a house with no design zone is a peak/standby house).
        zone_kw = {src.code: 0.0 for src in inputs}
        for s_code, src_code in result.substation_source.items():
            zone_kw[src_code] += sub_info[s_code][4]
        boiler_zones = [zone_kw[src.code] for src in inputs if src.budget_kw is None]
        floor_kw = 0.25 * sum(boiler_zones) / len(boiler_zones)
        boiler_zones = [max(z, floor_kw) for z in boiler_zones]
        used_names: set[str] = set()
        for b, (lat, lon) in enumerate(locations):
            name = f"{short}{_direction(lat, lon)}锅炉房"
            n = 2
            while name in used_names:
                name = f"{short}{_direction(lat, lon)}{'一二三四五六七八九'[n - 1]}号锅炉房"
                n += 1
            used_names.add(name)
            sources.append(
                HeatSourceSpec(
                    code=f"{prefix}-B{b + 1:02d}",
                    name=name,
                    kind="boiler",
                    capacity_mw=round(need_mw * boiler_zones[b] / sum(boiler_zones), 1),
                    company_codes=(code,),
                    lat=lat,
                    lon=lon,
                    design_supply_temp_c=110.0,
                    design_return_temp_c=70.0,
                    max_supply_temp_c=130.0,
                    min_supply_temp_c=70.0,
                )
            )
        networks.append(
            NetworkSpec(
                company_code=code,
                junctions=tuple(
                    JunctionSpec(j.code, round(j.lat, 6), round(j.lon, 6), j.height_m)
                    for j in result.junctions
                ),
                pipes=tuple(
                    PipeSpec(
                        p.code,
                        p.from_junction,
                        p.to_junction,
                        p.length_m,
                        p.inner_diameter_m,
                        p.roughness_mm,
                        p.design_mass_flow_kg_s,
                    )
                    for p in result.pipes
                ),
                source_junctions=tuple(result.source_junctions),
            )
        )
        for s in own:
            name, company, lat, lon, load, terminal = sub_info[s]
            substations.append(
                SubstationSpec(
                    code=s,
                    name=name,
                    company_code=company,
                    source_code=result.substation_source[s],
                    lat=lat,
                    lon=lon,
                    design_load_kw=load,
                    terminal=terminal,
                    junction_code=result.substation_junction[s],
                )
            )
            for i in substation_members[s]:
                community_substation[i] = s

    # Managers and the final community records.
    people_rng = random.Random(f"people-{seed}")
    phones: set[str] = set()
    communities = tuple(
        CommunitySpec(
            name=d.name,
            aliases=d.aliases,
            company_code=d.company_code,
            district=d.district,
            address=d.address,
            built_year=d.built_year,
            heated_area_m2=d.heated_area_m2,
            households=d.households,
            buildings=d.buildings,
            terminal=d.terminal,
            energy_standard=d.energy_standard,
            design_heat_index_w_m2=d.design_heat_index_w_m2,
            lat=d.lat,
            lon=d.lon,
            substation_code=community_substation[i],
            manager_name=nm.person_name(people_rng),
            manager_phone=nm.mobile_phone(people_rng, phones),
            from_register_file=d.from_register_file,
        )
        for i, d in enumerate(drafts)
    )

    return DemoCity(
        bureau=_bureau(random.Random(f"bureau-{seed}")),
        companies=_companies(random.Random(f"companies-{seed}")),
        sources=tuple(sources),
        substations=tuple(substations),
        communities=communities,
        networks=tuple(networks),
        seasons=_seasons(),
    )
