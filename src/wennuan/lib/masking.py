"""Masking personal data before anything is published (design §4.5; issue 16 item 1).

Every public page, feed entry and public JSON shows staff-typed free text only through
``mask_text``: names become 张*, mobiles 138****1234, landlines 0530-****571, identity-card
numbers and room numbers disappear. The rules favour privacy over fidelity: a few ordinary
words next to a context word may be starred, a phone number must never survive.

Telephone numbers are found by Google's libphonenumber (``phonenumbers.PhoneNumberMatcher``),
which already copes with full-width digits, spaces, dashes and brackets (（0530）6692571,
137 0530 5678); regular expressions catch what it refuses as invalid but is still shaped like
a number (a mobile with an unassigned prefix, a local number after 电话).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

# Full-width digits (０-９) and letters used in ID numbers are read as ASCII, so the patterns
# below see them; the masked text keeps ASCII digits.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")

# Common single-character surnames (the ~150 that cover nearly all of the population) and the
# compound ones still met; a name is a surname plus one or two given characters.
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶阎闫余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵"
    "孟龙万段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕"
    "聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴"
    "席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边晁付肖"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒")
_HAN = "[\u4e00-\u9fff]"
_NAME = rf"(?P<surname>{'|'.join(_COMPOUND_SURNAMES)}|[{_SURNAMES}])(?P<given>{_HAN}{{1,2}}?)"

# 1. A name followed by a form of address: 王桂兰女士, 刘建国师傅.
_TITLES = "先生|女士|小姐|阿姨|大爷|大妈|大娘|大叔|大姐|师傅|奶奶|爷爷|老人|同志"
_NAME_BEFORE_TITLE = re.compile(rf"{_NAME}(?=(?:{_TITLES}))")
# 2. A name right before a phone number, which is masked by then: 张桂兰（137****5678）.
_MASKED_PHONE = r"(?:\d{3}\*{4}\d{4}|0\d{2,3}-\*{4}\d{3}|\*{4}\d{3})"
_NAME_BEFORE_PHONE = re.compile(
    rf"{_NAME}(?=\s*[（(:：,，]?\s*(?:联系电话|电话|手机|座机|tel)?[:：]?\s*{_MASKED_PHONE})",
    re.IGNORECASE,
)
# 3. A name after a word that introduces a person, ending where the sentence goes on.
_PERSON_WORDS = (
    "联系人|联系|告知|通知|住户|居民|业主|市民|用户|来电人|反映人|户主|租户|致电|回访|家属|"
    "老人|报修人|投诉人|当事人|姓名|"
    # Staff and neighbours named in a reply are people too (an outsider's walk published
    # "维修工刘德华和物业王小明一起入户").
    "维修工|维修人员|维修员|技术员|工作人员|网格员|管理员|楼长|物业|邻居|经理|主任|客服|同事"
)
_AFTER_NAME = (
    r"[\s，,。；;、:：（(）)！!？?]|$|\d|\*|电话|手机|联系|反映|表示|来电|称|说|家|已|并|同意|确认|"
    r"不在|在家|的|了|对|后|本人|户|和|与|及|等|一起|同"
)
# Words that follow 物业/工作人员 … and start with a surname character but are no name.
_NOT_A_NAME = r"(?!管理|公司|费|人员|中心|办公|服务|方面|部门)"
_NAME_AFTER_PERSON_WORD = re.compile(
    rf"(?P<word>{_PERSON_WORDS})[:：\s]*{_NOT_A_NAME}{_NAME}(?=(?:{_AFTER_NAME}))"
)

# 4. After a word that names a resident, a surname starts a name even where the sentence runs
#    straight on (住户刘桂英私装管道泵): privacy wins over the odd starred ordinary word.
_RESIDENT_WORDS = "住户|业主|户主|租户|居民|市民|联系人|来电人|反映人|报修人|投诉人|当事人|姓名"
_NAME_AFTER_RESIDENT_WORD = re.compile(
    rf"(?P<word>{_RESIDENT_WORDS})[:：\s]*"
    rf"(?P<surname>{'|'.join(_COMPOUND_SURNAMES)}|[{_SURNAMES}])(?!{_TITLES}){_HAN}{{1,2}}"
)

# Identity-card numbers: 18 characters (the last may be X) or the old 15 digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Phone-shaped runs libphonenumber may refuse: a mobile (optionally spaced/dashed) and an area
# code with a local number.
_MOBILE_SHAPE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_LANDLINE_SHAPE = re.compile(
    r"(?<!\d)[（(]?(?P<area>0\d{2,3})[)）]?[\s-]?(?P<local>[2-9]\d{2}[\s-]?\d{3,5})(?!\d)"
)
# A bare local number (7–8 digits) counts only after a word that announces a phone.
_LOCAL_AFTER_PHONE_WORD = re.compile(
    r"(?P<word>电话|座机|手机|联系方式|拨打|致电|tel)[:：\s]*(?P<local>\d{7,8})(?!\d)",
    re.IGNORECASE,
)

# Rooms: 9号楼1单元1101, 3-2-501, 1单元1101, 9号楼1101, 1101室 (a building alone is public).
ROOM_MASK = "***"
_ROOM = re.compile(
    r"(?:\d+\s*(?:号楼|栋|幢|#楼?|号)\s*-?\s*)?\d+\s*(?:单元|门)\s*-?\s*\d{1,4}\s*(?:室|号|户)?"
    r"|\d+\s*(?:号楼|栋|幢)\s*\d{3,4}\s*(?:室|号|户)?"
    r"|(?<![\d.])\d{1,3}\s*[-－—]\s*\d{1,2}\s*[-－—]\s*\d{2,4}(?![\d.])"
    r"|(?<![\d.])\d{3,4}\s*室"
    # 12#1-301: building, then unit-room.
    r"|\d+\s*#\s*\d{1,2}\s*[-－—]\s*\d{2,4}(?![\d.])"
)
# Messaging and mail accounts: 微信 wx_zhang1985, QQ 123456789, 邮箱 a@b.cn.
_ACCOUNT = re.compile(
    r"(?P<word>微信号?|vx|wx|QQ号?|邮箱|e-?mail)[:：\s]*[A-Za-z0-9][-_A-Za-z0-9@.]{4,}",
    re.IGNORECASE,
)


# A phone's last digits named on their own (尾号1418, 后四位 5678): with an order number they
# open the citizen's look-up, and an outsider did just that.
_PHONE_TAIL = re.compile(
    r"(?P<word>尾号|尾数|后四位|后4位|末四位|末4位)(?P<sep>[是为:：\s]*)\d{3,4}"
)


def mask_name(name: str) -> str:
    """张桂兰 → 张* (欧阳娜娜 → 欧阳*)."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[0]
    return f"{surname}*"


def mask_phone(phone: str) -> str:
    """13705305678 → 137****5678; a landline with area code → 0530-****571."""
    digits = re.sub(r"\D", "", (phone or "").translate(_FULL_WIDTH))
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 10:
        area = digits[:3] if digits[1] in "12" else digits[:4]
        return f"{area}-****{digits[-3:]}"
    if len(digits) > 4:
        return "****" + digits[-3:]
    return "****"


def _mask_number(number: phonenumbers.PhoneNumber) -> str:
    national = str(number.national_number)
    if number.country_code == 86 and not national.startswith("1"):
        area_length = phonenumbers.length_of_geographical_area_code(number) or 3
        return f"0{national[:area_length]}-****{national[area_length:][-3:]}"
    return mask_phone(national)


def _mask_phones(text: str) -> str:
    pieces, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, "CN"):
        # The matcher takes an opening bracket into the number: keep it unless it closes there.
        raw = match.raw_string
        bracket = raw[0] if raw[0] in "（(" and not any(c in raw for c in "）)") else ""
        pieces += [text[last : match.start], bracket, _mask_number(match.number)]
        last = match.end
    text = "".join(pieces) + text[last:]
    text = _MOBILE_SHAPE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())[-11:]), text)
    text = _LANDLINE_SHAPE.sub(lambda m: mask_phone(m["area"] + m["local"]), text)
    return _LOCAL_AFTER_PHONE_WORD.sub(lambda m: f"{m['word']}****{m['local'][-3:]}", text)


def _mask_names(text: str, known_names: Iterable[str]) -> str:
    for name in sorted({n.strip() for n in known_names if n and len(n.strip()) > 1}, key=len)[::-1]:
        text = text.replace(name, mask_name(name))
    text = _NAME_BEFORE_TITLE.sub(lambda m: f"{m['surname']}*", text)
    text = _NAME_BEFORE_PHONE.sub(lambda m: f"{m['surname']}*", text)
    text = _NAME_AFTER_PERSON_WORD.sub(lambda m: f"{m['word']}{m['surname']}*", text)
    return _NAME_AFTER_RESIDENT_WORD.sub(lambda m: f"{m['word']}{m['surname']}*", text)


def mask_text(text: str, known_names: Iterable[str] = ()) -> str:
    """Free text as it may be published: identity numbers and rooms removed, phones and names
    masked. ``known_names`` (e.g. the caller's name on the order) are masked wherever they
    occur, whatever surrounds them."""
    if not text:
        return ""
    text = text.translate(_FULL_WIDTH)
    text = _ID_NUMBER.sub(lambda m: "*" * len(m.group()), text)
    text = _ACCOUNT.sub(lambda m: f"{m['word']} ****", text)
    text = _PHONE_TAIL.sub(lambda m: f"{m['word']}{m['sep']}****", text)
    text = _mask_phones(text)
    text = _ROOM.sub(ROOM_MASK, text)
    return _mask_names(text, known_names)


def published_reply(order) -> str:
    """A work order's reply as the public may read it, on every channel (web, feed, Open311):
    empty until a reviewer publishes it, then as ``masked_reply``."""
    if not order.is_published:
        return ""
    return masked_reply(order)


def masked_reply(order) -> str:
    """The reply as it is (or will be) published, also the reviewer's preview: masked, the
    caller's name wherever it occurs. The caller's own mobile loses its last four digits too:
    with the order number (Open311 lists it) they are the key of the citizen's look-up, and
    an outsider joined the two."""
    if not order.reply:
        return ""
    text = mask_text(order.reply, [order.caller_name] if order.caller_name else ())
    shown = mask_phone(order.phone or "")
    if re.fullmatch(r"\d{3}\*{4}\d{4}", shown):
        text = text.replace(shown, shown[:3] + "*" * 8)
    return text
