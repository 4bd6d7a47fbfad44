"""The public directory (公布各小区管理员联系电话): who heats a community and whom to call.

One query with the related rows joined; matches are ranked so that the community a citizen
means comes first (exact name, then prefix, then anywhere, then pinyin or address).
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from wennuan.lib.search import normalize_query

from .choices import LineOwner
from .models import Community, ServiceLine

MAX_QUERY_LENGTH = 50
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class DirectoryEntry:
    community: str
    aliases: list[str]
    company: str
    company_service_line: str | None
    manager_name: str | None
    manager_phone: str | None
    substation: str | None
    district: str
    address: str

    def as_dict(self) -> dict:
        return {
            "community": self.community,
            "aliases": self.aliases,
            "company": self.company,
            "company_service_line": self.company_service_line,
            "manager_name": self.manager_name,
            "manager_phone": self.manager_phone,
            "substation": self.substation,
            "district": self.district,
            "address": self.address,
        }


def _rank(community: Community, query: str) -> tuple:
    names = [community.name.lower(), *(alias.lower() for alias in community.aliases)]
    if query in names:
        return (0, community.name)
    if any(name.startswith(query) for name in names):
        return (1, community.name)
    if any(query in name for name in names):
        return (2, community.name)
    return (3, community.name)


def _entry(community: Community) -> DirectoryEntry:
    company = community.company
    line = company.primary_service_line()
    manager = community.manager if community.manager and community.manager.is_published else None
    return DirectoryEntry(
        community=community.name,
        aliases=list(community.aliases),
        company=company.legal_name,
        company_service_line=line.number if line else None,
        manager_name=manager.name if manager else None,
        manager_phone=manager.phone if manager else None,
        substation=community.substation.name if community.substation else None,
        district=community.district,
        address=community.address,
    )


def search_directory(raw_query: str) -> list[DirectoryEntry]:
    """Every community matching the query (name, alias, pinyin, initials, district, address),
    best matches first; an empty query lists all communities by name."""
    query = normalize_query(raw_query)
    communities = Community.objects.select_related(
        "company", "manager", "substation"
    ).prefetch_related(
        Prefetch("company__service_lines", queryset=ServiceLine.objects.order_by("label"))
    )
    if query:
        communities = communities.filter(search_key__contains=query)
        ordered = sorted(communities, key=lambda c: _rank(c, query))
    else:
        ordered = list(communities.order_by("name"))
    return [_entry(community) for community in ordered]


@dataclass(frozen=True)
class BureauNumber:
    """One number the bureau publishes, with how many lines answer it (12319 has six)."""

    number: str
    line_count: int
    is_24h: bool


def bureau_lines() -> list[BureauNumber]:
    grouped: dict[str, list[ServiceLine]] = {}
    for line in ServiceLine.objects.filter(owner=LineOwner.BUREAU).order_by("label"):
        grouped.setdefault(line.number, []).append(line)
    return [
        BureauNumber(number, len(lines), any(line.is_24h for line in lines))
        for number, lines in grouped.items()
    ]
