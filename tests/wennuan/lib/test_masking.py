"""mask_text: what staff type may be published only without names, phones, IDs and rooms."""

import re

import pytest

from wennuan.lib.masking import mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("typed", "shown", "gone"),
    [
        (
            "已电话联系张桂兰（13705305678），告知9号楼1单元1101室暖气已修复",
            "已电话联系张*（137****5678），告知***暖气已修复",
            ["桂兰", "13705305678", "0530567", "1101"],
        ),
        ("座机0530-6692571请回电", "座机0530-****571请回电", ["6692571", "669"]),
        ("（0530）6692571", "0530-****571", ["6692571"]),
        ("05306692571", "0530-****571", ["6692571"]),
        ("电话6692571", "电话****571", ["6692571"]),
        ("手机１３７０５３０５６７８", "手机137****5678", ["0530"]),
        ("电话 137 0530 5678", "电话 137****5678", ["0530"]),
        ("1 3 7 0 5 3 0 5 6 7 8", "137****5678", ["0 5 3 0"]),
        ("+86 137-0530-5678", None, ["0530"]),
        ("身份证372901198805051234", "身份证******************", ["1988", "3729"]),
        ("身份证号37290119880505123X已登记", None, ["1988", "123X"]),
        ("王建国师傅已到场", "王*师傅已到场", ["建国"]),
        ("住户刘芳反映室温低", "住户刘*反映室温低", ["刘芳"]),
        ("业主李明已同意", "业主李*已同意", ["李明"]),
        ("欧阳娜娜女士", "欧阳*女士", ["娜娜"]),
        ("3-2-501住户", "***住户", ["501"]),
        ("3-2-502住户刘桂英私装管道泵", "***住户刘*私装管道泵", ["桂英", "502"]),
        ("6号楼1单元1101室", "***", ["1101"]),
        ("12号楼1102", "***", ["1102"]),
        ("2单元502", "***", ["502"]),
        # A phone's tail named on its own is the look-up's key (the outsider's re-check).
        ("已联系尾号1418的住户", "已联系尾号****的住户", ["1418"]),
        ("手机后四位是６６３８", "手机后四位是****", ["6638"]),
    ],
)
def test_personal_data_is_masked(typed, shown, gone):
    masked = mask_text(typed)
    if shown is not None:
        assert masked == shown
    for piece in gone:
        assert piece not in masked
    # No phone or ID survives: never more than four digits in a row.
    assert not re.search(r"\d{5,}", masked.replace(" ", ""))


@pytest.mark.parametrize(
    "kept",
    [
        "经入户测温，室温达到18°C标准，已向住户说明。",
        "本供热季自11月15日起至次年3月15日止，日期2026-12-03。",
        "告知居民热价标准及缴费渠道（营业厅、微信公众号、银行代收）。",
        "已联系来电人并办理完毕。",
        "请拨打12345或12319热线；共入户120户，温度18.5°C。",
        "3号楼顶层室温偏低，联系高度关注。",
    ],
)
def test_ordinary_text_stays(kept):
    assert mask_text(kept) == kept


def test_a_known_name_is_masked_wherever_it_occurs():
    assert (
        mask_text("桂兰家暖气不热，张桂兰说明天在家", ["张桂兰"]) == "桂兰家暖气不热，张*说明天在家"
    )
    assert mask_text("", ["张桂兰"]) == ""


def test_name_and_phone_masks():
    assert mask_name("王小明") == "王*" and mask_name("") == ""
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("05306692571") == "0530-****571"
    assert mask_phone("01062345678") == "010-****678"
    assert mask_phone("") == "****"


def test_staff_and_neighbours_accounts_and_building_hash_rooms_are_masked():
    """Found by an outsider's walk: a reply naming the technician and the property manager,
    a room written 12#1-301 and a WeChat account were published as typed."""
    text = (
        "维修工刘德华和物业王小明一起入户，住5-2-501的住户及楼上3栋602室、12#1-301都已排查，"
        "联系微信 wx_zhang1985，QQ 123456789，手机13812345678"
    )
    masked = mask_text(text)
    for secret in (
        "德华",
        "小明",
        "5-2-501",
        "602",
        "12#1-301",
        "wx_zhang1985",
        "123456789",
        "13812345678",
    ):
        assert secret not in masked, (secret, masked)
    assert "刘*" in masked and "王*" in masked and "138****5678" in masked
    # Ordinary words after 物业 stay readable.
    assert mask_text("物业管理处已通知，物业公司已到场") == "物业管理处已通知，物业公司已到场"
