"""Markdown rendering is safe and malformed links are reported with their line."""

import pytest

from wennuan.publicinfo.markdown import markdown_problems, render_markdown


def test_render_keeps_safe_links_and_escapes_html():
    html = render_markdown("**热线** [12319](tel:12319) <script>alert(1)</script>")
    assert "<strong>热线</strong>" in html
    assert 'href="tel:12319"' in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    "source, line, words",
    [
        ("[点这里](javascript:alert(1))", 1, "不允许的地址"),
        ("第一段\n\n[官网](https://example.cn", 3, "格式不正确"),
        ("一\n二 [图](data:text/html;base64,xx)", 2, "不允许的地址"),
        ("[下载](ftp://example.cn/a)", 1, "ftp://"),
    ],
)
def test_malformed_links_are_reported(source, line, words):
    problems = markdown_problems(source)
    assert len(problems) == 1
    assert f"第 {line} 行" in problems[0]
    assert words in problems[0]
    assert "javascript:" not in render_markdown(source).split("[")[0]


def test_good_markdown_has_no_problems():
    assert markdown_problems("- 一\n- 二 [官网](https://example.cn) [表](/info/fees/)") == []
    assert markdown_problems("`[x](javascript:y)` 代码里不算链接") == []
