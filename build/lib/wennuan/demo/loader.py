"""Load the demo city (plain data from ``city.py``) into the database, with a persona for
every role. One transaction: a failure leaves the database as it was."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from wennuan.lib.discovery import app_modules
from wennuan.lib.search import search_key_for
from wennuan.registry.choices import LineOwner
from wennuan.registry.models import (
    City,
    Community,
    DutyShift,
    HeatingCompany,
    HeatingSeason,
    HeatSource,
    Manager,
    NetworkJunction,
    NetworkPipe,
    ServiceLine,
    SourceConnection,
    Substation,
)
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.roles import assign_role_group, sync_role_groups

from .city import DemoCity

# Printed by `wennuan demo`; a demo database is never a production one.
DEMO_PASSWORD = "wennuan-demo-2026"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: str
    company_code: str | None


def personas_for(city: DemoCity) -> list[Persona]:
    people = [
        Persona("admin", "系统管理员", Role.ADMIN, None),
        Persona("supervisor", "刘监管", Role.SUPERVISOR, None),
        Persona("operator", "王话务", Role.OPERATOR, None),
    ]
    staff_names = {
        Role.COMPANY_DISPATCHER: ("dispatcher", "派单员"),
        Role.TECHNICIAN: ("technician", "维修工"),
        Role.COMMUNITY_MANAGER: ("manager", "小区管理员"),
        Role.DISPATCH_ENGINEER: ("engineer", "调度工程师"),
        Role.OPERATOR: ("operator", "客服"),
    }
    for company in city.companies:
        for role, (suffix, title) in staff_names.items():
            people.append(
                Persona(
                    f"{company.code}-{suffix}", f"{company.short_name}{title}", role, company.code
                )
            )
    return people


def is_loaded() -> bool:
    return Community.objects.exists()


@transaction.atomic
def load_demo_city(city: DemoCity) -> dict[str, int]:
    """Insert the whole demo city; the database must hold no register yet."""
    City.objects.create(name="菏泽市", bureau_name=city.bureau.name, design_outdoor_temp_c=-4.9)

    companies = {
        spec.code: HeatingCompany.objects.create(
            code=spec.code, legal_name=spec.legal_name, short_name=spec.short_name
        )
        for spec in city.companies
    }
    for spec in city.companies:
        ServiceLine.objects.bulk_create(
            ServiceLine(
                number=line.number,
                label=line.label,
                owner=LineOwner.COMPANY,
                company=companies[spec.code],
                is_24h=line.is_24h,
            )
            for line in spec.service_lines
        )
    bureau_lines = {
        line.label: ServiceLine.objects.create(
            number=line.number, label=line.label, owner=LineOwner.BUREAU, is_24h=line.is_24h
        )
        for line in city.bureau.lines
    }
    DutyShift.objects.bulk_create(
        DutyShift(
            line=bureau_lines[shift.line_label],
            operator_name=shift.operator_name,
            start_time=shift.start,
            end_time=shift.end,
        )
        for shift in city.bureau.roster
    )

    sources = {}
    for spec in city.sources:
        source = HeatSource.objects.create(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            capacity_mw=spec.capacity_mw,
            latitude=spec.lat,
            longitude=spec.lon,
            design_supply_temp_c=spec.design_supply_temp_c,
            design_return_temp_c=spec.design_return_temp_c,
            min_supply_temp_c=spec.min_supply_temp_c,
            max_supply_temp_c=spec.max_supply_temp_c,
        )
        source.companies.set([companies[code] for code in spec.company_codes])
        sources[spec.code] = source

    junctions: dict[tuple[str, str], NetworkJunction] = {}
    for network in city.networks:
        company = companies[network.company_code]
        created = NetworkJunction.objects.bulk_create(
            NetworkJunction(
                company=company,
                code=j.code,
                latitude=j.lat,
                longitude=j.lon,
                height_m=j.height_m,
            )
            for j in network.junctions
        )
        junctions.update({(network.company_code, j.code): j for j in created})
        NetworkPipe.objects.bulk_create(
            NetworkPipe(
                company=company,
                code=p.code,
                from_junction=junctions[(network.company_code, p.from_junction)],
                to_junction=junctions[(network.company_code, p.to_junction)],
                length_m=p.length_m,
                inner_diameter_m=p.inner_diameter_m,
                roughness_mm=p.roughness_mm,
                design_mass_flow_kg_s=p.design_mass_flow_kg_s,
            )
            for p in network.pipes
        )
        SourceConnection.objects.bulk_create(
            SourceConnection(
                source=sources[source_code],
                junction=junctions[(network.company_code, junction_code)],
            )
            for source_code, junction_code in network.source_junctions
        )

    substations = {spec.code: spec for spec in city.substations}
    created_substations = Substation.objects.bulk_create(
        Substation(
            code=spec.code,
            name=spec.name,
            company=companies[spec.company_code],
            source=sources[spec.source_code],
            latitude=spec.lat,
            longitude=spec.lon,
            design_load_kw=spec.design_load_kw,
            terminal=spec.terminal,
            junction=junctions[(spec.company_code, spec.junction_code)],
        )
        for spec in substations.values()
    )
    substation_by_code = {s.code: s for s in created_substations}

    managers: dict[tuple[str, str], Manager] = {}
    for spec in city.communities:
        key = (spec.manager_name, spec.manager_phone)
        if key not in managers:
            managers[key] = Manager(
                name=spec.manager_name,
                phone=spec.manager_phone,
                company=companies[spec.company_code],
            )
    Manager.objects.bulk_create(managers.values())

    Community.objects.bulk_create(
        Community(
            name=spec.name,
            aliases=list(spec.aliases),
            company=companies[spec.company_code],
            substation=substation_by_code[spec.substation_code],
            manager=managers[(spec.manager_name, spec.manager_phone)],
            district=spec.district,
            address=spec.address,
            latitude=spec.lat,
            longitude=spec.lon,
            built_year=spec.built_year,
            heated_area_m2=spec.heated_area_m2,
            households=spec.households,
            buildings=spec.buildings,
            terminal=spec.terminal,
            energy_standard=spec.energy_standard,
            design_heat_index_w_m2=spec.design_heat_index_w_m2,
            search_key=search_key_for(spec.name, spec.aliases, spec.district, spec.address),
        )
        for spec in city.communities
    )

    HeatingSeason.objects.bulk_create(
        HeatingSeason(
            name=s.name,
            start_date=s.start,
            end_date=s.end,
            residential_tariff_yuan_m2=round(s.residential_tariff_yuan_m2, 2),
            non_residential_tariff_yuan_m2=round(s.non_residential_tariff_yuan_m2, 2),
            base_fee_share=round(s.base_fee_share, 2),
            standard_indoor_temp_c=s.standard_indoor_temp_c,
        )
        for s in city.seasons
    )

    create_personas(city, companies)
    return {
        "companies": len(companies),
        "sources": len(sources),
        "substations": len(created_substations),
        "communities": len(city.communities),
        "junctions": len(junctions),
        "pipes": sum(len(n.pipes) for n in city.networks),
    }


def create_personas(city: DemoCity, companies: dict[str, HeatingCompany]) -> list[Persona]:
    sync_role_groups()
    User = get_user_model()
    # One hash for every persona: hashing is deliberately slow and they share the password.
    password_hash = make_password(DEMO_PASSWORD)
    people = personas_for(city)
    for persona in people:
        user = User.objects.create(
            username=persona.username,
            password=password_hash,
            is_staff=persona.role == Role.ADMIN,
            is_superuser=persona.role == Role.ADMIN,
        )
        StaffProfile.objects.create(
            user=user,
            role=persona.role,
            company=companies[persona.company_code] if persona.company_code else None,
            display_name=persona.display_name,
        )
        assign_role_group(user, persona.role)
    return people


def load_demo_extensions(city: DemoCity) -> list[str]:
    """Let every app add its part of the demo after the register is in: a module
    ``<app>/demo_data.py`` with ``load(city: DemoCity) -> str`` (a one-line summary to print).
    Apps run in INSTALLED_APPS order, so work orders exist before plans and dashboards."""
    summaries = []
    for module in app_modules("demo_data"):
        summary = module.load(city)
        if summary:
            summaries.append(summary)
    return summaries
