"""Values Excel can hold (the console's exports and the reports' workbooks)."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def cell_value(value):
    """A value openpyxl can write: text loses the control characters Excel's XML cannot hold.

    New input with them is refused at the edge (RejectControlCharactersMiddleware), but rows
    stored before that must not make every export of a company fail (issue 18 item 6)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def clean_row(row) -> list:
    return [cell_value(value) for value in row]
