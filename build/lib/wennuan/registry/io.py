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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from wennuan.lib.phones import is_valid_phone, normalize_phone

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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
        return float(text.replace(",", ""))
    except ValueError:
        raise CellError(f"“{text}”不是数字") from None


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


def read_company(value) -> HeatingCompany:
    text = read_required_text(value)
    company = (
        HeatingCompany.objects.filter(legal_name=text).first()
        or HeatingCompany.objects.filter(short_name=text).first()
        or HeatingCompany.objects.filter(code=text).first()
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
    source = (
        HeatSource.objects.filter(code=text).first() or HeatSource.objects.filter(name=text).first()
    )
    if source is None:
        raise CellError(f"找不到热源“{text}”")
    return source


def read_substation(value) -> Substation | None:
    text = _text(value)
    if not text:
        return None
    substation = Substation.objects.filter(code=text).first()
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

    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def _attr(name):
    return lambda obj: getattr(obj, name)


def _join(values: Iterable[str]) -> str:
    return "|".join(values)


def _manager_for(values):
    name, phone = values.pop("manager_name", ""), values.pop("manager_phone", "")
    if name or phone:
        if not (name and phone):
            raise CellError("管理员姓名和电话须同时填写", "管理员电话" if name else "管理员姓名")
        if not is_valid_phone(phone):
            raise CellError(
                f"“{phone}”不是有效的电话号码（手机号11位，座机需带区号）", "管理员电话"
            )
        manager, _created = Manager.objects.get_or_create(
            name=name, phone=phone, defaults={"company": values["company"]}
        )
        values["manager"] = manager
    else:
        values["manager"] = None
    return values


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
            Column("纬度", "latitude", read_required_float, _attr("latitude")),
            Column("经度", "longitude", read_required_float, _attr("longitude")),
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
            Column("供热能力MW", "capacity_mw", read_required_float, _attr("capacity_mw")),
            Column(
                "供给公司",
                "companies",
                read_companies,
                lambda o: _join(c.legal_name for c in o.companies.order_by("code")),
            ),
            Column("纬度", "latitude", read_required_float, _attr("latitude")),
            Column("经度", "longitude", read_required_float, _attr("longitude")),
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
            Column("纬度", "latitude", read_required_float, _attr("latitude")),
            Column("经度", "longitude", read_required_float, _attr("longitude")),
            Column("设计热负荷kW", "design_load_kw", read_required_float, _attr("design_load_kw")),
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
            Column("纬度", "latitude", read_float, _attr("latitude")),
            Column("经度", "longitude", read_float, _attr("longitude")),
            Column("建成年份", "built_year", read_int, _attr("built_year")),
            Column("供热面积m2", "heated_area_m2", read_required_float, _attr("heated_area_m2")),
            Column("户数", "households", read_required_int, _attr("households")),
            Column("楼栋数", "buildings", read_required_int, _attr("buildings")),
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


def _import_rows(sheet: SheetSpec, header: list, rows: Iterable[tuple[int, list]], result) -> None:
    header_texts = [_text(h) for h in header]
    missing = [h for h in sheet.headers() if h not in header_texts]
    if missing:
        result.errors.append(
            RowError(sheet.title, 1, "", "缺少列：" + "、".join(missing) + "（请使用导出的模板）")
        )
        return
    positions = {h: header_texts.index(h) for h in sheet.headers()}
    for line, cells in rows:
        if all(_text(cell) == "" for cell in cells):
            continue
        values, related, row_errors = {}, {}, []
        for column in sheet.columns:
            position = positions[column.header]
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
        _save_row(sheet, line, values, related, result)


def _save_row(sheet: SheetSpec, line: int, values: dict, related: dict, result) -> None:
    try:
        with transaction.atomic():
            if sheet.prepare:
                values = sheet.prepare(dict(values))
            key = {field: values[field] for field in sheet.key_fields}
            try:
                instance = sheet.model.objects.get(**key)
                created = False
            except ObjectDoesNotExist:
                instance = sheet.model(**key)
                created = True
            for field, value in values.items():
                setattr(instance, field, value)
            instance.full_clean()
            instance.save()
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


def _read_workbook(data: bytes) -> list[tuple[SheetSpec, list, list]]:
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
        rows = list(workbook[spec.title].iter_rows(values_only=True))
        if not rows:
            continue
        header, body = list(rows[0]), [(i + 2, list(r)) for i, r in enumerate(rows[1:])]
        sheets.append((spec, header, body))
    return sheets


def _read_csv(data: bytes, kind: str | None) -> list[tuple[SheetSpec, list, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("CSV 文件编码无法识别：请保存为 UTF-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ImportFileError("文件是空的")
    header = [h.strip() for h in rows[0]]
    if kind:
        if kind not in SHEETS_BY_KIND:
            raise ImportFileError(f"未知的数据类型“{kind}”")
        spec = SHEETS_BY_KIND[kind]
    else:
        matches = [s for s in SHEETS if set(s.headers()) <= set(header)]
        if not matches:
            raise ImportFileError("无法从表头判断数据类型：请使用导出的 CSV 模板")
        spec = max(matches, key=lambda s: len(s.headers()))
    return [(spec, header, [(i + 2, row) for i, row in enumerate(rows[1:])])]


def import_register(data: bytes, filename: str, kind: str | None = None) -> ImportResult:
    """Import a workbook (.xlsx) or a CSV file; all or nothing."""
    result = ImportResult(errors=[], created={}, updated={})
    with translation.override("zh-hans"):
        lower = filename.lower()
        if lower.endswith(".xlsx"):
            sheets = _read_workbook(data)
        elif lower.endswith(".csv"):
            sheets = _read_csv(data, kind)
        else:
            raise ImportFileError("只支持 .xlsx 和 .csv 文件")
        with transaction.atomic():
            for spec, header, body in sheets:
                _import_rows(spec, header, body, result)
            if result.errors:
                transaction.set_rollback(True)
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
            sheet.append(row)
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
