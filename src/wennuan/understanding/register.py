"""Loading a register for the reader outside the database (tests, benchmark, demo data)."""

from __future__ import annotations

import csv
from pathlib import Path

from wennuan.demo.city import build_city
from wennuan.understanding.community import RegisterEntry


def register_from_csv(path: str | Path) -> list[RegisterEntry]:
    """Rows of a communities.csv (name, aliases |-separated, company, district, address, …)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            RegisterEntry(
                name=row["name"].strip(),
                aliases=tuple(
                    alias.strip()
                    for alias in (row.get("aliases") or "").split("|")
                    if alias.strip()
                ),
                district=(row.get("district") or "").strip(),
                address=(row.get("address") or "").strip(),
            )
            for row in csv.DictReader(handle)
            if row.get("name", "").strip()
        ]


def demo_register(register_csv: str | Path) -> list[RegisterEntry]:
    """The demo city's communities (the file's rows plus generated ones), or the file alone
    while the demo city cannot be built."""
    try:
        city = build_city(register_csv, seed=2026)
    except Exception:  # noqa: BLE001 — the demo city is optional for reading complaints
        return register_from_csv(register_csv)
    return [
        RegisterEntry(
            name=community.name,
            aliases=tuple(community.aliases),
            district=community.district,
            address=community.address,
        )
        for community in city.communities
    ]
