"""Demo public information for Heze: FAQ, fee standards, safety tips, notices, duty rosters of
the companies' 24-hour lines.

DEMO CONTENT: written for the demonstration in the style of Heze's published heating notices;
prices, dates and names are assumptions, and the pages say so.
"""

from __future__ import annotations

import datetime as dt
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from wennuan.demo import names as nm
from wennuan.registry.choices import LineOwner
from wennuan.registry.models import DutyShift, HeatingCompany, HeatingSeason, ServiceLine
from wennuan.staff.choices import Role

from .markdown import render_markdown
from .models import Article, ArticleVersion, FeeStandard

DEMO_NOTE = "（演示数据，仅供演示系统使用，以主管部门正式发布为准。）"

FAQ = [
    (
        "今年什么时候开始供暖？",
        "菏泽市区供暖期一般为 **11月15日至次年3月15日**，遇到寒潮可能提前供暖。"
        "具体日期以每年的[供暖通知](/info/notices/)为准。",
    ),
    (
        "家里暖气不热怎么办？",
        "1. 先看看暖气片阀门是不是全开，进水、回水阀门都要打开；\n"
        "2. 暖气片上热下凉，多半是有空气，可用排气阀放气（下面接好水盆）；\n"
        "3. 还不热，请拨打您小区所属供热公司的 24 小时服务电话，"
        "或拨打供热服务热线 [12319](tel:12319)。工作人员会在 24 小时内上门测温。",
    ),
    (
        "室温多少度算达标？",
        "按《山东省供热条例》，供暖期间卧室、客厅温度不低于 **18℃**。"
        "测温时需关闭门窗 30 分钟以上，在房间中央、离地 1.4–1.5 米处测量。",
    ),
    (
        "怎么交暖气费？收费标准是多少？",
        "可到供热公司营业厅、通过银行或供热公司微信公众号缴费。"
        "收费标准和计算方法请看[收费标准·算热费](/info/fees/)页面。",
    ),
    (
        "不在家住，可以报停吗？",
        "可以。请在缴费期内到所属供热公司办理报停。报停的房屋需交纳**基本热费**"
        "（按全额热费的一定比例，见[收费标准](/info/fees/)）。已开始供暖后一般不再办理报停。",
    ),
    (
        "怎么查我家小区归哪个供热公司、管理员电话是多少？",
        "在[小区查询](/directory/)里输入小区名称（两三个字即可），"
        "就能看到供热公司、24 小时电话和小区管理员电话。",
    ),
    (
        "反映的问题多久有答复？",
        "暖气不热的，供热公司在 24 小时内上门测温；漏水、停暖 30 分钟内响应。"
        "您可以用工单号和手机号后四位[查询办理进度](/lookup/)，处理结果也会[公开答复](/replies/)。",
    ),
    (
        "可以自己装管道泵吗？",
        "**不可以。** 私自加装管道泵会抢走邻居家的热量，还可能造成管网压力异常、漏水。"
        "发现后供热公司将责令拆除。",
    ),
]

SAFETY = [
    (
        "暖气漏水怎么办？",
        "1. 立即关闭暖气片的进水、回水阀门；\n2. 用盆接水、毛巾吸水，保护电器和插座；\n"
        "3. 拨打供热公司 24 小时电话报修。**不要自行拆卸暖气片或管道。**",
    ),
    (
        "不要私自放暖气水",
        "暖气水是经过处理的热水，温度高，私自放水容易烫伤，还会造成系统失水、全楼不热。",
    ),
    (
        "暖气片上不要搭衣物",
        "暖气片上盖湿衣服、毛巾会影响散热，也容易让阀门锈蚀漏水。家具不要贴着暖气片摆放。",
    ),
    (
        "老人和孩子要当心烫伤",
        "供暖初期管道温度较高，请教育孩子不要攀爬、摸烫暖气管道；行动不便的老人床边不要紧靠暖气片。",
    ),
    (
        "使用取暖器和燃气要注意通风",
        "房间里用燃气热水器、燃气灶或煤炉时要开窗通风，防止一氧化碳中毒。"
        "闻到燃气味：开窗、不开关电器、不打电话，到室外拨打燃气公司电话。",
    ),
]


def _author():
    User = get_user_model()
    user = User.objects.filter(staff_profile__role=Role.SUPERVISOR).order_by("pk").first()
    return user or User.objects.filter(is_superuser=True).order_by("pk").first()


def _running_or_next(seasons, today):
    for season in seasons:
        if season.start_date <= today <= season.end_date:
            return season
    upcoming = [s for s in seasons if s.start_date > today]
    return min(upcoming, key=lambda s: s.start_date) if upcoming else seasons[0]


def _notices(season: HeatingSeason, now) -> list[tuple[str, str, dt.datetime, bool, str]]:
    """(title, body, publish time, urgent, status) of the demo notices."""
    start = season.start_date
    start_notice_at = timezone.make_aware(
        dt.datetime.combine(start - timedelta(days=10), dt.time(9, 0))
    )
    cold_at = now - timedelta(hours=20)
    return [
        (
            f"关于{season.name}市区集中供热的通知",
            f"经市政府同意，{season.name}市区集中供热时间为 "
            f"**{start:%Y年%m月%d日}至{season.end_date:%Y年%m月%d日}**。\n\n"
            "各供热企业要提前完成管网上水、试压和设备调试，确保按时供热、室温达标。"
            "居民家中暖气不热或漏水，请拨打所属供热公司 24 小时服务电话，"
            "或拨打供热服务热线 [12319](tel:12319)。\n\n" + DEMO_NOTE,
            min(start_notice_at, now - timedelta(days=1)),
            False,
            "published",
        ),
        (
            "寒潮预警：请做好防寒保暖",
            "据气象部门预报，未来三天受强冷空气影响，我市将有 **6～8℃ 降温**，"
            "最低气温 −8℃ 左右。\n\n"
            "- 各供热企业已提高供水温度，加强管网巡查；\n"
            "- 请居民关好门窗，暖气不热及时报修；\n"
            "- 出门注意防滑，老人孩子注意保暖。\n\n" + DEMO_NOTE,
            cold_at,
            True,
            "published",
        ),
        (
            "供热服务热线延长人工服务时间的通知（草稿）",
            "寒潮期间 12319 热线增加 2 条人工线路。" + DEMO_NOTE,
            None,
            False,
            "draft",
        ),
    ]


def _add_company_rosters(rng: random.Random) -> int:
    """Day and night shifts on every company 24-hour line that has none (the register's demo
    roster covers the bureau's lines only)."""
    shifts = []
    taken: set[str] = set(DutyShift.objects.values_list("operator_name", flat=True))
    lines = ServiceLine.objects.filter(owner=LineOwner.COMPANY, is_24h=True, shifts__isnull=True)
    for line in lines:
        for start, end in ((dt.time(8), dt.time(20)), (dt.time(20), dt.time(8))):
            while (name := nm.person_name(rng)) in taken:
                pass
            taken.add(name)
            shifts.append(DutyShift(line=line, operator_name=name, start_time=start, end_time=end))
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)


def load(city) -> str:
    author = _author()
    seasons = list(HeatingSeason.objects.order_by("-start_date"))
    if author is None or not seasons or not HeatingCompany.objects.exists():
        return ""
    now = timezone.now()
    today = timezone.localdate()
    current = _running_or_next(seasons, today)

    standards = []
    for season in seasons:
        standards.append(
            FeeStandard(
                season=season,
                payment_start_date=season.start_date - timedelta(days=45),
                payment_end_date=season.start_date + timedelta(days=15),
                notes_markdown=(
                    "- 居民按房屋**供热面积**计费，整个供暖季一次缴清；\n"
                    "- 报停房屋交基本热费；\n"
                    "- 低保户等困难家庭可按规定申请减免，请咨询所属供热公司。\n\n"
                    "演示数据：热价为演示假设（菏泽市区居民热价约 22 元/平方米·季），"
                    "以价格主管部门公布的标准和供热公司缴费单为准。"
                ),
                publish_at=timezone.make_aware(
                    dt.datetime.combine(season.start_date - timedelta(days=60), dt.time(9))
                ),
                updated_by=author,
            )
        )
    for standard in standards:
        standard.notes_html = render_markdown(standard.notes_markdown)
    FeeStandard.objects.bulk_create(standards)

    entries = []  # (Article, [(title, body, status, publish_at)])
    first_public = min(
        now - timedelta(days=30),
        timezone.make_aware(
            dt.datetime.combine(current.start_date - timedelta(days=20), dt.time(9))
        ),
    )
    for order, (title, body) in enumerate(FAQ):
        entries.append(
            (
                Article(kind="faq", sort_order=(order + 1) * 10),
                [(title, body, "published", first_public)],
            )
        )
    for order, (title, body) in enumerate(SAFETY):
        entries.append(
            (
                Article(kind="safety", sort_order=(order + 1) * 10),
                [(title, body, "published", first_public)],
            )
        )
    for title, body, publish_at, urgent, status in _notices(current, now):
        entries.append(
            (Article(kind="notice", is_urgent=urgent), [(title, body, status, publish_at)])
        )
    # One FAQ with an edit history: the first version had a wrong phone format.
    history_title, history_body = FAQ[1]
    entries[1] = (
        entries[1][0],
        [
            (
                history_title,
                history_body.replace("[12319](tel:12319)", "12319"),
                "published",
                first_public - timedelta(days=5),
            ),
            (history_title, history_body, "published", first_public),
        ],
    )
    articles = Article.objects.bulk_create([article for article, _versions in entries])
    versions = []
    for article, (_unsaved, specs) in zip(articles, entries, strict=True):
        for number, (title, body, status, publish_at) in enumerate(specs, start=1):
            versions.append(
                ArticleVersion(
                    article=article,
                    number=number,
                    title=title,
                    body_markdown=body,
                    body_html=render_markdown(body),
                    status=status,
                    publish_at=publish_at,
                    saved_by=author,
                    saved_at=publish_at or now,
                )
            )
    ArticleVersion.objects.bulk_create(versions)
    shifts = _add_company_rosters(random.Random(2026))
    return (
        f"公开信息：常见问题 {len(FAQ)} 条、安全知识 {len(SAFETY)} 条、通知 3 条、"
        f"收费标准 {len(standards)} 个供热季、企业值班 {shifts} 班"
    )
