"""Toneless pinyin of each common Chinese character, from a table shipped with the reader.

The reader needs one syllable per character (homophones of community names, pinyin initials).
pypinyin gives it, but importing pypinyin loads its phrase dictionary (~0.3 s of a start-up
whose target is 2 s). `pinyin_table.txt` holds pypinyin's own answer for every character of
the CJK Unified Ideographs block (U+4E00–U+9FFF), one syllable a line in code-point order,
made by `build_table()`; a character outside the block is asked of pypinyin itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("pinyin_table.txt")
FIRST, LAST = 0x4E00, 0x9FFF


def table_syllables() -> list[str]:
    """pypinyin's toneless reading of each character of the block (build time)."""
    from pypinyin import Style, lazy_pinyin

    chars = [chr(code) for code in range(FIRST, LAST + 1)]
    return lazy_pinyin(chars, style=Style.NORMAL, errors="default")


def build_table(path: Path = TABLE_PATH) -> None:
    path.write_text("\n".join(table_syllables()) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_table() -> tuple[str, ...]:
    return tuple(TABLE_PATH.read_text(encoding="utf-8").split("\n")[: LAST - FIRST + 1])


def syllable(char: str) -> str:
    """The toneless pinyin of one character (the character itself when it has none)."""
    code = ord(char) if len(char) == 1 else -1
    if FIRST <= code <= LAST:
        return shipped_table()[code - FIRST]
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, errors="default")[0]
