"""Demo 访民问暖: two visits to the communities with the most complaints so far this season,
with plan items at every stage (closed, done awaiting the check, open, overdue).

The notes name residents, phones and rooms as staff really type them; the first visit has been
reviewed and published (the public summary shows it masked), the second awaits review."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wennuan.registry.models import Community
from wennuan.reports.dashboard import community_ranking, current_season
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.scope import CompanyScope as Scope

from .choices import ItemStatus
from .models import OutreachVisit, PlanItem

VISITS = (
    {
        "days_ago": 12,
        "participants": "市城市管理局副局长、供热管理科科长、热力公司分管经理、小区管理员",
        "homes_visited": 8,
        "homes_note": "顶层及边户8户，其中2户室温低于18℃",
        "findings": (
            "顶层和边户散热器存气，部分单元二次网水力失调；3号楼2单元502住户刘桂英"
            "（13853012345）私装管道泵影响邻户，邻户王建国先生（0530-5512345）室温16.5℃。"
        ),
        "items": (
            ("顶层散热器普遍存气，室温偏低", "逐户排气，加装自动排气阀", 5, ItemStatus.CLOSED),
            (
                "二次网水力失调，末端单元回水温度低",
                "调整单元平衡阀，复测回水温度",
                10,
                ItemStatus.DONE,
            ),
            (
                "3-2-502住户刘桂英私装管道泵",
                "上门告知并拆除（联系电话138 5301 2345），张贴公告",
                3,
                ItemStatus.OPEN,
            ),
        ),
    },
    {
        "days_ago": 4,
        "participants": "供热管理科、热力公司客服中心主任、社区网格员",
        "homes_visited": 5,
        "homes_note": "回访前期投诉5户",
        "findings": (
            "换热站循环泵运行不稳定；居民反映热线等待时间长，业主赵秀兰（电话13905307788）"
            "称6号楼1单元1101室连续三天室温不足18℃。"
        ),
        "items": (
            ("换热站循环泵运行不稳定", "检修循环泵，增设备用泵切换", 9, ItemStatus.OPEN),
            ("热线高峰时段接通率低", "增加高峰时段坐席并公布小区管理员电话", 14, ItemStatus.OPEN),
        ),
    },
)


def load(city) -> str:
    today = timezone.localdate()
    season = current_season(today)
    ranked = []
    if season is not None:
        ranked = community_ranking(
            Scope.city(), season.start_date, min(today, season.end_date), limit=2, order="score"
        )
    communities = list(Community.objects.filter(pk__in=[r.community_id for r in ranked]))
    communities.sort(key=lambda c: [r.community_id for r in ranked].index(c.pk))
    if len(communities) < len(VISITS):
        communities += list(
            Community.objects.exclude(pk__in=[c.pk for c in communities]).order_by("name")[
                : len(VISITS) - len(communities)
            ]
        )
    supervisor = StaffProfile.objects.filter(role=Role.SUPERVISOR).select_related("user").first()
    author = supervisor.user if supervisor else None
    now = timezone.now()
    item_count = 0
    for index, (spec, community) in enumerate(zip(VISITS, communities, strict=False)):
        visited_on = today - timedelta(days=spec["days_ago"])
        reviewed = index == 0
        visit = OutreachVisit.objects.create(
            community=community,
            visited_on=visited_on,
            participants=spec["participants"],
            homes_visited=spec["homes_visited"],
            homes_note=spec["homes_note"],
            findings=spec["findings"],
            created_by=author,
            created_at=now - timedelta(days=spec["days_ago"]),
            published_at=now - timedelta(days=spec["days_ago"] - 1) if reviewed else None,
            published_by=author if reviewed else None,
        )
        if community.substation_id:
            visit.substations.set([community.substation_id])
        for problem, solution, days, status in spec["items"]:
            deadline = visited_on + timedelta(days=days)
            done = status in (ItemStatus.DONE, ItemStatus.CLOSED)
            PlanItem.objects.create(
                visit=visit,
                problem=problem,
                solution=solution,
                company=community.company,
                deadline=deadline,
                status=status,
                overdue=status == ItemStatus.OPEN and deadline < today,
                done_at=now - timedelta(days=1) if done else None,
                done_note="已按计划完成，住户确认" if done else "",
                closed_at=now if status == ItemStatus.CLOSED else None,
                closed_by=author if status == ItemStatus.CLOSED else None,
                check_note="复查室温21℃，合格" if status == ItemStatus.CLOSED else "",
            )
            item_count += 1
    names = "、".join(c.name for c in communities[: len(VISITS)])
    return f"访民问暖：{len(VISITS)} 次走访（{names}），{item_count} 项整改事项"
