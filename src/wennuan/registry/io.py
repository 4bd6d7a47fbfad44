"""Import and export of the register as an Excel workbook (one sheet per kind) or CSV (one
kind per file), with the documented template of docs/register-template.md.

Import checks every row and reports every bad row with its sheet, line number, column and a
reason in Chinese; if any row is bad, nothing is changed (one transaction, rolled back).
Rows are matched to existing records by their natural key (code, full name, label) and
updated, so exporting, editing and re-importing a file is safe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from wennuan.lib.phones import is_valid_phone, normalize_phone
from wennuan.lib.spreadsheets import clean_row

from .choices import LineOwner, SourceKind, Terminal
from .models import (
    City,
    Community,
    HeatingCompany,
    HeatingSeason,
    HeatSource,
    Manager,
    ServiceLine,
    Substation,
)


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user as it is."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class RowError:
    sheet: str
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"“{self.sheet}”第 {self.line} 行"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ImportResult:
    errors: list[RowError]
    created: dict[str, int]
    updated: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- cell readers: raw cell value -> python value, CellError with a Chinese reason ----


# A register cell is a name, a number or a short address: anything longer is a wrong file or
# an attack (a 128 KB cell). Control characters cannot be stored on PostgreSQL (NUL) or
# exported to Excel again.
MAX_CELL_CHARS = 500
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > MAX_CELL_CHARS:
        raise CellError(f"内容过长（{len(text)} 个字符，最多 {MAX_CELL_CHARS} 个）")
    if _CONTROL_CHARACTERS.search(text):
        raise CellError("含有不允许的控制字符，请删除后重新导入")
    return text


def read_text(value) -> str:
    return _text(value)


def read_required_text(value) -> str:
    text = _text(value)
    if not text:
        raise CellError("不能为空")
    return text


def read_float(value) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise CellError(f"“{text}”不是数字") from None
    if not math.isfinite(number):  # "1e400", "inf", "nan" parse as floats
        raise CellError(f"“{text}”不是有效的数字")
    return number


def read_required_float(value) -> float:
    number = read_float(value)
    if number is None:
        raise CellError("不能为空")
    return number


def read_int(value) -> int | None:
    number = read_float(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise CellError(f"“{_text(value)}”不是整数")
    return int(number)


def read_required_int(value) -> int:
    number = read_int(value)
    if number is None:
        raise CellError("不能为空")
    return number


def read_decimal(value) -> Decimal:
    text = _text(value)
    if not text:
        raise CellError("不能为空")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}”不是数字") from None


def read_bool(value) -> bool:
    text = _text(value).lower()
    if text in {"是", "y", "yes", "true", "1", "公开", "24小时"}:
        return True
    if text in {"否", "n", "no", "false", "0", "不公开", ""}:
        return False
    raise CellError(f"“{text}”应填“是”或“否”")


def within(reader: Callable, low: float, high: float) -> Callable:
    """``reader`` refusing numbers outside [low, high]: an outsider imported a community at
    latitude 999 with 1e308 m² and 0 buildings, and the directory and the plan took them."""

    def read(value):
        number = reader(value)
        if number is not None and not low <= number <= high:
            raise CellError(f"“{_text(value)}”应在 {low:g} 到 {high:g} 之间")
        return number

    return read


def read_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise CellError("不能为空")
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f"“{text}”不是日期（应为 2026-11-15 格式）")


def read_list(value) -> list[str]:
    text = _text(value)
    return [part.strip() for part in text.replace("｜", "|").split("|") if part.strip()]


def read_phone(value) -> str:
    return normalize_phone(read_required_text(value))


def choice_reader(choices) -> Callable:
    by_text = {}
    for code, label in choices.choices:
        by_text[code.lower()] = code
        by_text[str(label).lower()] = code
    allowed = "、".join(f"{label}（{code}）" for code, label in choices.choices)

    def read(value):
        text = read_required_text(value).lower()
        if text not in by_text:
            raise CellError(f"“{_text(value)}”不是可选值：{allowed}")
        return by_text[text]

    return read


# Rows found by name during one import (cleared by import_register): 520 communities name
# the same 3 companies and a few dozen substations; one query each instead of one per row.
_found: dict[tuple[str, str], object] = {}


def _cached(kind: str, text: str, find: Callable):
    key = (kind, text)
    if key not in _found:
        found = find(text)
        if found is None:
            return None  # not remembered: an earlier sheet of the same file may create it
        _found[key] = found
    return _found[key]


def read_company(value) -> HeatingCompany:
    text = read_required_text(value)
    company = _cached(
        "company",
        text,
        lambda t: (
            HeatingCompany.objects.filter(legal_name=t).first()
            or HeatingCompany.objects.filter(short_name=t).first()
            or HeatingCompany.objects.filter(code=t).first()
        ),
    )
    if company is None:
        raise CellError(f"找不到热力公司“{text}”（请先在“热力公司”表中登记）")
    return company


def read_optional_company(value) -> HeatingCompany | None:
    return read_company(value) if _text(value) else None


def read_companies(value) -> list[HeatingCompany]:
    names = read_list(value)
    if not names:
        raise CellError("至少填一家热力公司，多家用 | 分隔")
    return [read_company(name) for name in names]


def read_source(value) -> HeatSource | None:
    text = _text(value)
    if not text:
        return None
    source = _cached(
        "source",
        text,
        lambda t: (
            HeatSource.objects.filter(code=t).first() or HeatSource.objects.filter(name=t).first()
        ),
    )
    if source is None:
        raise CellError(f"找不到热源“{text}”")
    return source


def read_substation(value) -> Substation | None:
    text = _text(value)
    if not text:
        return None
    substation = _cached("substation", text, lambda t: Substation.objects.filter(code=t).first())
    if substation is None:
        raise CellError(f"找不到换热站代码“{text}”")
    return substation


# ---- sheet specifications ----


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header, as in the template
    field: str
    read: Callable
    export: Callable  # model instance -> cell value


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # stable code, used for CSV file names and --kind
    title: str  # sheet name in the workbook
    model: type
    key_fields: tuple[str, ...]
    columns: tuple[Column, ...]
    save_related: Callable | None = None  # (instance, values) after save (many-to-many)
    prepare: Callable | None = None  # (values) -> values, before building the instance
    find: Callable | None = None  # (values) -> existing instance or None, instead of the key

    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def _attr(name):
    return lambda obj: getattr(obj, name)


def _join(values: Iterable[str]) -> str:
    return "|".join(values)


def _same_manager(name: str, phone: str, company) -> Manager | None:
    """The manager a row means: by name and phone, else the only one of that name in the
    company (a changed phone; issue 16 item 6: re-importing the exported sheet with a new
    number made a second manager and the directory kept the old one)."""
    found = Manager.objects.filter(name=name, phone=phone).first()
    if found is not None:
        return found
    namesakes = list(Manager.objects.filter(name=name, company=company)[:2])
    if len(namesakes) == 2:
        raise CellError(
            f"“{name}”在该公司有多位同名管理员，无法判断电话“{phone}”属于哪一位："
            "请保持原电话导入后在后台修改",
            "电话",
        )
    return namesakes[0] if namesakes else None


def _find_manager(values):
    """The managers sheet's key: (name, phone), or the namesake whose phone changed."""
    return _same_manager(values["name"], values["phone"], values["company"])


def _manager_for(values):
    if "manager_name" not in values and "manager_phone" not in values:
        return values  # the file has no manager columns: the manager stays as it is
    name, phone = values.pop("manager_name", ""), values.pop("manager_phone", "")
    if name or phone:
        if not (name and phone):
            raise CellError("管理员姓名和电话须同时填写", "管理员电话" if name else "管理员姓名")
        if not is_valid_phone(phone):
            raise CellError(
                f"“{phone}”不是有效的电话号码（手机号11位，座机需带区号）", "管理员电话"
            )
        manager = _same_manager(name, phone, values["company"])
        if manager is None:
            manager = Manager.objects.create(name=name, phone=phone, company=values["company"])
        elif manager.phone != phone and manager.pk not in _managers_imported:
            # The number was changed in the communities sheet only: it is the new number.
            manager.phone = phone
            manager.full_clean()
            manager.save(update_fields=["phone"])
        values["manager"] = manager
    else:
        values["manager"] = None
    return values


# Managers written by the managers sheet of the current import: their phone there wins over an
# older number still in the communities sheet of the same workbook.
_managers_imported: set[int] = set()


SHEETS: tuple[SheetSpec, ...] = (
    # The one City row (no key: the row there is updated, or created on a fresh install).
    SheetSpec(
        "city",
        "城市",
        City,
        (),
        (
            Column("城市", "name", read_required_text, _attr("name")),
            Column("主管部门", "bureau_name", read_required_text, _attr("bureau_name")),
            Column(
                "供暖室外计算温度",
                "design_outdoor_temp_c",
                read_required_float,
                _attr("design_outdoor_temp_c"),
            ),
            Column("纬度", "latitude", within(read_required_float, -90, 90), _attr("latitude")),
            Column("经度", "longitude", within(read_required_float, -180, 180), _attr("longitude")),
            Column("区号", "area_code", read_text, _attr("area_code")),
        ),
    ),
    SheetSpec(
        "companies",
        "热力公司",
        HeatingCompany,
        ("code",),
        (
            Column("代码", "code", read_required_text, _attr("code")),
            Column("公司全称", "legal_name", read_required_text, _attr("legal_name")),
            Column("简称", "short_name", read_required_text, _attr("short_name")),
        ),
    ),
    SheetSpec(
        "service_lines",
        "服务热线",
        ServiceLine,
        ("label",),
        (
            Column("名称", "label", read_required_text, _attr("label")),
            Column("号码", "number", read_phone, _attr("number")),
            Column("所属", "owner", choice_reader(LineOwner), lambda o: o.get_owner_display()),
            Column(
                "热力公司",
                "company",
                read_optional_company,
                lambda o: o.company.legal_name if o.company else "",
            ),
            Column("24小时", "is_24h", read_bool, lambda o: "是" if o.is_24h else "否"),
        ),
    ),
    SheetSpec(
        "sources",
        "热源",
        HeatSource,
        ("code",),
        (
            Column("代码", "code", read_required_text, _attr("code")),
            Column("名称", "name", read_required_text, _attr("name")),
            Column("类型", "kind", choice_reader(SourceKind), lambda o: o.get_kind_display()),
            Column(
                "供热能力MW",
                "capacity_mw",
                within(read_required_float, 0.001, 10_000),
                _attr("capacity_mw"),
            ),
            Column(
                "供给公司",
                "companies",
                read_companies,
                lambda o: _join(c.legal_name for c in o.companies.order_by("code")),
            ),
            Column("纬度", "latitude", within(read_required_float, -90, 90), _attr("latitude")),
            Column("经度", "longitude", within(read_required_float, -180, 180), _attr("longitude")),
            Column(
                "设计供水温度",
                "design_supply_temp_c",
                read_required_float,
                _attr("design_supply_temp_c"),
            ),
            Column(
                "设计回水温度",
                "design_return_temp_c",
                read_required_float,
                _attr("design_return_temp_c"),
            ),
            Column(
                "最低供水温度", "min_supply_temp_c", read_required_float, _attr("min_supply_temp_c")
            ),
            Column(
                "最高供水温度", "max_supply_temp_c", read_required_float, _attr("max_supply_temp_c")
            ),
        ),
        save_related=lambda obj, related: obj.companies.set(related["companies"]),
    ),
    SheetSpec(
        "substations",
        "换热站",
        Substation,
        ("code",),
        (
            Column("代码", "code", read_required_text, _attr("code")),
            Column("名称", "name", read_required_text, _attr("name")),
            Column("热力公司", "company", read_company, lambda o: o.company.legal_name),
            Column("主热源", "source", read_source, lambda o: o.source.code if o.source else ""),
            Column("纬度", "latitude", within(read_required_float, -90, 90), _attr("latitude")),
            Column("经度", "longitude", within(read_required_float, -180, 180), _attr("longitude")),
            Column(
                "设计热负荷kW",
                "design_load_kw",
                within(read_required_float, 0.001, 1e7),
                _attr("design_load_kw"),
            ),
            Column(
                "末端形式", "terminal", choice_reader(Terminal), lambda o: o.get_terminal_display()
            ),
        ),
    ),
    SheetSpec(
        "managers",
        "小区管理员",
        Manager,
        ("name", "phone"),
        (
            Column("姓名", "name", read_required_text, _attr("name")),
            Column("电话", "phone", read_phone, _attr("phone")),
            Column("热力公司", "company", read_company, lambda o: o.company.legal_name),
            Column("公开", "is_published", read_bool, lambda o: "是" if o.is_published else "否"),
        ),
        find=_find_manager,
    ),
    SheetSpec(
        "communities",
        "小区",
        Community,
        ("name",),
        (
            Column("小区名称", "name", read_required_text, _attr("name")),
            Column("别名", "aliases", read_list, lambda o: _join(o.aliases)),
            Column("热力公司", "company", read_company, lambda o: o.company.legal_name),
            Column(
                "换热站代码",
                "substation",
                read_substation,
                lambda o: o.substation.code if o.substation else "",
            ),
            Column(
                "管理员姓名",
                "manager_name",
                read_text,
                lambda o: o.manager.name if o.manager else "",
            ),
            Column(
                "管理员电话",
                "manager_phone",
                lambda v: normalize_phone(_text(v)),
                lambda o: o.manager.phone if o.manager else "",
            ),
            Column("区县", "district", read_required_text, _attr("district")),
            Column("地址", "address", read_text, _attr("address")),
            Column("纬度", "latitude", within(read_float, -90, 90), _attr("latitude")),
            Column("经度", "longitude", within(read_float, -180, 180), _attr("longitude")),
            Column("建成年份", "built_year", within(read_int, 1900, 2100), _attr("built_year")),
            Column(
                "供热面积m2",
                "heated_area_m2",
                within(read_required_float, 1, 1e8),
                _attr("heated_area_m2"),
            ),
            Column(
                "户数", "households", within(read_required_int, 0, 100_000), _attr("households")
            ),
            Column("楼栋数", "buildings", within(read_required_int, 1, 1_000), _attr("buildings")),
            Column(
                "末端形式", "terminal", choice_reader(Terminal), lambda o: o.get_terminal_display()
            ),
            Column("节能标准", "energy_standard", read_text, _attr("energy_standard")),
            Column(
                "设计热指标W/m2",
                "design_heat_index_w_m2",
                read_required_float,
                _attr("design_heat_index_w_m2"),
            ),
        ),
        prepare=_manager_for,
    ),
    SheetSpec(
        "seasons",
        "供热季",
        HeatingSeason,
        ("name",),
        (
            Column("名称", "name", read_required_text, _attr("name")),
            Column("开始日期", "start_date", read_date, lambda o: o.start_date.isoformat()),
            Column("结束日期", "end_date", read_date, lambda o: o.end_date.isoformat()),
            Column(
                "居民热价元每m2",
                "residential_tariff_yuan_m2",
                read_decimal,
                lambda o: str(o.residential_tariff_yuan_m2),
            ),
            Column(
                "非居民热价元每m2",
                "non_residential_tariff_yuan_m2",
                read_decimal,
                lambda o: str(o.non_residential_tariff_yuan_m2),
            ),
            Column(
                "报停基本热费比例", "base_fee_share", read_decimal, lambda o: str(o.base_fee_share)
            ),
            Column(
                "室温标准",
                "standard_indoor_temp_c",
                read_required_float,
                _attr("standard_indoor_temp_c"),
            ),
        ),
    ),
)
SHEETS_BY_KIND = {sheet.kind: sheet for sheet in SHEETS}
SHEETS_BY_TITLE = {sheet.title: sheet for sheet in SHEETS}
MANY_TO_MANY_FIELDS = {"companies"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, missing sheet headers)."""


# ---- import ----


def _column_positions(sheet: SheetSpec, header_texts: list[str]) -> dict[str, int]:
    """{field: position} for the columns the header names: the template's Chinese header or
    the design's English one (the field name, as in the demo register's communities.csv)."""
    by_header = {}
    for column in sheet.columns:
        by_header[column.header] = column
        by_header[column.field.lower()] = column
    positions = {}
    for position, text in enumerate(header_texts):
        column = by_header.get(text) or by_header.get(text.strip().lower())
        if column is not None and column.field not in positions:
            positions[column.field] = position
    return positions


def _needs_a_value(column: Column) -> bool:
    try:
        column.read(None)
    except (CellError, KeyError, TypeError, ValueError):
        return True
    return False


# The language of whoever runs the import (the import itself speaks Chinese, as its template
# does): missing columns are named in theirs, by the header set of that language.
_reader = {"language": "zh-hans"}


def column_names(columns: Iterable[Column]) -> str:
    """Columns named as the reader's language writes them: the template's Chinese headers, or
    the design's English ones."""
    if (translation.get_language() or "zh").startswith("zh"):
        return "、".join(column.header for column in columns)
    return ", ".join(column.field for column in columns)


def _import_rows(sheet: SheetSpec, header: list, rows: Iterable[tuple[int, list]], result) -> None:
    try:
        header_texts = [_text(h) for h in header]
    except CellError as error:
        result.errors.append(RowError(sheet.title, 1, "", f"表头无法读取：{error}"))
        return
    positions = _column_positions(sheet, header_texts)
    absent = [column for column in sheet.columns if column.field not in positions]
    # A file may leave out columns: what it does not carry stays as it is on the rows it
    # updates. The key (and, for a sheet found otherwise, every column it needs) must be there.
    must_have = [
        column
        for column in absent
        if column.field in sheet.key_fields or (sheet.find is not None and _needs_a_value(column))
    ]
    if must_have:
        result.errors.append(RowError(sheet.title, 1, "", _missing_message(must_have)))
        return
    needed_for_new = [column for column in absent if _needs_a_value(column)]
    for line, cells in rows:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        values, related, row_errors = {}, {}, []
        for column in sheet.columns:
            if column.field not in positions:
                continue
            position = positions[column.field]
            raw = cells[position] if position < len(cells) else None
            try:
                value = column.read(raw)
            except CellError as error:
                row_errors.append(RowError(sheet.title, line, column.header, str(error)))
                continue
            if column.field in MANY_TO_MANY_FIELDS:
                related[column.field] = value
            else:
                values[column.field] = value
        if row_errors:
            result.errors.extend(row_errors)
            continue
        _save_row(sheet, line, values, related, result, needed_for_new)


def _missing_message(columns: list[Column], *, new_row: bool = False) -> str:
    with translation.override(_reader["language"]):
        names = {"columns": column_names(columns)}
        if new_row:
            return (
                gettext("缺少列：%(columns)s（新增的行须填写这些列；已有的行只更新文件中有的列）")
                % names
            )
        return gettext("缺少列：%(columns)s（请使用导出的模板）") % names


def _foreign_keys(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def _save_row(
    sheet: SheetSpec, line: int, values: dict, related: dict, result, needed_for_new=()
) -> None:
    try:
        with transaction.atomic():
            if sheet.prepare:
                values = sheet.prepare(dict(values))
            key = {field: values[field] for field in sheet.key_fields}
            if sheet.find:
                instance = sheet.find(values)
                created = instance is None
                instance = instance or sheet.model(**key)
            else:
                try:
                    instance = sheet.model.objects.get(**key)
                    created = False
                except ObjectDoesNotExist:
                    instance = sheet.model(**key)
                    created = True
            if created and needed_for_new:
                raise CellError(_missing_message(list(needed_for_new), new_row=True))
            for field, value in values.items():
                setattr(instance, field, value)
            # Related rows were just looked up by the readers: validating them again would
            # cost one query per foreign key per row.
            instance.full_clean(exclude=_foreign_keys(sheet.model))
            instance.save()
            if sheet.model is Manager:
                _managers_imported.add(instance.pk)
            if sheet.save_related and related:
                sheet.save_related(instance, related)
    except CellError as error:
        result.errors.append(RowError(sheet.title, line, error.column, str(error)))
        return
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            header = next((c.header for c in sheet.columns if c.field == field), "")
            for message in messages:
                result.errors.append(RowError(sheet.title, line, header, message))
        return
    except IntegrityError as error:
        result.errors.append(RowError(sheet.title, line, "", f"与已有数据冲突：{error}"))
        return
    counter = result.created if created else result.updated
    counter[sheet.kind] = counter.get(sheet.kind, 0) + 1


# Limits of one import. The register of a city is a few thousand rows of at most 17 columns;
# the web form allows fewer rows than the command line (a request must finish well inside the
# worker timeout), and both stop reading a file that is far beyond any register (a 5 KB
# workbook can claim a million rows of 16,384 columns, and one did).
MAX_ROWS = 50_000
WEB_MAX_ROWS = 5_000
MAX_COLUMNS = 40
MAX_CELLS = 2_000_000
# What a web request reads before handing the file to a background job: a 5,000-row register
# is under 100,000 cells; an outsider's 199 rows × 16,384 columns (3.3 million cells) kept a
# web worker reading past its 60 s timeout, killed without a message.
WEB_MAX_CELLS = 300_000
COMMAND_LINE = "wennuan manage import_register 文件路径"
PROGRESS_EVERY = 200


class TooManyRowsForTheWeb(ImportFileError):
    """More rows than a web request may import: the form makes it a background job."""


class _Budget:
    """Counts rows and cells as they are read and stops the file when it is over a limit."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.on_the_web = max_rows < MAX_ROWS
        self.rows = 0
        self.cells = 0

    def take(self, where: str, cells: int, empty: bool) -> None:
        self.cells += cells
        if self.on_the_web and self.cells > WEB_MAX_CELLS:
            raise TooManyRowsForTheWeb(
                f"{where}：文件中的单元格超过 {WEB_MAX_CELLS:,} 个，网页上不能直接导入"
                f"；请在服务器上用命令行导入：{COMMAND_LINE}"
            )
        if self.cells > MAX_CELLS:
            raise ImportFileError(
                f"{where}：文件中的单元格超过 {MAX_CELLS:,} 个，不像是登记册（请只保留数据区域）"
            )
        if empty:
            return
        self.rows += 1
        if self.rows > self.max_rows:
            hint = f"；更大的文件请在服务器上用命令行导入：{COMMAND_LINE}"
            error = TooManyRowsForTheWeb if self.on_the_web else ImportFileError
            raise error(
                f"{where}：数据超过 {self.max_rows:,} 行"
                + (hint if self.max_rows < MAX_ROWS else "，请分批导入")
            )


def _bounded_rows(rows: Iterable, where: str, budget: _Budget) -> list[tuple[int, list]]:
    """The rows as (line, cells), cut to MAX_COLUMNS, trailing empty rows dropped."""
    kept = []
    for line, row in enumerate(rows, start=1):
        cells = list(row[:MAX_COLUMNS]) if len(row) > MAX_COLUMNS else list(row)
        empty = all(cell is None or cell == "" for cell in cells)
        budget.take(f"{where}第 {line} 行", len(row), empty)
        if not empty or kept:
            kept.append((line, cells))
    while kept and all(cell is None or cell == "" for cell in kept[-1][1]):
        kept.pop()
    return kept


def _read_workbook(data: bytes, budget: _Budget) -> list[tuple[SheetSpec, list, list]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a non-workbook file
        raise ImportFileError(
            f"无法读取 Excel 文件（{type(error).__name__}）：请上传 .xlsx 文件"
        ) from error
    sheets = []
    unknown = [name for name in workbook.sheetnames if name not in SHEETS_BY_TITLE]
    if unknown and len(unknown) == len(workbook.sheetnames):
        raise ImportFileError(
            "工作簿中没有可识别的工作表（应为：" + "、".join(s.title for s in SHEETS) + "）"
        )
    for spec in SHEETS:  # dependency order: companies before the rows that name them
        if spec.title not in workbook.sheetnames:
            continue
        worksheet = workbook[spec.title]
        # The dimension tag ("A1:C3") is written by whatever saved the file: too large, it
        # padded every row to 16,384 cells (9 GB); stale, it cut rows off without a word.
        # Read the cells that are there instead.
        worksheet.reset_dimensions()
        try:
            rows = _bounded_rows(worksheet.iter_rows(values_only=True), f"“{spec.title}”", budget)
        except ImportFileError:
            raise
        except Exception as error:  # a truncated or malformed sheet XML, a broken zip member
            raise ImportFileError(
                f"工作表“{spec.title}”已损坏，无法读取（{type(error).__name__}）："
                "请在 Excel 中打开并重新保存后再导入"
            ) from error
        if not rows:
            continue
        header = rows[0][1]
        sheets.append((spec, header, rows[1:]))
    return sheets


def _read_csv(data: bytes, kind: str | None, budget: _Budget) -> list[tuple[SheetSpec, list, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("CSV 文件编码无法识别：请保存为 UTF-8")
    reader = csv.reader(io.StringIO(text))
    try:
        rows = _bounded_rows(reader, "", budget)
    except csv.Error as error:  # a cell over csv's field limit, a broken quote
        raise ImportFileError(
            f"第 {reader.line_num} 行无法读取（{error}）：单元格最多 {MAX_CELL_CHARS} 个字符"
        ) from error
    if not rows:
        raise ImportFileError("文件是空的")
    header = [_header_text(h) for h in rows[0][1]]
    if kind:
        if kind not in SHEETS_BY_KIND:
            raise ImportFileError(f"未知的数据类型“{kind}”")
        spec = SHEETS_BY_KIND[kind]
    else:
        # the sheet whose key the header names and which it names most columns of (the
        # template's Chinese headers or the design's English ones)
        found = {s.kind: _column_positions(s, header) for s in SHEETS}
        matches = [
            s for s in SHEETS if found[s.kind] and all(k in found[s.kind] for k in s.key_fields)
        ]
        if not matches:
            raise ImportFileError("无法从表头判断数据类型：请使用导出的 CSV 模板")
        spec = max(matches, key=lambda s: (len(found[s.kind]), -len(s.columns)))
    return [(spec, header, rows[1:])]


def _header_text(value) -> str:
    try:
        return _text(value)
    except CellError as error:
        raise ImportFileError(f"表头无法读取：{error}") from error


def import_register(
    data: bytes,
    filename: str,
    kind: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a workbook (.xlsx) or a CSV file; all or nothing. ``max_rows`` counts the data
    rows of the whole file (the web form passes WEB_MAX_ROWS). ``progress(done, total)`` is
    called every PROGRESS_EVERY rows checked and once at the end (background jobs)."""
    result = ImportResult(errors=[], created={}, updated={})
    budget = _Budget(max_rows)
    _found.clear()
    _managers_imported.clear()
    _reader["language"] = translation.get_language() or "zh-hans"
    with translation.override("zh-hans"):
        lower = filename.lower()
        if lower.endswith(".xlsx"):
            sheets = _read_workbook(data, budget)
        elif lower.endswith(".csv"):
            sheets = _read_csv(data, kind, budget)
        else:
            raise ImportFileError("只支持 .xlsx 和 .csv 文件")
        total = sum(len(body) for _spec, _header, body in sheets)
        done = 0

        def counted(body):
            nonlocal done
            for row in body:
                yield row
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)

        try:
            with transaction.atomic():
                for spec, header, body in sheets:
                    _import_rows(spec, header, counted(body), result)
                if result.errors:
                    transaction.set_rollback(True)
        finally:
            _found.clear()
            _managers_imported.clear()
        if progress is not None:
            progress(total, total)
    if result.errors:
        return ImportResult(errors=result.errors, created={}, updated={})
    return result


# ---- export ----


def _export_rows(spec: SheetSpec) -> Iterable[list]:
    queryset = spec.model.objects.all()
    for instance in queryset.order_by(*spec.key_fields):
        row = []
        for column in spec.columns:
            value = column.export(instance)
            row.append("" if value is None else value)
        yield row


def export_workbook() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.title)
        sheet.append(spec.headers())
        for row in _export_rows(spec):
            sheet.append(clean_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(kind: str) -> bytes:
    spec = SHEETS_BY_KIND[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spec.headers())
    writer.writerows(_export_rows(spec))
    # utf-8 with BOM so that Excel on Chinese Windows opens it with the right encoding.
    return buffer.getvalue().encode("utf-8-sig")
