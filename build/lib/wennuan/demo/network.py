"""Primary-network geometry and pipe sizing for the demo city (pure Python, seeded).

The layout is a minimum spanning tree over the heat sources and substations of one company,
routed along the street grid (an L-shaped edge gets a corner junction, the Steiner-ish branch
points of a real network), plus a few extra pipes between nearby branches that close loops.

Design flows follow the tree: each substation draws
``mdot = load / (c_p * (T_supply - T_return))`` of its assigned source along the unique tree
path, flows on a pipe are summed with sign, and the pipe is oriented downstream. Each pipe gets
the smallest standard inner diameter whose velocity at that flow is at most ``TARGET_VELOCITY``
(``MAX_VELOCITY`` where even DN1000 is not enough). Loop pipes, and tree pipes between two
supply zones, carry no design flow in this tree routing and are sized like the smaller of the
mains they join. DEMO ASSUMPTIONS throughout.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass

CP_WATER_J_KG_K = 4186.0
RHO_WATER_KG_M3 = 958.0  # hot water around 100 °C
ROUTE_FACTOR = 1.2  # street route length over great-circle length
ROUGHNESS_MM = 0.1
TARGET_VELOCITY_M_S = 1.5
MAX_VELOCITY_M_S = 2.0
EARTH_RADIUS_M = 6_371_000.0

# Nominal diameter -> inner diameter [m] of welded steel district-heating pipe (outer diameter
# minus two walls, CJJ 34 / GB/T 3091-style dimensions).
DN_INNER_DIAMETER_M: tuple[tuple[int, float], ...] = (
    (50, 0.050),
    (65, 0.069),
    (80, 0.081),
    (100, 0.100),
    (125, 0.125),
    (150, 0.150),
    (200, 0.207),
    (250, 0.261),
    (300, 0.311),
    (350, 0.363),
    (400, 0.412),
    (450, 0.464),
    (500, 0.513),
    (600, 0.612),
    (700, 0.700),
    (800, 0.800),
    (900, 0.898),
    (1000, 0.996),
)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [m] between two WGS84 points (spherical earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def velocity_m_s(mass_flow_kg_s: float, inner_diameter_m: float) -> float:
    """Mean velocity [m/s] of water at ``mass_flow_kg_s`` in a pipe of that inner diameter."""
    area = math.pi * inner_diameter_m**2 / 4
    return abs(mass_flow_kg_s) / (RHO_WATER_KG_M3 * area)


def size_inner_diameter_m(mass_flow_kg_s: float) -> float:
    """Smallest standard inner diameter [m] keeping the velocity at or below the target."""
    for limit in (TARGET_VELOCITY_M_S, MAX_VELOCITY_M_S):
        for _dn, d in DN_INNER_DIAMETER_M:
            if velocity_m_s(mass_flow_kg_s, d) <= limit:
                return d
    raise ValueError(
        f"design flow {mass_flow_kg_s:.0f} kg/s exceeds DN1000 at {MAX_VELOCITY_M_S} m/s"
    )


@dataclass(frozen=True)
class NodeIn:
    """A source or substation to connect."""

    key: str  # source or substation code
    lat: float
    lon: float


@dataclass(frozen=True)
class SourceIn:
    code: str
    lat: float
    lon: float
    delta_t_k: float  # design supply minus return temperature
    budget_kw: float | None  # load it may take in this network; None = whatever is nearest


@dataclass(frozen=True)
class SubstationIn:
    code: str
    lat: float
    lon: float
    load_kw: float


@dataclass
class JunctionOut:
    code: str
    lat: float
    lon: float
    height_m: float


@dataclass
class PipeOut:
    code: str
    from_junction: str
    to_junction: str
    length_m: float
    inner_diameter_m: float
    roughness_mm: float
    design_mass_flow_kg_s: float
    is_loop: bool = False


@dataclass
class NetworkOut:
    junctions: list[JunctionOut]
    pipes: list[PipeOut]
    source_junctions: list[tuple[str, str]]
    substation_junction: dict[str, str]
    substation_source: dict[str, str]


def _xy(lat: float, lon: float, lat0: float, lon0: float) -> tuple[float, float]:
    return (
        (lon - lon0) * math.cos(math.radians(lat0)) * 111_320.0,
        (lat - lat0) * 110_540.0,
    )


def _height_m(lat: float, lon: float, rng: random.Random) -> float:
    """Heze is flat alluvial plain at about 50 m: a gentle undulation plus noise."""
    h = 50.0 + 1.8 * math.sin((lon - 115.40) * 60.0) + 1.2 * math.cos((lat - 35.23) * 80.0)
    return round(h + rng.uniform(-0.4, 0.4), 1)


def _mst(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Prim's minimum spanning tree over planar points; edges as (parent, child)."""
    n = len(points)
    in_tree = [False] * n
    best = [math.inf] * n
    parent = [-1] * n
    best[0] = 0.0
    edges: list[tuple[int, int]] = []
    for _ in range(n):
        u = min((i for i in range(n) if not in_tree[i]), key=lambda i: best[i])
        in_tree[u] = True
        if parent[u] >= 0:
            edges.append((parent[u], u))
        ux, uy = points[u]
        for v in range(n):
            if not in_tree[v]:
                d = math.hypot(points[v][0] - ux, points[v][1] - uy)
                if d < best[v]:
                    best[v], parent[v] = d, u
    return edges


def build_network(
    prefix: str,
    sources: list[SourceIn],
    substations: list[SubstationIn],
    rng: random.Random,
    n_loops: int,
) -> NetworkOut:
    """Lay out, route and size one company's primary network.

    ``prefix`` makes codes unique across networks (e.g. "YH" -> "YH-J001", "YH-P001"). Each
    substation is assigned to a source by tree distance: sources with a ``budget_kw`` (the
    shared CHP) first take the substations relatively closest to them until the budget is used;
    every other substation goes to its nearest unbudgeted source, so those supply zones are
    contiguous subtrees. Raises ValueError where a design flow exceeds DN1000.
    """
    lat0 = sum(s.lat for s in sources) / len(sources)
    lon0 = sum(s.lon for s in sources) / len(sources)
    junctions: list[JunctionOut] = []

    def new_junction(lat: float, lon: float) -> int:
        junctions.append(
            JunctionOut(f"{prefix}-J{len(junctions) + 1:03d}", lat, lon, _height_m(lat, lon, rng))
        )
        return len(junctions) - 1

    source_idx = [new_junction(s.lat, s.lon) for s in sources]
    sub_idx = [new_junction(s.lat, s.lon) for s in substations]
    points = [_xy(j.lat, j.lon, lat0, lon0) for j in junctions]

    # Tree edges, routed along the street grid: an L-shaped edge gets a corner junction.
    edges: list[tuple[int, int]] = []
    for a, b in _mst(points):
        dx = abs(points[a][0] - points[b][0])
        dy = abs(points[a][1] - points[b][1])
        if min(dx, dy) > 120.0:
            ja, jb = junctions[a], junctions[b]
            if rng.random() < 0.5:
                c = new_junction(ja.lat, jb.lon)
            else:
                c = new_junction(jb.lat, ja.lon)
            edges += [(a, c), (c, b)]
        else:
            edges.append((a, b))

    n = len(junctions)
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # (neighbour, edge index)
    lengths = []
    for e, (a, b) in enumerate(edges):
        adj[a].append((b, e))
        adj[b].append((a, e))
        ja, jb = junctions[a], junctions[b]
        lengths.append(max(10.0, haversine_m(ja.lat, ja.lon, jb.lat, jb.lon) * ROUTE_FACTOR))

    # Tree distances and parent pointers from each source.
    def tree_from(root: int) -> tuple[list[float], list[tuple[int, int]]]:
        dist = [math.inf] * n
        par: list[tuple[int, int]] = [(-1, -1)] * n
        dist[root] = 0.0
        heap = [(0.0, root)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            for v, e in adj[u]:
                nd = d + lengths[e]
                if nd < dist[v]:
                    dist[v], par[v] = nd, (u, e)
                    heapq.heappush(heap, (nd, v))
        return dist, par

    trees = [tree_from(i) for i in source_idx]

    # Assign substations to sources.
    free_src = [s for s in range(len(sources)) if sources[s].budget_kw is None]
    assigned: dict[int, int] = {}

    def nearest_free(k: int) -> float:
        return min((trees[s][0][sub_idx[k]] for s in free_src), default=math.inf)

    for s in range(len(sources)):
        budget = sources[s].budget_kw
        if budget is None:
            continue
        order = sorted(
            (k for k in range(len(substations)) if k not in assigned),
            key=lambda k: (trees[s][0][sub_idx[k]] - nearest_free(k), substations[k].code),
        )
        for k in order:
            if substations[k].load_kw <= budget:
                assigned[k] = s
                budget -= substations[k].load_kw
    for k in range(len(substations)):
        if k not in assigned:
            pool = free_src or list(range(len(sources)))
            assigned[k] = min(pool, key=lambda s: (trees[s][0][sub_idx[k]], s))

    # Signed flows along the tree paths (positive = from edges[e][0] to edges[e][1]).
    flow = [0.0] * len(edges)
    for k, s in assigned.items():
        mdot = substations[k].load_kw * 1000.0 / (CP_WATER_J_KG_K * sources[s].delta_t_k)
        par = trees[s][1]
        v = sub_idx[k]
        while v != source_idx[s]:
            u, e = par[v]
            flow[e] += mdot if edges[e] == (u, v) else -mdot
            v = u

    pipes: list[PipeOut] = []
    for e, (a, b) in enumerate(edges):
        f = flow[e]
        if f < 0:
            a, b, f = b, a, -f
        pipes.append(
            PipeOut(
                f"{prefix}-P{e + 1:03d}",
                junctions[a].code,
                junctions[b].code,
                round(lengths[e], 1),
                size_inner_diameter_m(f),
                ROUGHNESS_MM,
                round(f, 3),
            )
        )

    # Tree pipes between two supply zones carry no net design flow: they are interconnections,
    # sized like the smaller of the flowing mains at the two ends of each such chain.
    idle = [e for e in range(len(edges)) if pipes[e].design_mass_flow_kg_s == 0.0]
    group = {e: e for e in idle}

    def find(e: int) -> int:
        while group[e] != e:
            group[e] = group[group[e]]
            e = group[e]
        return e

    for e in idle:
        for end in edges[e]:
            for _v, f in adj[end]:
                if f != e and f in group:
                    group[find(f)] = find(e)
    chains: dict[int, list[int]] = {}
    for e in idle:
        chains.setdefault(find(e), []).append(e)
    for chain in chains.values():
        ends = []
        for e in chain:
            for end in edges[e]:
                flowing = [pipes[f].inner_diameter_m for _v, f in adj[end] if f not in group]
                if flowing:
                    ends.append(max(flowing))
        if ends:
            for e in chain:
                pipes[e].inner_diameter_m = min(ends)

    # Loops: join nearby junctions that are far apart along the tree.
    def hops_from(root: int) -> list[int]:
        hops = [-1] * n
        hops[root] = 0
        queue = deque([root])
        while queue:
            u = queue.popleft()
            for v, _e in adj[u]:
                if hops[v] < 0:
                    hops[v] = hops[u] + 1
                    queue.append(v)
        return hops

    non_source = [i for i in range(n) if i not in set(source_idx)]
    candidates: list[tuple[float, int, int]] = []
    for i in non_source:
        hops = hops_from(i)
        for j in non_source:
            if j > i and hops[j] >= 4:
                ji, jj = junctions[i], junctions[j]
                d = haversine_m(ji.lat, ji.lon, jj.lat, jj.lon)
                if 60.0 <= d <= 1500.0:
                    candidates.append((d, i, j))
    candidates.sort()
    used: set[int] = set()
    largest_at = [0.0] * n
    for e, (a, b) in enumerate(edges):
        d = pipes[e].inner_diameter_m
        largest_at[a] = max(largest_at[a], d)
        largest_at[b] = max(largest_at[b], d)
    loops = 0
    for d, i, j in candidates:
        if loops >= n_loops:
            break
        if i in used or j in used:
            continue
        used.update((i, j))
        loops += 1
        ji, jj = junctions[i], junctions[j]
        pipes.append(
            PipeOut(
                f"{prefix}-P{len(pipes) + 1:03d}",
                ji.code,
                jj.code,
                round(max(10.0, d * ROUTE_FACTOR), 1),
                min(largest_at[i], largest_at[j]),
                ROUGHNESS_MM,
                0.0,
                is_loop=True,
            )
        )

    return NetworkOut(
        junctions=junctions,
        pipes=pipes,
        source_junctions=[
            (s.code, junctions[i].code) for s, i in zip(sources, source_idx, strict=True)
        ],
        substation_junction={
            s.code: junctions[i].code for s, i in zip(substations, sub_idx, strict=True)
        },
        substation_source={substations[k].code: sources[s].code for k, s in assigned.items()},
    )
