"""The demo's season of work orders (called by ``wennuan demo`` after the register is loaded).

A few thousand orders since the start of the current heating season, concentrated on a handful
of "problem" communities, in every state and side path, written in bulk by
``history.BulkRunner`` (the same rows the actions would write), and the four cases of the
牡丹晚报 report of 17 November (design §1). Seeded: the same day gives the same history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from wennuan.demo.history import BulkRunner, Cast, OrderScript, run_history
from wennuan.demo.names import mobile_phone, person_name
from wennuan.registry.models import Community, HeatingCompany, HeatingSeason, Manager
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.roles import assign_role_group
from wennuan.workorders.access import CITIZEN
from wennuan.workorders.choices import Category, Cause, Channel, RoomKind
from wennuan.workorders.models import ManagerAccount, ReplyTemplate

SEED = 17
ORDERS_PER_DAY = 230
MIN_ORDERS, MAX_ORDERS = 1500, 3500
HISTORY_DAYS_MIN, HISTORY_DAYS_MAX = 14, 35
PROBLEM_COMMUNITIES_PER_COMPANY = 2
PROBLEM_SHARE = 0.33  # of in-season complaints
EXTRA_TECHNICIANS = 3  # per company, besides the persona

# The 牡丹晚报 report of 17 November (design §1): community, text, room readings, causes,
# what was done, the company's reply.
NEWSPAPER_CASES = (
    dict(
        community="剑桥学府",
        text="剑桥学府5号楼1单元302暖气片不热，屋里只有16度",
        building="5",
        unit="1",
        room="302",
        stated_temp_c=16.0,
        readings=[("客厅", RoomKind.LIVING, 19.6), ("主卧", RoomKind.BEDROOM, 19.2)],
        causes=[Cause.RADIATOR_AIR_LOCK],
        conditions=True,
        actions_taken="暖气片存气，现场排气修复，复测室温达标",
        reply="接诉后维修人员当日入户，发现暖气片存气，现场排气修复，复测客厅19.6°C、卧室19.2°C，达到标准。",
    ),
    dict(
        community="亨通园",
        text="亨通园2号楼3单元201家里暖气不热，感觉很冷",
        building="2",
        unit="3",
        room="201",
        stated_temp_c=17.0,
        readings=[("主卧", RoomKind.BEDROOM, 18.7), ("客厅", RoomKind.LIVING, 19.1)],
        causes=[Cause.WINDOW_OPEN],
        conditions=False,
        actions_taken="卧室开窗通风，测得18.7°C；已向住户说明关窗30分钟后再测",
        reply="维修人员当日入户，卧室开窗通风，测得室温18.7°C；已向住户说明开窗会使室温下降，关窗后室温可达标准，住户表示理解。",
    ),
    dict(
        community="将军苑三期",
        text="将军苑三期8号楼2单元601室温不够，暖气不太热",
        building="8",
        unit="2",
        room="601",
        stated_temp_c=17.0,
        readings=[("客厅", RoomKind.LIVING, 21.0), ("主卧", RoomKind.BEDROOM, 21.3)],
        causes=[Cause.MEETS_STANDARD],
        conditions=True,
        actions_taken="按规定测温，室温21°C，已达标",
        reply="维修人员当日入户，按规定关闭门窗30分钟后测温，客厅21.0°C，已达到18°C标准，已向住户说明。",
    ),
    dict(
        community="金盾小区",
        text="金盾小区12号楼1单元1102地暖不热",
        building="12",
        unit="1",
        room="1102",
        stated_temp_c=18.0,
        readings=[("客厅", RoomKind.LIVING, 22.0), ("主卧", RoomKind.BEDROOM, 22.4)],
        causes=[Cause.MEETS_STANDARD],
        conditions=True,
        actions_taken="按规定测温，室温22°C，已达标",
        reply="维修人员当日入户，按规定测温，客厅22.0°C、卧室22.4°C，已达到18°C标准，已向住户说明。",
    ),
)

IN_SEASON_CATEGORIES = (
    (Category.NOT_WARM, 55),
    (Category.NO_HEAT, 9),
    (Category.LEAK, 6),
    (Category.BILLING, 8),
    (Category.SUSPEND_RESUME, 4),
    (Category.SERVICE, 4),
    (Category.VIOLATION, 3),
    (Category.CONSULT, 9),
    (Category.OTHER, 2),
)
PRE_SEASON_CATEGORIES = (
    (Category.BILLING, 30),
    (Category.SUSPEND_RESUME, 25),
    (Category.CONSULT, 30),
    (Category.LEAK, 10),
    (Category.OTHER, 5),
)
TEXTS = {
    Category.NOT_WARM: (
        "{c}{b}号楼{u}单元{r}暖气不热，屋里只有{t}度",
        "{c}{b}-{u}-{r}室温{t}度，达不到标准",
        "我家在{c}{b}号楼{u}单元{r}，暖气温乎乎的，家里才{t}℃",
    ),
    Category.NO_HEAT: (
        "{c}{b}号楼{u}单元{r}暖气一直不热，完全没有供暖",
        "{c}{b}号楼{u}单元{r}暖气不通，一点都不热",
    ),
    Category.LEAK: (
        "{c}{b}号楼{u}单元{r}暖气片漏水，地板都湿了",
        "{c}{b}号楼楼道里暖气管道跑水",
    ),
    Category.BILLING: ("{c}的供暖费怎么交？收费标准是多少", "{c}想开供暖费发票"),
    Category.SUSPEND_RESUME: ("{c}{b}号楼{u}单元{r}想办理报停", "{c}{b}号楼{u}单元{r}申请报开"),
    Category.SERVICE: ("{c}维修人员约好了上门却没来", "{c}客服电话一直打不通"),
    Category.VIOLATION: ("{c}{b}号楼有住户私装管道泵，影响我们家供暖",),
    Category.CONSULT: ("请问今年什么时候开始供暖？{c}的管理员电话是多少",),
    Category.OTHER: ("{c}换热站晚上噪音大",),
}
UNROUTED_TEXT = "家里暖气不热，来电人说不清小区名称，需核实地址"


def _season_for(today: date) -> HeatingSeason:
    season = HeatingSeason.objects.covering(today)
    if season is not None:
        return season
    # The demo always shows a season in progress; it must not overlap the next real one.
    start = today - timedelta(days=28)
    end = today + timedelta(days=90)
    following = HeatingSeason.objects.filter(start_date__gt=today).order_by("start_date").first()
    if following is not None:
        end = min(end, following.start_date - timedelta(days=1))
    return HeatingSeason.objects.create(
        name=f"演示供热季（{start:%Y-%m-%d}起）",
        start_date=start,
        end_date=end,
        residential_tariff_yuan_m2=Decimal("21.00"),
        non_residential_tariff_yuan_m2=Decimal("31.00"),
        base_fee_share=Decimal("0.30"),
    )


def _extra_technicians() -> None:
    """A few more repair crew per company, so each technician has a realistic share."""
    User = get_user_model()
    unusable = make_password(None)
    for profile in StaffProfile.objects.filter(role=Role.TECHNICIAN).select_related("company"):
        company = profile.company
        for n in range(2, EXTRA_TECHNICIANS + 2):
            username = f"{company.code}-technician{n}"
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create(username=username, password=unusable)
            StaffProfile.objects.create(
                user=user,
                role=Role.TECHNICIAN,
                company=company,
                display_name=f"{company.short_name}维修工{n}号",
            )
            assign_role_group(user, Role.TECHNICIAN)


def _link_manager_logins() -> int:
    """Each company's community-manager login stands for the register manager with the most
    communities of that company (their orders are what that login reads)."""
    linked = 0
    for profile in StaffProfile.objects.filter(role=Role.COMMUNITY_MANAGER).select_related("user"):
        if ManagerAccount.objects.filter(user=profile.user).exists():
            continue
        manager = (
            Manager.objects.filter(company_id=profile.company_id, login_account__isnull=True)
            .annotate(count=Count("communities"))
            .order_by("-count", "pk")
            .first()
        )
        if manager is not None:
            ManagerAccount.objects.create(user=profile.user, manager=manager)
            linked += 1
    return linked


# The replies each demo company starts from (答复模板); {小区}, {日期}, {室温} are filled in
# when a dispatcher picks one.
DEMO_REPLY_TEMPLATES = [
    (Category.NOT_WARM, "室温未达标·已调节",
     "{日期}维修人员入户测温，{小区}该户最低室温{室温}，未达到18°C标准。已调节单元阀门并将复测，"
     "复测达标前按规定核减热费。"),
    (Category.NOT_WARM, "室温达标·已说明",
     "{日期}维修人员入户，按规定关闭门窗30分钟后测温，{小区}该户室温{室温}，已达到18°C标准，"
     "已向住户说明。"),
    (Category.NO_HEAT, "不热·已排气",
     "{日期}维修人员入户检查，暖气片存气，已排气，复测室温{室温}。"),
    (Category.LEAK, "漏水·已抢修", "接报后已关阀抢修，{小区}漏点已于{日期}修复。"),
]  # fmt: skip


def _reply_templates() -> None:

    for company in HeatingCompany.objects.all():
        for category, title, text in DEMO_REPLY_TEMPLATES:
            ReplyTemplate.objects.get_or_create(
                company=company, category=category, title=title, defaults={"text": text}
            )


def _local(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _home(rng, community) -> tuple[str, str, str]:
    floor = rng.randrange(1, 19 if community.buildings > 10 else 7)
    return (
        str(rng.randrange(1, max(community.buildings, 1) + 1)),
        str(rng.randrange(1, 4)),
        f"{floor}0{rng.randrange(1, 3)}",
    )


def build_plans(rng, cast: Cast, season: HeatingSeason, now: datetime) -> list[OrderScript]:
    communities = [
        c
        for c in Community.objects.select_related("company").order_by("name")
        if cast.serves(c.company_id)
    ]
    by_name = {c.name: c for c in communities}
    newspaper = {case["community"] for case in NEWSPAPER_CASES}
    old = [c for c in communities if (c.built_year or 2000) <= 2002 and c.households >= 300]
    problem = []
    for company_id in sorted({c.company_id for c in communities}):
        candidates = [c for c in old if c.company_id == company_id and c.name not in newspaper]
        problem += rng.sample(candidates, min(PROBLEM_COMMUNITIES_PER_COMPANY, len(candidates)))
    problem_ids = {c.pk for c in problem}
    others = [c for c in communities if c.pk not in problem_ids]
    other_weights = [c.households for c in others]

    season_start = _local(season.start_date, 0, 0)
    window_start = max(season_start, now - timedelta(days=HISTORY_DAYS_MAX))
    window_start = min(window_start, now - timedelta(days=HISTORY_DAYS_MIN))
    days = (now - window_start).total_seconds() / 86400
    count = int(min(MAX_ORDERS, max(MIN_ORDERS, ORDERS_PER_DAY * days)))
    taken_phones: set[str] = set()
    plans: list[OrderScript] = []
    # Calls come in the day (07–23 h), more in the morning and the evening.
    hour_weights = [0.2] * 7 + [
        1,
        2,
        2.5,
        2.2,
        1.8,
        1.4,
        1.2,
        1.2,
        1.3,
        1.4,
        1.6,
        2.0,
        2.4,
        2.2,
        1.6,
        0.8,
        0.4,
    ]
    span = now - window_start - timedelta(minutes=20)
    while len(plans) < count:
        moment = window_start + span * rng.random()
        if rng.random() * 2.5 > hour_weights[timezone.localtime(moment).hour]:
            continue
        in_season = season_start <= moment
        category = _weighted(rng, IN_SEASON_CATEGORIES if in_season else PRE_SEASON_CATEGORIES)
        is_problem = in_season and bool(problem) and rng.random() < PROBLEM_SHARE and category in (
            Category.NOT_WARM, Category.NO_HEAT)  # fmt: skip
        community = rng.choice(problem) if is_problem else rng.choices(others, other_weights)[0]
        channel = _weighted(
            rng,
            ((Channel.HOTLINE_12345, 45), (Channel.HOTLINE_12319, 30),
             (Channel.COMPANY_LINE, 13), (Channel.WEB, 12)),
        )  # fmt: skip
        creator = {
            Channel.WEB: CITIZEN,
            Channel.COMPANY_LINE: cast.company_operators.get(community.company_id),
        }.get(channel, cast.bureau_operator)
        if creator is None:
            channel, creator = Channel.HOTLINE_12319, cast.bureau_operator
        building, unit, room = _home(rng, community)
        stated = round(rng.uniform(12.5, 17.5), 0) if category == Category.NOT_WARM else None
        template = rng.choice(TEXTS[category])
        name = community.name if rng.random() < 0.8 or not community.aliases else rng.choice(
            community.aliases)  # fmt: skip
        text = template.format(c=name, b=building, u=unit, r=room, t=int(stated or 0))
        by_operator = creator is cast.bureau_operator
        plan = OrderScript(
            created_at=moment,
            category=category,
            community=community,
            channel=channel,
            creator=creator,
            text=text,
            phone=mobile_phone(rng, taken_phones),
            caller_name=person_name(rng) if rng.random() < 0.7 else "",
            building=building,
            unit=unit,
            room=room,
            stated_temp_c=stated,
            seed=rng.randrange(2**31),
            problem=is_problem,
        )
        draw = rng.random()
        if by_operator and category in (Category.CONSULT, Category.BILLING, Category.OTHER):
            plan.immediate = draw < 0.6
        elif by_operator and draw < 0.01:
            plan.rejected = True
            plan.text = "楼上邻居装修噪音太大，影响休息"
        elif by_operator and draw < 0.04:
            plan.unrouted = True
            plan.text = UNROUTED_TEXT
        elif draw < 0.07:
            wrong = rng.choice([c for c in communities if c.company_id != community.company_id])
            plan.wrong_community = wrong
        elif draw < 0.08:
            plan.refused_return = True
        plans.append(plan)

    # Repeat callers about the same home while the first order is open (重复件).
    heat_plans = [p for p in plans if p.category in (Category.NOT_WARM, Category.NO_HEAT)]
    for master in rng.sample(heat_plans, len(heat_plans) // 14):
        moment = master.created_at + timedelta(hours=rng.uniform(0.3, 30))
        if moment >= now:
            continue
        plans.append(
            OrderScript(
                created_at=moment,
                category=master.category,
                community=master.community,
                channel=Channel.HOTLINE_12345,
                creator=cast.bureau_operator,
                text="又打来电话：" + master.text,
                phone=master.phone,
                caller_name=master.caller_name,
                building=master.building,
                unit=master.unit,
                room=master.room,
                stated_temp_c=master.stated_temp_c,
                seed=rng.randrange(2**31),
                problem=master.problem,
                duplicate_of=master,
            )
        )

    case_day = date(season.start_date.year, 11, 17)
    if not (season.start_date <= case_day <= (now - timedelta(days=2)).date()):
        case_day = (now - timedelta(days=3)).date()
    for minute, case in enumerate(NEWSPAPER_CASES):
        community = by_name.get(case["community"])
        if community is None:
            continue
        plans.append(
            OrderScript(
                created_at=_local(case_day, 9, 12 + 11 * minute),
                category=Category.NOT_WARM,
                community=community,
                channel=Channel.HOTLINE_12345,
                creator=cast.bureau_operator,
                text=case["text"],
                phone=mobile_phone(rng, taken_phones),
                caller_name=person_name(rng),
                building=case["building"],
                unit=case["unit"],
                room=case["room"],
                stated_temp_c=case["stated_temp_c"],
                seed=rng.randrange(2**31),
                fixed_visits=[
                    dict(
                        readings=case["readings"],
                        closed_30_min=case["conditions"],
                        centre_height_ok=True,
                        read_after_10_min=True,
                        outdoor_temp_c=3.0,
                        causes=case["causes"],
                        actions_taken=case["actions_taken"],
                        resident_confirmed=True,
                        home_area_m2=96.0,
                    )
                ],
                fixed_reply=case["reply"],
            )
        )
    return plans


def load(city=None, *, now: datetime | None = None, seed: int = SEED) -> str:
    now = (now or timezone.now()).replace(microsecond=0)
    season = _season_for(timezone.localtime(now).date())
    _extra_technicians()
    _link_manager_logins()
    _reply_templates()
    cast = Cast.from_database()
    rng = random.Random(seed)
    plans = build_plans(rng, cast, season, now)
    counts = run_history(plans, BulkRunner(), cast, now)
    return "工单历史：{orders} 张工单，{events} 条处理记录，{visits} 次入户，{callbacks} 次回访".format(
        **counts
    )
