"""Community matching against the demo register (communities.csv plus generated ones)."""

import pytest

from wennuan.understanding import RegisterEntry, match_community, read_complaint, register_index


@pytest.mark.parametrize(
    ("text", "community"),
    [
        # Near-identical names are never confused when written correctly.
        ("金盾小区3号楼暖气不热", "金盾小区"),
        ("金鼎小区3号楼暖气不热", "金鼎小区"),
        ("翰林府5号楼暖气不热", "翰林府"),
        ("翰林苑5号楼暖气不热", "翰林苑"),
        ("丹阳新村5号楼暖气不热", "丹阳新村"),
        ("丹阳小区5号楼暖气不热", "丹阳小区"),
        ("牡丹花园5号楼暖气不热", "牡丹花园"),
        ("牡丹苑5号楼暖气不热", "牡丹苑"),
        ("曹州府3号楼", "曹州府"),
        ("曹州花园3号楼", "曹州花园"),
        # Aliases, suffixes, phases.
        ("亨通花园2号楼", "亨通园"),
        ("剑桥小区2号楼", "剑桥学府"),
        ("华英2号楼", "华英小区"),
        ("天鹅湖3号楼", "天鹅湖小区"),
        ("凤凰城小区", "凤凰城"),
        ("将军苑3区6-2-301", "将军苑三期"),
        ("将军苑1期", "将军苑一期"),
        ("锦绣华城2区", "锦绣华城二期"),
        ("锦绣华城二期小区", "锦绣华城二期"),
        ("公园1号3号楼", "公园一号"),
        # Homophones and typos of transcription.
        ("金顿小区", "金盾小区"),
        ("金丁小区", "金鼎小区"),
        ("汉林府", "翰林府"),
        ("翰林院小区", "翰林苑"),
        ("书香园", "书香苑"),
        ("世纪家园", "世纪佳苑"),
        ("桂林小区", "桂陵小区"),
        # WeChat shorthand: pinyin initials, with the phase.
        ("jxhc二期 17#1单元", "锦绣华城二期"),
        ("qhy 3#1单元 阀门漏水", "清华园"),
        ("融创三期 3号楼 报开", "融创花园三期"),
        # A district or road decides between look-alikes.
        ("牡丹区翰林小区6号楼", "翰林苑"),
        ("高新区翰林小区6号楼", "翰林府"),
    ],
)
def test_community_forms(demo_index, text, community):
    assert match_community(demo_index, text).name == community


@pytest.mark.parametrize(
    "text",
    [
        "暖气不热，家里十五度",
        "家里暖气烧得不行",  # 家里 sounds like a generated 嘉利…; two characters are not enough
        "牡丹区",  # a district, not 牡丹苑
        "丹阳路2171号",  # a road, not 丹阳小区
        "将军苑3号楼",  # three phases, none named
    ],
)
def test_no_credible_community(demo_index, text):
    assert match_community(demo_index, text).name is None


def test_match_reports_score_and_runner_up(demo_index):
    match = match_community(demo_index, "金顿小区7号楼")
    assert match.name == "金盾小区"
    assert 0.6 < match.score < 1.0
    assert match.runner_up == "金鼎小区"
    assert match.runner_up_score < match.score
    exact = match_community(demo_index, "金盾小区7号楼")
    assert exact.score == 1.0


def test_community_name_digits_are_not_a_building(demo_index):
    reading = read_complaint("公园一号3号楼2单元802暖气不热，屋里17度", demo_index)
    assert (reading.community, reading.building, reading.unit, reading.room) == (
        "公园一号",
        "3",
        "2",
        "802",
    )
    assert reading.temperature_c == 17.0


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        # Only a generic word shared, or another estate word after the same stem: another estate.
        ("龙门新城3号楼暖气不热", None),
        ("凤凰新城的 暖气不热 十六度", "凤凰城"),
        ("万福新村 暖气片漏水 12号楼2单元", "万福苑"),
        ("阳光新村5号楼", "阳光新城"),
        # A short register name glued after other characters is part of a longer name.
        ("翠柏雅苑5号楼暖气不热", "雅苑"),
        # One character wrong in the distinctive part.
        ("阳明新城3号楼", "阳光新城"),
        # A short stem running on into another word (太阳能 is not 太阳城).
        ("有人把暖气回水管接到自己家的太阳能上了", "太阳城"),
    ],
)
def test_look_alikes_are_questions_not_matches(demo_index, text, suggestion):
    match = match_community(demo_index, text)
    assert match.name is None
    assert match.suggestion == suggestion


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("隔壁凤凰城都热了，我们翰林苑还是冷的", "翰林苑"),
        ("我妈家在牡丹花园，我家是金盾小区，暖气不热", "金盾小区"),
        ("去年从凤凰城搬到了翰林府，暖气不热", "翰林府"),
        ("天成雅苑和天成家园是一个热力公司吗？我家在天成家园", "天成家园"),
        ("老爹住牡丹苑，不是牡丹花园啊，是牡丹苑，四号楼", "牡丹苑"),
    ],
)
def test_the_callers_own_community_when_several_are_named(demo_index, text, community):
    assert match_community(demo_index, text).name == community


def test_own_home_unregistered_beside_a_named_one_is_not_filled(demo_index):
    match = match_community(demo_index, "我爸家在牡丹花园 挺热的 我自己家在牡丹新城就不行 才16度")
    assert match.name is None
    assert match.suggestion is not None


# An invented register, so that the rule is tested as a class and not on the demo's names.
INVENTED_REGISTER = [
    RegisterEntry("云杉小区", aliases=("云杉",)),
    RegisterEntry("枫林雅苑", aliases=("枫林",)),
    RegisterEntry("阳光花园"),
    RegisterEntry("丽景新城"),
    RegisterEntry("石榴苑"),
]


@pytest.fixture(scope="module")
def invented_index():
    return register_index(INVENTED_REGISTER)


@pytest.mark.parametrize(
    "text",
    [
        "云杉书店门口的路灯坏了一个月",
        "云杉路上天天堵车",
        "枫林桥下面堆满了垃圾",
        "枫林英语培训班交的钱不给退",
        "我孩子在枫林小学上学，教室里冷得很",
        "枫林医院门口乱停车没人管",
        "云杉超市卖过期食品",
        "青云杉广场的喷泉不出水",
        "新枫林大厦的电梯坏了",
    ],
)
def test_an_alias_inside_another_places_name_is_no_community(invented_index, text):
    match = match_community(invented_index, text)
    assert match.name is None, (text, match)


@pytest.mark.parametrize(
    "text",
    [
        "我家花园里的暖气管子漏了",
        "新城那边的暖气都不热",
        "小区暖气一直不热，苑里的老人都冻感冒了",
    ],
)
def test_generic_estate_words_never_match_on_their_own(invented_index, text):
    assert match_community(invented_index, text).name is None, text


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("云杉3号楼暖气不热", "云杉小区"),
        ("家住枫林，暖气不热", "枫林雅苑"),
        ("枫林的暖气一直不热", "枫林雅苑"),
        ("云杉小区门口超市旁边的管子漏水", "云杉小区"),
        ("石榴苑物业说暖气归热力公司管", "石榴苑"),
        ("阳光花园2号楼屋里十五度", "阳光花园"),
    ],
)
def test_an_alias_as_a_whole_word_still_matches(invented_index, text, community):
    assert match_community(invented_index, text).name == community, text
