"""Import of substations' hourly SCADA exports (CSV), all-or-nothing with row-level errors.

Columns: ``timestamp,substation,heat_kw,supply_temp_c,return_temp_c,flow_m3_h`` (the last three
may be empty). ``substation`` is the register code (e.g. ``YH-S001``) or the name. Naive
timestamps are local time (Asia/Shanghai) and must be on the hour. A reading for an hour that
is already stored replaces it (re-exports are common).
"""

import csv
import io
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from wennuan.registry.models import Substation

from .choices import MeterOrigin
from .models import MeterReading
from .weather import parse_timestamp

REQUIRED = ("timestamp", "substation", "heat_kw")
OPTIONAL = ("supply_temp_c", "return_temp_c", "flow_m3_h")
LIMITS = {
    "heat_kw": (0.0, 500_000.0),
    "supply_temp_c": (0.0, 150.0),
    "return_temp_c": (0.0, 150.0),
    "flow_m3_h": (0.0, 50_000.0),
}
LABELS = {
    "heat_kw": "热负荷",
    "supply_temp_c": "供水温度",
    "return_temp_c": "回水温度",
    "flow_m3_h": "流量",
}


class MeterCsvError(ValueError):
    """A refused meter file; ``errors`` are Chinese row-level messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class MeterImportResult:
    rows: int
    substations: int


def _decode(content) -> str:
    if isinstance(content, str):
        return content
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MeterCsvError([_("文件编码无法识别（请用 UTF-8 或 GBK）")])


def parse_meter_csv(content, company=None) -> list[MeterReading]:
    """Validate a SCADA export; ``company`` restricts it to that company's substations."""
    reader = csv.DictReader(io.StringIO(_decode(content).lstrip("\ufeff")))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise MeterCsvError(
            [
                _("缺少列：%(cols)s（需要 timestamp,substation,heat_kw，可选 %(opt)s）")
                % {"cols": ", ".join(missing), "opt": ",".join(OPTIONAL)}
            ]
        )
    stations = Substation.objects.all()
    if company is not None:
        stations = stations.filter(company=company)
    by_key = {}
    for station in stations:
        by_key[station.code] = station
        by_key.setdefault(station.name, station)
    readings, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        row_errors = []
        station = by_key.get(row.get("substation", ""))
        if station is None:
            row_errors.append(
                _("换热站“%(v)s”不存在或不属于本公司") % {"v": row.get("substation", "")}
            )
        try:
            moment = parse_timestamp(row["timestamp"])
            if moment.minute or moment.second:
                row_errors.append(_("时间必须是整点"))
        except ValueError:
            moment = None
            row_errors.append(_("时间“%(v)s”无法识别") % {"v": row["timestamp"]})
        values = {}
        for column in ("heat_kw", *OPTIONAL):
            text = row.get(column, "")
            if text == "" and column != "heat_kw":
                values[column] = None
                continue
            low, high = LIMITS[column]
            try:
                value = float(text)
                if not math.isfinite(value) or not low <= value <= high:
                    raise ValueError
                values[column] = value
            except ValueError:
                row_errors.append(
                    _("%(label)s“%(v)s”应为 %(low)g～%(high)g 之间的数字")
                    % {"label": LABELS[column], "v": text, "low": low, "high": high}
                )
        if not row_errors and station is not None and moment is not None:
            key = (station.id, moment)
            if key in seen:
                row_errors.append(_("与第 %(m)d 行重复（同一换热站同一小时）") % {"m": seen[key]})
            seen[key] = line
        if row_errors:
            errors.append(_("第 %(n)d 行：") % {"n": line} + _("；").join(row_errors))
            continue
        readings.append(
            MeterReading(
                substation=station, timestamp=moment, origin=MeterOrigin.SCADA_CSV, **values
            )
        )
    if not readings and not errors:
        errors.append(_("文件中没有数据行"))
    if errors:
        raise MeterCsvError(errors)
    return readings


def import_meter_csv(content, company=None) -> MeterImportResult:
    """Store a SCADA export (nothing stored when any row is bad)."""
    readings = parse_meter_csv(content, company)
    with transaction.atomic():
        MeterReading.objects.bulk_create(
            readings,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["substation", "timestamp"],
            update_fields=["heat_kw", "supply_temp_c", "return_temp_c", "flow_m3_h", "origin"],
        )
    return MeterImportResult(len(readings), len({r.substation_id for r in readings}))
