"""wennuan.lib.systemtext: text stored now, read later in the reader's language."""

import pytest
from django.utils import translation

from wennuan.lib.systemtext import SystemText, render, stored, system_text

LIFT = "设计工况水力计算未收敛，循环泵扬程按 %(lift).1f bar 计"
NAMED = "%(name)s（%(temp).1f °C）"
OVERHEAT = "%(n)d 个小区预测室温超过 %(limit).0f °C（过热，浪费热量）：%(names)s"


def english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def test_what_is_stored_is_the_source_and_its_parameters():
    text = system_text(LIFT) % {"lift": 9.25}
    assert stored(text) == {"msgid": LIFT, "params": {"lift": 9.25}}
    assert stored(system_text("系统")) == "系统"
    assert stored("typed by staff") == "typed by staff"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_reads_in_the_active_language_whatever_language_wrote_it(language):
    with translation.override(language):
        text = stored(system_text(LIFT) % {"lift": 9.25})
    with translation.override("en"):
        assert render(text) == english(LIFT) % {"lift": 9.25} != LIFT % {"lift": 9.25}
    with translation.override("zh-hans"):
        assert render(text) == "设计工况水力计算未收敛，循环泵扬程按 9.2 bar 计"


def test_a_list_parameter_and_nested_messages_read_in_the_language():
    names = [system_text(NAMED) % {"name": "剑桥学府", "temp": 24.56}, "金盾小区", "…"]
    text = stored(system_text(OVERHEAT) % {"n": 3, "limit": 24, "names": names})
    with translation.override("zh-hans"):
        assert render(text).endswith("：剑桥学府（24.6 °C）、金盾小区…")
    with translation.override("en"):
        assert render(text).endswith("剑桥学府 (24.6 °C), 金盾小区…")
        assert "（" not in render(text) and "、" not in render(text)


def test_rows_written_translated_by_an_older_version_still_read_in_english():
    old = "设计工况水力计算未收敛，循环泵扬程按 7.6 bar 计"
    with translation.override("en"):
        assert render(old) == english(LIFT) % {"lift": 7.6}
        assert render("系统") == english("系统")
        assert render("市民反复来电；" + "沿用已批准的 v2 的 1 项调整").startswith("市民反复来电; ")
        assert render("staff typed this") == "staff typed this"
        assert render("张师傅说明天再来") == "张师傅说明天再来"
    with translation.override("zh-hans"):
        assert render(old) == old


def test_a_system_text_still_behaves_like_its_words():
    text = system_text(LIFT) % {"lift": 9.25}
    with translation.override("zh-hans"):
        assert "扬程" in text and str(text) == text
    assert isinstance(text, SystemText)
