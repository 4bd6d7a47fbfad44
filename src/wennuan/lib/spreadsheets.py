"""Excel sheets of the reports (daily heating report, weekly report): a bold header row, the
rows, and readable column widths."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

BOLD = Font(bold=True)


def add_sheet(book, title, header, rows, *, first=False, column_width=None):
    """Append a sheet to ``book`` (the workbook's first, empty sheet when ``first``).

    ``column_width`` fixes every column's width; without it each column is as wide as its
    longest value plus a margin, at most 40 characters."""
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(clean_row(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(clean_row(row))
    for column in sheet.columns:
        if column_width is None:
            width = min(max(len(str(cell.value or "")) for cell in column) + 4, 40)
        else:
            width = column_width
        sheet.column_dimensions[column[0].column_letter].width = width
    return sheet


def cell_value(value):
    """A value openpyxl can write: text loses the control characters Excel's XML cannot hold.

    New input with them is refused at the edge (RejectControlCharactersMiddleware), but rows
    stored before that must not make every export of a company fail (issue 18 item 6)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def clean_row(row) -> list:
    return [cell_value(value) for value in row]
