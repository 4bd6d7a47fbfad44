"""Text keys for searching Chinese names by characters, full pinyin and pinyin initials.

A citizen may type 剑桥, jianqiao or jqxf for 剑桥学府; one lower-case key per community
holds all of these so the database can answer with a single indexed ``icontains``.
"""

import re

_SPACES = re.compile(r"\s+")


def pinyin_full(text: str) -> str:
    # Imported here: pypinyin's phrase dictionary costs ~0.3 s, and most processes (the
    # reader's command, the worker) never compute a search key.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(
        syllable[0] for syllable in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    ).lower()


def search_key_for(name: str, aliases, district: str = "", address: str = "") -> str:
    """One lower-case string holding names, aliases, their pinyin and initials, district and
    address, separated by '|' so that a query never matches across two fields."""
    names = [name, *aliases]
    parts = []
    for text in names:
        parts += [text, pinyin_full(text), pinyin_initials(text)]
    parts += [district or "", address or ""]
    return "|" + "|".join(part.lower() for part in parts if part) + "|"


def normalize_query(raw: str) -> str:
    """A search query as typed: trimmed, lower-case, inner spaces removed."""
    return _SPACES.sub("", raw or "").lower()
