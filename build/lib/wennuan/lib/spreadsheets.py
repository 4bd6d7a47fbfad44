"""Excel sheets of the reports (daily heating report, weekly report): a bold header row, the
rows, and readable column widths."""

from openpyxl.styles import Font

BOLD = Font(bold=True)


def add_sheet(book, title, header, rows, *, first=False, column_width=None):
    """Append a sheet to ``book`` (the workbook's first, empty sheet when ``first``).

    ``column_width`` fixes every column's width; without it each column is as wide as its
    longest value plus a margin, at most 40 characters."""
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    for column in sheet.columns:
        if column_width is None:
            width = min(max(len(str(cell.value or "")) for cell in column) + 4, 40)
        else:
            width = column_width
        sheet.column_dimensions[column[0].column_letter].width = width
    return sheet
