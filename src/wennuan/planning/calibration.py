"""Calibration from the field (design §1 point 5, §6): what home visits measure and how often a
community complains adjust that community's model parameters, within limits, with an
auditable history (CommunityParameterChange, one row per changed parameter).

Evidence per community (window ``WENNUAN_CALIBRATION_WINDOW_DAYS``, 14 days, and only what
arrived after the community's last calibration change, so the same visits never push twice):

* **valid visits** — verdict compliant or non-compliant (the prescribed conditions met, no
  open window / household alteration / illegal pump, someone home: workorders.rules), and no
  cause found inside the home (an air lock, a closed valve… ``HOME_LOCAL_CAUSES``), each
  giving the home's temperature as the mean of its living-room and bedroom readings, paired
  with the plan's predicted indoor temperature of that community at that hour (the day's
  approved plan, else its newest version). Residual = measured − predicted.
* **complaint rate** — heating complaints (not warm / no heat; proactive orders and merged
  duplicates excluded) per 1000 households, compared with the whole city's rate.

Decision (the indoor model of the engine: T = t_out + offset + k·q, k such that the planned
heat gives the planned temperature):

* ≥ ``min_visits`` valid visits and a shrunk mean residual r·n/(n+3) beyond ±0.3 K:
  - widespread (complaint rate ≥ 2× the city's) and measured colder, or measured more than
    1 K warmer with no complaint at all: the building needs more / less heat than modelled
    → ``heat_factor`` × (T_pred − t_out − offset)/(T_pred + r − t_out − offset), at most ±10 %
    per run;
  - otherwise (a few homes, not the estate): ``indoor_offset_c`` + r, at most ±1 K per run.
* no valid visit but a complaint rate ≥ 3× the city's with ≥ 3 complaints: ``heat_factor``
  + 3 % (the visits will tell more later).
Every value stays within the model's limits (heat factor 0.5–2, offset ±5 K).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.scheduling import PeriodicTask
from wennuan.registry.models import Community
from wennuan.workorders.choices import (
    HEAT_COMPLAINTS,
    MEASURED_VERDICTS,
    STANDARD_ROOMS,
    Cause,
    Channel,
    State,
    Verdict,
)
from wennuan.workorders.models import Reading, Visit, WorkOrder

from .choices import PlanStatus
from .config import setting
from .models import CommunityModelParameters, CommunityParameterChange, Plan, PlanCommunity

HEAT_FACTOR_LIMITS = (0.5, 2.0)
OFFSET_LIMITS_C = (-5.0, 5.0)


@dataclass(frozen=True)
class CalibrationSettings:
    """Limits and thresholds of calibration (see the module docstring)."""

    window_days: int = 14
    min_visits: int = 2
    prior_visits: float = 3.0  # shrinkage: n/(n + prior) of the mean residual is applied
    deadband_k: float = 0.3
    max_offset_step_k: float = 1.0
    max_factor_step: float = 0.10
    widespread_ratio: float = 2.0
    overheated_k: float = 1.0
    complaint_only_ratio: float = 3.0
    complaint_only_min: int = 3
    complaint_only_step: float = 0.03

    @classmethod
    def from_settings(cls) -> CalibrationSettings:
        return cls(window_days=setting("WENNUAN_CALIBRATION_WINDOW_DAYS"))


@dataclass
class VisitPoint:
    """One valid visit paired with the plan's prediction for that community and hour."""

    visit_id: int
    visited_at: datetime
    measured_c: float
    predicted_c: float | None
    outdoor_c: float | None
    plan_id: int | None

    @property
    def residual_k(self) -> float | None:
        if self.predicted_c is None:
            return None
        return self.measured_c - self.predicted_c


@dataclass
class Evidence:
    """What the field says about one community since ``since``."""

    community: Community
    since: datetime
    visits: list[VisitPoint] = field(default_factory=list)
    complaints: int = 0
    city_rate_per_1000: float = 0.0

    @property
    def paired(self) -> list[VisitPoint]:
        return [v for v in self.visits if v.residual_k is not None]

    @property
    def residual_k(self) -> float | None:
        paired = self.paired
        if not paired:
            return None
        return sum(v.residual_k for v in paired) / len(paired)

    @property
    def measured_mean_c(self) -> float | None:
        paired = self.paired
        return sum(v.measured_c for v in paired) / len(paired) if paired else None

    @property
    def predicted_mean_c(self) -> float | None:
        paired = self.paired
        return sum(v.predicted_c for v in paired) / len(paired) if paired else None

    @property
    def complaint_rate_per_1000(self) -> float:
        households = max(self.community.households or 0, 1)
        return 1000.0 * self.complaints / households

    @property
    def complaint_ratio(self) -> float:
        """Complaint rate relative to the city's (0 when the city had none)."""
        if self.city_rate_per_1000 <= 0:
            return 0.0
        return self.complaint_rate_per_1000 / self.city_rate_per_1000


@dataclass
class CalibrationResult:
    changes: list[CommunityParameterChange]
    communities_examined: int

    def summary(self) -> str:
        touched = len({c.community_id for c in self.changes})
        return _("检查 %(n)d 个小区，调整 %(m)d 个小区的模型参数（%(k)d 项）") % {
            "n": self.communities_examined,
            "m": touched,
            "k": len(self.changes),
        }


def _plan_for_days(company_ids, days) -> dict[tuple[int, object], Plan]:
    """(company id, date) → the approved plan of that day, else its newest version."""
    chosen: dict[tuple[int, object], Plan] = {}
    plans = Plan.objects.filter(company_id__in=company_ids, date__in=days).only(
        "id", "company_id", "date", "status", "version", "inputs"
    )
    for plan in plans:
        key = (plan.company_id, plan.date)
        best = chosen.get(key)
        if best is None:
            chosen[key] = plan
            continue
        if best.status == PlanStatus.APPROVED:
            continue
        if plan.status == PlanStatus.APPROVED or plan.version > best.version:
            chosen[key] = plan
    return chosen


def _city_rate_per_1000(start: datetime, end: datetime) -> float:
    complaints = _heating_complaints(WorkOrder.objects.all(), start, end).count()
    households = Community.objects.aggregate(total=Sum("households"))["total"] or 0
    return 1000.0 * complaints / households if households else 0.0


def _heating_complaints(queryset, start: datetime, end: datetime):
    return (
        queryset.filter(
            category__in=sorted(HEAT_COMPLAINTS), created_at__gte=start, created_at__lt=end
        )
        .exclude(channel=Channel.PROACTIVE)
        .exclude(state=State.MERGED)
    )


# Findings that explain one home's temperature, not the community's supply (design §4.4).
HOME_LOCAL_CAUSES = frozenset(
    {
        Cause.RADIATOR_AIR_LOCK,
        Cause.VALVE_CLOSED,
        Cause.FILTER_CLOGGED,
        Cause.WINDOW_OPEN,
        Cause.HOUSEHOLD_ALTERATION,
        Cause.ILLEGAL_PUMP,
        Cause.BUILDING_PIPE_FAULT,
        Cause.LEAK_REPAIRED,
    }
)


def collect_evidence(
    communities, now: datetime, *, window_days: int = 14, after_last_change: bool = True
) -> list[Evidence]:
    """Evidence for each community (see the module docstring); a few queries in total."""
    communities = list(communities)
    start = now - timedelta(days=window_days)
    ids = [c.id for c in communities]
    since = {c.id: start for c in communities}
    if after_last_change:
        last = (
            CommunityParameterChange.objects.filter(community_id__in=ids)
            .values("community_id")
            .annotate(at=Max("changed_at"))
        )
        for row in last:
            since[row["community_id"]] = max(start, row["at"])
    evidence = {c.id: Evidence(c, since[c.id]) for c in communities}
    city_rate = _city_rate_per_1000(start, now)

    for row in (
        _heating_complaints(WorkOrder.objects.filter(community_id__in=ids), start, now)
        .values("community_id", "created_at")
        .order_by()
    ):
        item = evidence[row["community_id"]]
        if row["created_at"] > item.since:
            item.complaints += 1

    visits = list(
        Visit.objects.filter(
            order__community_id__in=ids,
            verdict__in=MEASURED_VERDICTS,
            visited_at__gte=start,
            visited_at__lt=now,
        ).values("id", "visited_at", "outdoor_temp_c", "order__community_id", "causes")
    )
    # A cause inside one home (an air lock, a closed valve, a clogged filter…) explains that
    # home's reading; it says nothing about the heat the community gets.
    visits = [v for v in visits if not HOME_LOCAL_CAUSES.intersection(v["causes"] or [])]
    temps = defaultdict(list)
    for visit_id, temp in Reading.objects.filter(
        visit_id__in=[v["id"] for v in visits], kind__in=STANDARD_ROOMS
    ).values_list("visit_id", "temp_c"):
        temps[visit_id].append(temp)

    company_of = {c.id: c.company_id for c in communities}
    days = {timezone.localtime(v["visited_at"]).date() for v in visits}
    plans = _plan_for_days(set(company_of.values()), days)
    predicted = {
        (row.plan_id, row.community_id): row.predicted_indoor_c
        for row in PlanCommunity.objects.filter(
            plan_id__in=[p.id for p in plans.values()], community_id__in=ids
        ).only("plan_id", "community_id", "predicted_indoor_c")
    }
    for v in visits:
        community_id = v["order__community_id"]
        item = evidence[community_id]
        if v["visited_at"] <= item.since or not temps.get(v["id"]):
            continue
        local = timezone.localtime(v["visited_at"])
        plan = plans.get((company_of[community_id], local.date()))
        hourly = predicted.get((plan.id, community_id)) if plan else None
        outdoor = v["outdoor_temp_c"]
        if plan is not None and outdoor is None:
            plan_outdoor = (plan.inputs or {}).get("outdoor_temp_c") or []
            outdoor = plan_outdoor[local.hour] if len(plan_outdoor) > local.hour else None
        item.visits.append(
            VisitPoint(
                visit_id=v["id"],
                visited_at=v["visited_at"],
                measured_c=sum(temps[v["id"]]) / len(temps[v["id"]]),
                predicted_c=hourly[local.hour] if hourly and len(hourly) > local.hour else None,
                outdoor_c=outdoor,
                plan_id=plan.id if plan else None,
            )
        )
    for item in evidence.values():
        item.city_rate_per_1000 = city_rate
    return list(evidence.values())


def _clamp(value: float, limits: tuple[float, float]) -> float:
    return min(max(value, limits[0]), limits[1])


def propose(evidence: Evidence, params: CommunityModelParameters, cfg: CalibrationSettings):
    """[(parameter, new value, reason)] for one community; empty when nothing should change."""
    paired = evidence.paired
    ratio = evidence.complaint_ratio
    if len(paired) >= cfg.min_visits:
        n = len(paired)
        residual = evidence.residual_k
        applied = residual * n / (n + cfg.prior_visits)
        if abs(applied) < cfg.deadband_k:
            return []
        widespread = ratio >= cfg.widespread_ratio and residual < 0
        overheated = residual > cfg.overheated_k and evidence.complaints == 0
        facts = _("%(n)d 次有效入户测温，实测比预测平均%(dir)s %(k).1f °C") % {
            "n": n,
            "dir": _("低") if residual < 0 else _("高"),
            "k": abs(residual),
        }
        if widespread or overheated:
            outdoor = [v.outdoor_c for v in paired if v.outdoor_c is not None]
            t_out = sum(outdoor) / len(outdoor) if outdoor else 0.0
            lift = evidence.predicted_mean_c - t_out - params.indoor_offset_c
            if lift <= 1.0:
                return []
            factor = lift / max(lift + applied, 1.0)
            factor = _clamp(factor, (1 - cfg.max_factor_step, 1 + cfg.max_factor_step))
            new = round(_clamp(params.heat_factor * factor, HEAT_FACTOR_LIMITS), 3)
            why = (
                _("投诉率为全市的 %(r).1f 倍，整体偏冷，提高需热量") % {"r": ratio}
                if widespread
                else _("无投诉且实测偏热，降低需热量")
            )
            return [("heat_factor", new, f"{facts}；{why}")]
        step = _clamp(applied, (-cfg.max_offset_step_k, cfg.max_offset_step_k))
        new = round(_clamp(params.indoor_offset_c + step, OFFSET_LIMITS_C), 2)
        return [("indoor_offset_c", new, f"{facts}；{_('修正室温预测')}")]
    if (
        not paired
        and evidence.complaints >= cfg.complaint_only_min
        and ratio >= cfg.complaint_only_ratio
    ):
        new = round(
            _clamp(params.heat_factor * (1 + cfg.complaint_only_step), HEAT_FACTOR_LIMITS), 3
        )
        why = _("%(c)d 件室温投诉，投诉率为全市的 %(r).1f 倍，暂无有效入户测温，小幅提高需热量") % {
            "c": evidence.complaints,
            "r": ratio,
        }
        return [("heat_factor", new, why)]
    return []


def calibrate(
    now: datetime | None = None,
    *,
    companies=None,
    user=None,
    cfg: CalibrationSettings | None = None,
) -> CalibrationResult:
    """Adjust the parameters of every community (of ``companies``, default all) the field
    evidence says is off; each change in one transaction with its audit row."""
    now = now or timezone.now()
    cfg = cfg or CalibrationSettings.from_settings()
    communities = Community.objects.filter(substation__isnull=False).select_related("company")
    if companies is not None:
        communities = communities.filter(company__in=companies)
    evidence = collect_evidence(communities, now, window_days=cfg.window_days)
    params = {
        p.community_id: p
        for p in CommunityModelParameters.objects.filter(
            community_id__in=[e.community.id for e in evidence]
        )
    }
    changes = []
    for item in evidence:
        current = params.get(item.community.id) or CommunityModelParameters(
            community=item.community
        )
        proposals = propose(item, current, cfg)
        if not proposals:
            continue
        record = {
            "source": "visits" if item.paired else "complaints",
            "since": item.since.isoformat(),
            "visit_ids": [v.visit_id for v in item.paired],
            "plan_ids": sorted({v.plan_id for v in item.paired if v.plan_id}),
            "measured_mean_c": _round(item.measured_mean_c),
            "predicted_mean_c": _round(item.predicted_mean_c),
            "residual_k": _round(item.residual_k),
            "complaints": item.complaints,
            "complaint_rate_per_1000": _round(item.complaint_rate_per_1000),
            "city_rate_per_1000": _round(item.city_rate_per_1000),
        }
        with transaction.atomic():
            stored, _created = CommunityModelParameters.objects.select_for_update().get_or_create(
                community=item.community
            )
            for parameter, new_value, reason in proposals:
                old_value = getattr(stored, parameter)
                if math.isclose(old_value, new_value):
                    continue
                setattr(stored, parameter, new_value)
                changes.append(
                    CommunityParameterChange.objects.create(
                        community=item.community,
                        parameter=parameter,
                        old_value=old_value,
                        new_value=new_value,
                        reason=reason[:300],
                        evidence=record,
                        changed_by=user,
                        changed_at=now,
                    )
                )
            stored.updated_at = now
            stored.full_clean()
            stored.save()
    return CalibrationResult(changes=changes, communities_examined=len(evidence))


def _round(value, digits=2):
    return None if value is None else round(float(value), digits)


@dataclass
class Disagreement:
    """A row of the console's "model vs measurements" table."""

    community: Community
    visits: int
    measured_mean_c: float
    predicted_mean_c: float
    residual_k: float
    complaints: int
    heat_factor: float
    indoor_offset_c: float
    last_change: CommunityParameterChange | None


def disagreements(company, now: datetime | None = None, *, limit: int = 15) -> list[Disagreement]:
    """Communities of ``company`` where valid visits and the plans' predictions disagree most
    (largest |measured − predicted| over the window, whatever calibration did since)."""
    now = now or timezone.now()
    cfg = CalibrationSettings.from_settings()
    communities = Community.objects.filter(company=company, substation__isnull=False)
    evidence = collect_evidence(
        communities, now, window_days=cfg.window_days, after_last_change=False
    )
    rows = [e for e in evidence if e.paired]
    rows.sort(key=lambda e: abs(e.residual_k), reverse=True)
    rows = rows[:limit]
    ids = [e.community.id for e in rows]
    params = {
        p.community_id: p for p in CommunityModelParameters.objects.filter(community_id__in=ids)
    }
    last = {}
    for change in CommunityParameterChange.objects.filter(community_id__in=ids).order_by(
        "changed_at", "id"
    ):
        last[change.community_id] = change
    out = []
    for e in rows:
        p = params.get(e.community.id)
        out.append(
            Disagreement(
                community=e.community,
                visits=len(e.paired),
                measured_mean_c=e.measured_mean_c,
                predicted_mean_c=e.predicted_mean_c,
                residual_k=e.residual_k,
                complaints=e.complaints,
                heat_factor=p.heat_factor if p else 1.0,
                indoor_offset_c=p.indoor_offset_c if p else 0.0,
                last_change=last.get(e.community.id),
            )
        )
    return out


def visit_count_by_company(start: datetime, end: datetime) -> dict[int, dict]:
    """{company id: {"valid": n, "compliant": m}} of visits in [start, end) (daily report)."""
    out: dict[int, dict] = defaultdict(lambda: {"valid": 0, "compliant": 0})
    rows = (
        Visit.objects.filter(
            visited_at__gte=start, visited_at__lt=end, verdict__in=MEASURED_VERDICTS
        )
        .values("order__company_id", "verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = out[row["order__company_id"]]
        entry["valid"] += row["n"]
        if row["verdict"] == Verdict.COMPLIANT:
            entry["compliant"] += row["n"]
    return dict(out)


# --- worker ----------------------------------------------------------------------------------


def _calibration_time():
    return setting("WENNUAN_CALIBRATION_TIME")


def due(now: datetime):
    local = timezone.localtime(now)
    if local.time() < _calibration_time():
        return None
    return f"calibration-{local.date().isoformat()}"


def run(now: datetime) -> str:
    return calibrate(now).summary()


TASK = PeriodicTask("community-calibration", due, run)
