"""The shipped pinyin table is pypinyin's own reading of every character it holds."""

from wennuan.understanding.pinyin import FIRST, LAST, shipped_table, syllable, table_syllables


def test_the_shipped_table_equals_pypinyin():
    assert list(shipped_table()) == table_syllables()
    assert len(shipped_table()) == LAST - FIRST + 1


def test_syllables_inside_and_outside_the_table():
    assert syllable("翰") == "han"
    assert syllable("林") == "lin"
    assert syllable("㐀") != ""  # CJK extension A: asked of pypinyin
    assert syllable("A") == "A"
