"""Temperature, phone, home and category readers: no register needed."""

import pytest

from wennuan.understanding import classify, find_home, parse_phone, parse_temperature_c
from wennuan.understanding.reader import read_fields


@pytest.mark.parametrize(
    ("text", "expected_c"),
    [
        ("屋里只有16度", 16.0),
        ("家里才十六度", 16.0),
        ("室温16℃", 16.0),
        ("室温１６℃", 16.0),
        ("温度16摄氏度", 16.0),
        ("室温十五点五度", 15.5),
        ("测了14.8度", 14.8),
        ("室温15.5", 15.5),
        ("十五六度", 15.5),
        ("屋里十二三度", 12.5),
        ("15-16度", 15.5),
        ("在14-15℃之间", 14.5),
        ("屋里二十七八度", 27.5),
        ("屋里只有十三度半", 13.5),
        ("16°C", 16.0),
        ("卧室14度，客厅16度", 14.0),
        ("有时候16度有时候18度", 16.0),
        ("外面零下五度，屋里才十六度", 16.0),
        ("室外零下10℃，室内才13℃", 13.0),
        ("今天外面零下七八度，家里也就十六度", 16.0),
        ("屋里十八度都不到，白天外面五度", 18.0),
        ("屋里温度只有15，外面-2", 15.0),
        ("暖气片摸着也就三十度，屋里十五度", 15.0),
        ("国家规定不低于18度，我家才15度", 15.0),
        ("外面零下三度", None),
        ("暖气不热", None),
        ("态度很差", None),
        ("1101室暖气不热", None),
        ("3号楼2单元501", None),
        ("室温达到多少度算合格？", None),
    ],
)
def test_indoor_temperature_in_every_form(text, expected_c):
    assert parse_temperature_c(text) == expected_c


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13853011111", "13853011111"),
        ("手机 138 5301 1111 ", "13853011111"),
        ("138-5301-1111", "13853011111"),
        ("电话：0530-5312345", "05305312345"),
        ("0530 5312345", "05305312345"),
        ("05305312345", "05305312345"),
        ("１３８５３０１１１１１", "13853011111"),
        ("3号楼2单元501", None),
        ("交了2000多", None),
        ("1234567890", None),
    ],
)
def test_phone_as_digits(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        ("3号楼2单元501", "3", "2", "501"),
        ("3号楼2单元501室", "3", "2", "501"),
        ("5#楼", "5", None, None),
        ("9#1单元201", "9", "1", "201"),
        ("3栋", "3", None, None),
        ("13幢1单元", "13", "1", None),
        ("十二号楼", "12", None, None),
        ("九栋一单元", "9", "1", None),
        ("12号楼东单元601", "12", "东单元", "601"),
        ("10号楼西单元", "10", "西单元", None),
        ("3-2-501", "3", "2", "501"),
        ("9#2-1302室温15度", "9", "2", "1302"),
        ("4号2单元301室", "4", "2", "301"),
        ("6号楼302，暖气不热", "6", None, "302"),
        ("1101室", None, None, "1101"),
        ("2单元402室温15度", None, "2", "402"),
        ("我家在5楼", None, None, None),
        ("12月3号到现在", None, None, None),
        ("房子120平，交了2000多", None, None, None),
        ("15-16度", None, None, None),
    ],
)
def test_building_unit_room(text, building, unit, room):
    home = find_home(text)
    assert (home.building, home.unit, home.room) == (building, unit, room)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("暖气不热，屋里十六度", "not_warm"),
        ("整个单元都没有暖气，暖气片冰凉的", "no_heat"),
        ("暖气片漏水了，地板都泡了", "leak"),
        ("今年的供暖费怎么交", "billing"),
        ("请问报停的房子基本热费怎么收？", "billing"),
        ("我要报停，今年不在家住", "suspend_resume"),
        ("维修工态度恶劣，还骂人", "service"),
        ("楼下私自加装管道泵", "violation"),
        ("邻居报停了还偷偷用暖气", "violation"),
        ("今年什么时候开始供暖？", "consult"),
        ("暖气管夜里咚咚响", "other"),
        ("我们这栋楼暖气都不太热", "not_warm"),
    ],
)
def test_category(text, category):
    assert classify(text).category == category


def test_category_confidence_is_lower_when_cues_compete():
    clear = classify("暖气片漏水了，地板都泡了")
    mixed = classify("暖气不热能不能少交点钱")
    assert 0 < mixed.confidence < clear.confidence <= 1


@pytest.mark.parametrize(
    ("text", "area_code", "phone"),
    [
        ("俺电话幺三五，零五三零，六七八九。", "", "13505306789"),
        ("电话一三八嗯5301那个1234", "", "13853011234"),
        ("电话：１３８ ５３０１ １２３４", "", "13853011234"),
        ("电话 1 3 9 5 3 0 0 1 1 2 2", "", "13953001122"),
        ("号码是洞五三洞 六六九二五七幺", "", "05306692571"),
        # A local number gets the city's area code; without one it is not a phone.
        ("家里座机六二八三四七一", "0530", "05306283471"),
        ("电话 669 2571", "0531", "05316692571"),
        ("电话 669 2571", "", None),
        # A home next to a mobile does not lend it digits; dates and order numbers are not phones.
        ("翰林府 18-3-1102 158 5301 2266", "0530", "15853012266"),
        ("工单编号：12345-20231208-0317 来电时间：2023-12-08 09:14:52", "0530", None),
        ("俺家十二号楼三单元三零一，俺老两口", "0530", None),
    ],
)
def test_spoken_and_local_phones(text, area_code, phone):
    assert parse_phone(text, area_code) == phone


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        ("十二号楼三单元三零一，俺老两口", "12", "3", "301"),
        ("七号楼，一单元，二零二。", "7", "1", "202"),
        ("兴隆花园五号楼幺零一", "5", None, "101"),
        ("2单元3号楼502暖气不热", "3", "2", "502"),
        ("室内温度：15℃，小区：泉城苑一期，楼号：6，单元：2，户号：1201", "6", "2", "1201"),
    ],
)
def test_spoken_rooms_and_units_named_first(text, building, unit, room):
    home = find_home(text)
    assert (home.building, home.unit, home.room) == (building, unit, room)


@pytest.mark.parametrize(
    ("text", "temperature_c"),
    [
        ("室内温度是18度吗？", None),  # a question about the standard
        ("屋里才15度吗", 15.0),
        ("瑞丰苑，室内温度17度，离18差一度，这个算不算不达标？", 17.0),
        ("想让屋里达到20度，现在才16度", 16.0),
        ("家中暖气自11月15日开栓后一直未热", None),
    ],
)
def test_questions_targets_and_dates_are_not_readings(text, temperature_c):
    assert parse_temperature_c(text) == temperature_c


@pytest.mark.parametrize(
    ("text", "temperature_c"),
    [
        # Spoken readings without a unit after an indoor word.
        ("书房十六，阳台那屋才十四", None),  # no indoor word: not read
        ("客厅十九，卧室才十三", 13.0),
        ("温度计上十六点五，冷", 16.5),
        ("屋里一直十七八的样子", None),  # 十七八 without 度 stays unread (could be an age)
        # Ranges said with 到 or 、, with or without the unit.
        ("家里十三到十五度", 14.0),
        ("室温一直在十四到十六之间", 15.0),
        ("屋里只有13、14度", 13.5),
        ("屋里也就十来度", 10.0),
        # Words that only look like outdoor or not-room words.
        ("暖气温乎乎的，屋里十六度", 16.0),
        ("俺估摸着夜里也就十三度", 13.0),
        ("暖气太差了，屋里十五度", 15.0),
        # Not readings: a shortfall, a target, a choice in a question.
        ("屋里十七度，差一度就达标了", 17.0),
        ("想叫它到二十度", None),
        ("标准是多少度，18度还是16度？", None),
    ],
)
def test_spoken_readings_ranges_and_false_friends(text, temperature_c):
    assert parse_temperature_c(text) == temperature_c


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("暖气不热，电话 6 6 9 2 5 7 1", "05306692571"),
        ("座机：5 3 9 6 0 1 8 7", "053053960187"),
        ("3 2 501 暖气不热", None),
    ],
)
def test_a_local_number_typed_digit_by_digit(text, phone):
    assert parse_phone(text, "0530") == phone


def test_formal_numerals_in_a_home():
    home = find_home("天润城 叁号楼 贰单元 壹零贰")
    assert (home.building, home.unit) == ("3", "2")


@pytest.mark.parametrize(
    ("text", "temperature_c"),
    [
        # A decimal comma (ASCII or full-width) before a unit is a decimal point, never the
        # start of a new number: 15,5度 is 15.5 °C, not 5 °C.
        ("家里才15,5度", 15.5),
        ("室温15,5℃", 15.5),
        ("只有15，5度", 15.5),
        ("卧室温度13,8°C，太冷了", 13.8),
        ("屋里测了一下１６，５℃", 16.5),
        ("家里才16,5°", 16.5),
        ("暖气不热，屋里就14,25度", 14.25),
        # Inside a temperature phrase without a unit (after an indoor word).
        ("室温15,5", 15.5),
        ("屋里温度只有14，5，外面零下", 14.5),
        # The decimal point and the spoken forms keep their reading.
        ("室温１５．５", 15.5),
        ("十五度", 15.0),
        # Two whole numbers a step or a few apart are a range, as 15-16度 is: the midpoint.
        ("家里15，16度", 15.5),
        ("屋里18,20度", 19.0),
        # Outdoors stays outdoors; a comma between separate words stays a separator.
        ("外面零下3,5度，屋里17度", 17.0),
        ("3,5号楼都不热", None),
        ("室温15,5号楼也一样", 15.0),
        ("卧室14，客厅16度", 14.0),
    ],
)
def test_decimal_comma_is_a_decimal_point(text, temperature_c):
    assert parse_temperature_c(text) == temperature_c


def test_decimal_comma_through_the_whole_reader():
    """The operator's form is prefilled from the reader, after phone and home are masked."""
    fields = read_fields("3号楼2单元501，室温15,5℃，电话13853011111", None)
    assert fields.temperature_c == 15.5
    assert (fields.home.building, fields.home.unit, fields.home.room) == ("3", "2", "501")
    assert fields.phone.digits == "13853011111"
