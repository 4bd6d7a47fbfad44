"""Finding the community a complaint speaks of, against the register.

The register's names and aliases are expanded once into surface forms (keys): phase forms
(一期 / 1期 / 一区 / 1区), the name with and without 小区, and the stem with a neighbouring
suffix (花园 ↔ 园 ↔ 苑 ↔ 小区 …). The text is then scanned for keys:

1. exactly (a dictionary lookup per position and key length);
2. only where nothing was found exactly: by toneless pinyin with the usual confusions of
   transcription folded (in/ing, en/eng, zh/z …), which catches homophones (汉林府 → 翰林府);
   then one wrong character in a key of four or more (阳光新村 → 阳光新城), one character
   missing, all at lower scores.

A key shared by several communities (翰林小区 for 翰林府 and 翰林苑) is ambiguous: its score
drops, and a district or road named in the text (牡丹区, 华英路) decides between them.
Near-identical real names (金盾小区 / 金鼎小区) never collide, because an exact key always
beats a fuzzy one and the fuzzy steps run only when no key matched exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from wennuan.understanding.numerals import DIGIT_VALUES
from wennuan.understanding.pinyin import syllable

# Score of a surface form, before the quality of the match is applied.
NAME_WEIGHT = 1.0
SUFFIX_VARIANT_WEIGHT = 0.97  # 金盾 ↔ 金盾小区, 锦绣华城1期 ↔ 锦绣华城一期
NEIGHBOUR_SUFFIX_WEIGHT = 0.88  # 银河小区 for 银河花园
# 龙湖花园 for 龙湖嘉园, 万福新村 for 万福苑: the same stem with another estate word names
# another estate as often as this one — a look-alike, offered as a question, never a match.
LOOK_ALIKE_WEIGHT = 0.86
INITIALS_WEIGHT = 0.9  # jxhc for 锦绣华城: typed on a phone, unambiguous when unique
BARE_STEM_WEIGHT = 0.8  # 天鹅湖 for 天鹅湖小区

# Quality of the match between text and key.
EXACT = 1.0
SAME_PINYIN = 0.93
SIMILAR_PINYIN = 0.88
ONE_CHARACTER_WRONG = 0.78
ONE_CHARACTER_MISSING = 0.74

AMBIGUITY_FACTOR = 0.75
HINT_BONUS = 0.08
# An ambiguous bare stem (将军苑 without its phase: 0.8 × 0.75) stays below this.
MIN_CREDIBLE_SCORE = 0.62

SUFFIXES = ("小区", "花园", "家园", "新村", "新城", "园", "苑", "府", "城")
NEIGHBOUR_SUFFIXES = {
    "小区": ("花园", "园", "苑"),
    "花园": ("小区", "园", "苑"),
    "家园": ("小区", "花园"),
    "新村": ("小区",),
    "新城": ("小区",),
    "园": ("苑", "花园", "小区"),
    "苑": ("园", "花园", "小区"),
    "府": ("小区",),
    "城": ("小区",),
}
# Words that name a kind of estate, not a particular one: a name that shares only these with
# the text is a look-alike (龙门新城 is not 新城花园), never a match.
GENERIC_WORDS = frozenset(
    {
        "小区",
        "花园",
        "家园",
        "新村",
        "新城",
        "园",
        "苑",
        "府",
        "城",
        "湾",
        "华庭",
        "国际",
        "公馆",
        "名居",
        "雅苑",
        "名都",
        "嘉园",
        "佳苑",
        "学府",
        "家属院",
        "家属楼",
        "宿舍",
        "公寓",
        "广场",
        "花城",
        "名苑",
        "华府",
        "天地",
        "大院",
        "社区",
        "名邸",
        "雅居",
        "官邸",
        "名府",
        "豪庭",
        "花苑",
        "庄园",
        "山庄",
        "大厦",
        "公园",
        "首府",
        "名门",
        "雅园",
    }
)
GENERIC_SUFFIXES = tuple(sorted(GENERIC_WORDS, key=len, reverse=True))
# Characters after which a name starts a new word (家住|在|是 …); any other Chinese character
# before a short name makes it part of a longer, unknown name (翠柏雅苑 is not 雅苑).
WORD_BOUNDARY_BEFORE = set(
    "在住是家的了到从和跟与及、,，:：;；。.!！?？ 区路街号市县镇乡村俺我咱们那这个叫称于自去搬回位其户址"
    "报举诉映问请说找给对向经近边旁呢啊吧嘛哈喂您你下\n\t"
)
# The city or town named just before a name (菏泽御景湾, 城里翠竹雅苑) ends a word too.
PLACE_BEFORE = ("菏泽", "城里", "市里", "县里", "城区", "市区", "县城", "镇上")
# The caller's own home vs. another place named beside it (我家在B, 隔壁A, 我妈家在A, 从A搬到B).
OWN_HOME_CUES = re.compile(
    r"我家|俺家|咱家|我住|俺住|家住|住在|住的|我们|俺们|咱们|本人|该户|来电人|搬到|搬进|现住|自家|自己家|家在|家是|自己住|我自己"
)
OTHER_PLACE_CUES = re.compile(
    r"隔壁|对面|旁边|附近|我妈|俺妈|我爸|俺爸|父母|母亲|父亲|爸妈|奶奶|姥姥|爷爷|姥爷|外婆|对象|姐|哥|弟|妹|爹娘|婆婆|公公|岳母|丈母娘|老人家|亲戚|朋友|同事|闺女家|儿子家|女儿家|人家|别的|别人|以前|原来|之前|从前|老家|不是|娘家|婆家|丈人|岳父|^从"
)
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
PHASE_PATTERN = re.compile(r"^(.+?)([一二三四五六七八九十\d])(期|区)$")
CHINESE_BY_DIGIT = {
    str(value): char
    for char, value in DIGIT_VALUES.items()
    if char not in "两〇洞幺壹贰叁肆伍陆柒捌玖"
}
NUMBERED_NAME = re.compile(r"([一二三四五六七八九])号")
ROAD_PATTERN = re.compile(r"^(.+?(?:路|街|大道))")
# A key directly followed by one of these names a road or district, not the community
# (华英路, 定陶区, 长江东路).
NOT_A_COMMUNITY_AFTER = re.compile(
    r"^(?:[东西南北中]?路(?![边上旁灯面])|街(?![边口上道])|大道|区|县)"
)
# Pinyin confusions in speech-to-text and in Heze Mandarin, folded to one form.
PINYIN_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an"))


@dataclass(frozen=True)
class RegisterEntry:
    """One community of the register as the reader needs it."""

    name: str
    aliases: tuple[str, ...] = ()
    district: str = ""
    address: str = ""


@dataclass(frozen=True)
class CommunityMatch:
    name: str | None
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0
    span: tuple[int, int] | None = None
    # A register community the text resembles without naming it (是否指…?).
    suggestion: str | None = None


NO_MATCH = CommunityMatch(None, 0.0)


@dataclass
class KeyTarget:
    name: str
    weight: float


@dataclass
class CommunityIndex:
    """The register expanded into surface forms; build once, reuse for every text."""

    entries: dict[str, RegisterEntry]
    exact: dict[str, list[KeyTarget]]
    by_pinyin: dict[tuple[str, ...], list[tuple[str, KeyTarget]]]
    by_wildcard: dict[str, list[tuple[str, KeyTarget]]]
    by_deletion: dict[str, list[tuple[str, KeyTarget]]]
    key_lengths: tuple[int, ...]
    hints: dict[str, set[str]]  # district or road → community names
    # First character of a key → the lengths of the keys starting with it, longest first.
    lengths_by_first_char: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # (first character or syllable, length) and (last character, length) of the fuzzy keys.
    fuzzy_heads: set[tuple[str, int]] = field(default_factory=set)
    fuzzy_tails: set[tuple[str, int]] = field(default_factory=set)
    pinyin_of_char: dict[str, str] = field(default_factory=dict)

    def char_pinyin(self, char: str) -> str:
        cached = self.pinyin_of_char.get(char)
        if cached is None:
            cached = fold_pinyin(lazy_pinyin_of(char))
            self.pinyin_of_char[char] = cached
        return cached


def lazy_pinyin_of(char: str) -> str:
    return syllable(char)


def fold_pinyin(syllable: str) -> str:
    for long_form, short_form in PINYIN_FOLDS:
        syllable = syllable.replace(long_form, short_form)
    return syllable.replace("l", "n") if syllable.startswith("l") else syllable


def phase_forms(surface: str) -> list[str]:
    """锦绣华城一期 → 锦绣华城1期, 锦绣华城一区, 锦绣华城1区, 锦绣华城二期小区 …"""
    match = PHASE_PATTERN.match(surface)
    if not match:
        return []
    stem, number, _kind = match.groups()
    digit = str(DIGIT_VALUES[number]) if number in DIGIT_VALUES else number
    chinese = CHINESE_BY_DIGIT.get(digit, number)
    return [stem + n + kind for n in (digit, chinese) for kind in ("期", "区")]


def split_suffix(surface: str) -> tuple[str, str] | None:
    for suffix in SUFFIXES:
        if surface.endswith(suffix) and len(surface) - len(suffix) >= 2:
            return surface[: -len(suffix)], suffix
    return None


def distinctive_length(surface: str) -> int:
    """Characters of the name's own part: 阳光新城一期小区 → 2 (阳光)."""
    if surface.endswith("小区") and len(surface) > 2:
        surface = surface[:-2]
    match = PHASE_PATTERN.match(surface)
    if match:
        surface = match.group(1)
    for suffix in GENERIC_SUFFIXES:
        if surface.endswith(suffix) and len(surface) > len(suffix):
            return len(surface) - len(suffix)
    return len(surface)


def surface_forms(entry: RegisterEntry) -> dict[str, float]:
    forms: dict[str, float] = {}

    def add(surface: str, weight: float) -> None:
        surface = surface.strip()
        if len(surface) >= 2 and forms.get(surface, 0.0) < weight:
            forms[surface] = weight

    bases = [entry.name, *entry.aliases]
    for base in bases:
        add(base, NAME_WEIGHT)
        # 公园一号 is also written 公园1号.
        add(
            NUMBERED_NAME.sub(lambda m: str(DIGIT_VALUES[m.group(1)]) + "号", base),
            SUFFIX_VARIANT_WEIGHT,
        )
    for base in list(bases):
        for phase_form in phase_forms(base):
            add(phase_form, SUFFIX_VARIANT_WEIGHT)
            add(phase_form + "小区", SUFFIX_VARIANT_WEIGHT)
            # 融创三期 for 融创花园三期: the estate word dropped, the phase kept.
            phase = PHASE_PATTERN.match(phase_form)
            split = split_suffix(phase.group(1)) if phase else None
            if split and split[0] not in GENERIC_WORDS:
                add(split[0] + phase.group(2) + phase.group(3), NEIGHBOUR_SUFFIX_WEIGHT)
    for base in list(forms):
        if not base.endswith("小区"):
            add(base + "小区", SUFFIX_VARIANT_WEIGHT)
        split = split_suffix(base)
        if split is None or PHASE_PATTERN.match(base):
            continue
        stem, suffix = split
        if stem.endswith(("路", "街")):
            continue
        if stem not in GENERIC_WORDS:
            add(stem, SUFFIX_VARIANT_WEIGHT if suffix == "小区" else BARE_STEM_WEIGHT)
        for neighbour in NEIGHBOUR_SUFFIXES.get(suffix, ()):
            add(
                stem + neighbour,
                NEIGHBOUR_SUFFIX_WEIGHT if neighbour == "小区" else LOOK_ALIKE_WEIGHT,
            )
    # Without its phase the name is shared by all phases; kept, the ambiguity shows.
    for base in bases:
        match = PHASE_PATTERN.match(base)
        if match:
            add(match.group(1), BARE_STEM_WEIGHT)
    return forms


def build_index(entries: Iterable[RegisterEntry]) -> CommunityIndex:
    entries_by_name: dict[str, RegisterEntry] = {}
    exact: dict[str, list[KeyTarget]] = {}
    hints: dict[str, set[str]] = {}
    for entry in entries:
        entries_by_name[entry.name] = entry
        for surface, weight in surface_forms(entry).items():
            exact.setdefault(surface, []).append(KeyTarget(entry.name, weight))
        if entry.district:
            hints.setdefault(entry.district, set()).add(entry.name)
        road = ROAD_PATTERN.match(entry.address or "")
        if road:
            hints.setdefault(road.group(1), set()).add(entry.name)
    # A real name or alias of one community is never also a variant of another.
    for targets in exact.values():
        best = max(target.weight for target in targets)
        if best == NAME_WEIGHT:
            targets[:] = [target for target in targets if target.weight == NAME_WEIGHT]

    index = CommunityIndex(
        entries=entries_by_name,
        exact=exact,
        by_pinyin={},
        by_wildcard={},
        by_deletion={},
        key_lengths=tuple(sorted({len(surface) for surface in exact}, reverse=True)),
        hints=hints,
    )
    lengths: dict[str, set[int]] = {}
    for surface in exact:
        lengths.setdefault(surface[0], set()).add(len(surface))
    index.lengths_by_first_char = {
        char: tuple(sorted(sizes, reverse=True)) for char, sizes in lengths.items()
    }
    all_chars = "".join(exact)
    first_letter: dict[str, str] = {}
    if all_chars:
        for char in sorted(set(all_chars)):
            syllable = lazy_pinyin_of(char)
            index.pinyin_of_char[char] = fold_pinyin(syllable)
            first_letter[char] = syllable[:1]
    add_initials(index, entries_by_name.values(), first_letter)
    for surface, targets in exact.items():
        if any(char.isdigit() for char in surface):
            continue
        # One deviation at most: a variant (neighbouring suffix, bare stem) is itself one, so
        # a homophone or typo of it is two (锦湖花园 is not 镜湖苑).
        targets = [target for target in targets if target.weight >= SUFFIX_VARIANT_WEIGHT]
        if not targets:
            continue
        pinyin = tuple(index.char_pinyin(char) for char in surface)
        for target in targets:
            index.by_pinyin.setdefault(pinyin, []).append((surface, target))
            if len(surface) >= 4:
                for position in range(len(surface)):
                    wildcard = surface[:position] + "?" + surface[position + 1 :]
                    index.by_wildcard.setdefault(wildcard, []).append((surface, target))
                    deletion = surface[:position] + surface[position + 1 :]
                    index.by_deletion.setdefault(deletion, []).append((surface, target))
            index.fuzzy_heads.add((pinyin[0], len(surface)))
            for size in (len(surface), len(surface) - 1):  # the window of an edit, of a deletion
                index.fuzzy_heads.add((surface[0], size))
                index.fuzzy_heads.add((surface[1], size))  # the first character was deleted
                index.fuzzy_tails.add((surface[-1], size))
                index.fuzzy_tails.add((surface[-2], size))
    return index


def add_initials(
    index: CommunityIndex, entries: Iterable[RegisterEntry], first_letter: dict[str, str]
) -> None:
    """WeChat shorthand: the pinyin initials of a name (jxhc二期 for 锦绣华城二期, qhy 清华园)."""

    def initials(text: str) -> str | None:
        letters = [first_letter.get(char, "") for char in text]
        return "".join(letters) if all(letters) and len(letters) >= 3 else None

    for entry in entries:
        for base in (entry.name, *entry.aliases):
            if base.endswith("小区") and len(base) > 4:
                base = base[:-2]
            phase = PHASE_PATTERN.match(base)
            keys = []
            if phase:
                stem_initials = initials(phase.group(1))
                if stem_initials:
                    keys = [
                        stem_initials + form[len(phase.group(1)) :] for form in phase_forms(base)
                    ]
                    keys.append(stem_initials + phase.group(2) + phase.group(3))
            else:
                keys = [initials(base)]
            for key in filter(None, keys):
                targets = index.exact.setdefault(key, [])
                if all(target.name != entry.name for target in targets):
                    targets.append(KeyTarget(entry.name, INITIALS_WEIGHT))
                lengths = set(index.lengths_by_first_char.get(key[0], ())) | {len(key)}
                index.lengths_by_first_char[key[0]] = tuple(sorted(lengths, reverse=True))


@dataclass
class Candidate:
    name: str
    score: float
    length: int
    span: tuple[int, int]
    # A look-alike: offered to the operator as 是否指…?, never filled in.
    suggestion_only: bool = False


def is_chinese(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def followed_by_road(text: str, end: int) -> bool:
    return bool(NOT_A_COMMUNITY_AFTER.match(text[end : end + 3]))


def add_candidates(
    found: dict[tuple[str, bool, int], Candidate],
    targets: Iterable[KeyTarget],
    quality: float,
    start: int,
    end: int,
    suggestion_only: bool = False,
) -> None:
    targets = list(targets)
    names = {target.name for target in targets}
    ambiguity = 1.0 if len(names) == 1 else AMBIGUITY_FACTOR
    for target in targets:
        score = target.weight * quality * ambiguity
        look_alike = suggestion_only or target.weight == LOOK_ALIKE_WEIGHT
        # A name is kept once as a match and once as a look-alike: 牡丹花园 named, then
        # 牡丹新城 (a look-alike of it) named as the caller's home.
        # Each place a name is mentioned is kept: 天成雅苑和天成家园…我家在天成家园.
        key = (target.name, look_alike, start)
        current = found.get(key)
        if current is None or (score, end - start) > (current.score, current.length):
            found[key] = Candidate(target.name, score, end - start, (start, end), look_alike)


def continues_as_another_name(index: CommunityIndex, text: str, end: int, surface: str) -> bool:
    """凤凰 + 新城, 书香 + 门第小区: the text goes on into another estate word."""
    if surface.endswith("小区"):
        return False
    for suffix in GENERIC_SUFFIXES:
        if text.startswith(suffix, end) and surface + suffix in index.exact:
            return False  # 天润 + 城 is 天润城 itself (found as such unless a road follows)
    following = text[end : end + 5]
    for size in range(0, 3):
        rest = following[size:]
        if size and not all(is_chinese(char) for char in following[:size]):
            return False
        if rest.startswith(GENERIC_SUFFIXES) and not rest.startswith("小区"):
            return True
        if size and rest.startswith("小区"):
            return True
    return False


def within_latin_word(text: str, start: int, end: int) -> bool:
    """Initials stand alone: jxhc, not the jxhc inside a longer Latin word."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


# What may follow a bare two-character stem or alias that names the estate (太阳城 said 太阳,
# 金盾 for 金盾小区): the end of a word — a particle, a number, a building or direction word,
# the start of a clause (暖气, 没, 也 …). Anything else means the two characters begin another
# word (太阳能, 教育局, 赵王河, 剑桥英语).
AFTER_SHORT_STEM = set(
    "的那这住家楼号栋幢座#小里区一二三四五六七八九十两幺期东西南北，,。、;；:：!！?？ \n"
    "是有在也还都没不已现今昨前后从到和跟与及呢啊吧吗嘛呀哦哈了暖供片全整老业物门附旁边内外对居社"
)
# Places that are not homes: a bare alias or stem followed by one of these is part of the name
# of a shop, street, bridge, school … (博雅书店, 彩虹桥, 海棠路, 剑桥英语) and names no community.
NOT_A_HOME_AFTER = re.compile(
    r"^(?:书店|书城|书屋|路|街|大街|大道|巷|桥|广场|商场|商城|超市|市场|商店|店|大厦|写字楼|"
    r"公司|集团|银行|酒店|宾馆|饭店|餐厅|酒楼|药店|药房|医院|诊所|卫生|学校|小学|中学|大学|"
    r"学院|幼儿园|培训|英语|教育|文化|影院|影城|剧院|公园|车站|站|馆|厂|体育|网吧|"
    r"理发|美发|美容|健身|科技|汽车|驾校|加油站)"
)
ESTATE_ENDINGS = tuple(SUFFIXES) + GENERIC_SUFFIXES


def short_stem_runs_on(text: str, end: int, surface: str, targets: list[KeyTarget]) -> bool:
    """A two-character key (bare stem or alias) must end a word: 金盾3号楼, not 剑桥英语."""
    if len(surface) > 2 or surface.endswith(ESTATE_ENDINGS):
        return False  # 雅苑管理员: a name that ends in its estate word ends a word itself
    following = text[end : end + 1]
    return bool(following) and is_chinese(following) and following not in AFTER_SHORT_STEM


def names_another_place(text: str, end: int, surface: str) -> bool:
    """A bare alias or stem (no estate word of its own) followed by 书店/路/桥/学校/医院 …"""
    return not surface.endswith(ESTATE_ENDINGS) and bool(
        NOT_A_HOME_AFTER.match(text[end : end + 4])
    )


def embedded_in_longer_name(text: str, start: int, surface: str) -> bool:
    """A short or generic name glued after other characters is part of an unknown name."""
    if start == 0 or not is_chinese(text[start - 1]) or text[start - 1] in WORD_BOUNDARY_BEFORE:
        return False
    if text.endswith(PLACE_BEFORE, 0, start):
        return False
    return len(surface) <= 3 or distinctive_length(surface) <= 2


def exact_candidates(index: CommunityIndex, text: str) -> dict[tuple[str, bool, int], Candidate]:
    found: dict[tuple[str, bool, int], Candidate] = {}
    lengths_by_first_char = index.lengths_by_first_char
    for start, char in enumerate(text):
        for length in lengths_by_first_char.get(char, ()):
            end = start + length
            if end > len(text):
                continue
            surface = text[start:end]
            targets = index.exact.get(surface)
            if targets and surface[0].isascii() and not within_latin_word(text, start, end):
                targets = None
            if (
                targets
                and not followed_by_road(text, end)
                and not names_another_place(text, end, surface)
            ):
                look_alike = (
                    embedded_in_longer_name(text, start, surface)
                    or continues_as_another_name(index, text, end, surface)
                    or short_stem_runs_on(text, end, surface, targets)
                )
                add_candidates(found, targets, EXACT, start, end, look_alike)
    return found


def fuzzy_candidates(index: CommunityIndex, text: str) -> dict[tuple[str, bool, int], Candidate]:
    found: dict[tuple[str, bool, int], Candidate] = {}
    # Digits are never fuzzy: 将军苑3号楼 must not read as 将军苑3区 with one character wrong.
    chinese_runs = [(m.start(), m.end()) for m in re.finditer(r"[\u4e00-\u9fff]+", text)]
    for run_start, run_end in chinese_runs:
        pinyin = [index.char_pinyin(char) for char in text[run_start:run_end]]
        for start in range(run_start, run_end):
            for length in index.key_lengths:
                end = start + length
                # Two characters are too few to tell a typo from ordinary words (家里 ≈ 嘉利).
                if end > run_end or length < 3:
                    continue
                window = text[start:end]
                # Cheap necessary conditions first: a homophone shares the first syllable, a
                # one-character edit the first or the last character.
                may_sound_alike = (pinyin[start - run_start], length) in index.fuzzy_heads
                may_be_edit = (window[0], length) in index.fuzzy_heads or (
                    window[-1],
                    length,
                ) in index.fuzzy_tails
                if (
                    not (may_sound_alike or may_be_edit)
                    or followed_by_road(text, end)
                    or names_another_place(text, end, window)
                ):
                    continue
                window_pinyin = tuple(pinyin[start - run_start : end - run_start])
                homophones = [
                    target
                    for surface, target in index.by_pinyin.get(window_pinyin, ())
                    if surface != window
                ]
                if homophones:
                    add_candidates(
                        found,
                        homophones,
                        SAME_PINYIN,
                        start,
                        end,
                        embedded_in_longer_name(text, start, window),
                    )
                if length >= 4:
                    for position in range(length):
                        wildcard = window[:position] + "?" + window[position + 1 :]
                        for _surface, target in index.by_wildcard.get(wildcard, ()):
                            # 阳明新城 for 阳光新城: one character off is as often another estate.
                            add_candidates(
                                found,
                                [target],
                                ONE_CHARACTER_WRONG,
                                start,
                                end,
                                True,
                            )
                if length >= 3:
                    for _surface, target in index.by_deletion.get(window, ()):
                        add_candidates(found, [target], ONE_CHARACTER_MISSING, start, end, True)
    return found


def mask_hint_words(index: CommunityIndex, text: str) -> str:
    """Blank district and road names so that fuzzy matching does not read 牡丹区 as 牡丹苑."""
    for hint in index.hints:
        if hint in text:
            text = text.replace(hint, " " * len(hint))
    return text


def ownership(text: str, candidate: Candidate) -> int:
    """+1 when the words before a name say it is the caller's home, −2 when another place."""
    before = text[max(0, candidate.span[0] - 8) : candidate.span[0]]
    clause = re.split(r"[，,。；;！!？?\n]", before)[-1]
    score = 0
    if OWN_HOME_CUES.search(clause):
        score += 1
    if OTHER_PLACE_CUES.search(clause):
        score -= 2
    return score


def match_community(index: CommunityIndex, text: str) -> CommunityMatch:
    """The caller's community named in the (normalised) text, with its runner-up.

    When several communities are named, the words before each (我家/家住 vs 隔壁/我妈家/从)
    decide which is the caller's own. A look-alike (an edit in the distinctive part of the
    name, a short name glued into a longer one) is never the answer: it comes back as the
    `suggestion`, for the operator to confirm.
    """
    text = text.translate(ASCII_LOWER)
    found = exact_candidates(index, text)
    credible_exact = [c for c in found.values() if not c.suggestion_only]
    if not credible_exact or max(candidate.score for candidate in credible_exact) < 0.85:
        for key, candidate in fuzzy_candidates(index, mask_hint_words(index, text)).items():
            current = found.get(key)
            if current is None or candidate.score > current.score:
                found[key] = candidate
    if not found:
        return NO_MATCH
    hinted = {name for hint, names in index.hints.items() if hint in text for name in names}

    def final_score(candidate: Candidate) -> float:
        return min(1.0, candidate.score + (HINT_BONUS if candidate.name in hinted else 0.0))

    credible = [
        c for c in found.values() if not c.suggestion_only and final_score(c) >= MIN_CREDIBLE_SCORE
    ]
    look_alikes = sorted(
        (c for c in found.values() if c not in credible),
        key=lambda c: (final_score(c), c.length),
        reverse=True,
    )
    if not credible:
        suggestion = look_alikes[0].name if look_alikes else None
        return CommunityMatch(None, 0.0, suggestion=suggestion)
    # Several distinct places named: the caller's own is the one the text says is home.
    distinct_places = {c.span for c in credible}
    owned = {c.name: ownership(text, c) if len(distinct_places) > 1 else 0 for c in credible}
    ranked = sorted(
        credible,
        key=lambda c: (owned[c.name], final_score(c), c.length, -c.span[0]),
        reverse=True,
    )
    best = ranked[0]
    if ownership(text, best) < 0:
        # 我爸家在A … 我自己家在B (B unknown): A is not the caller's, and B is only a question.
        own_look_alikes = [
            c for c in look_alikes if c.span[0] > best.span[1] and ownership(text, c) > 0
        ]
        if own_look_alikes:
            return CommunityMatch(None, 0.0, suggestion=own_look_alikes[0].name)
    # The runner-up is for the operator's "please check": another match, else a look-alike.
    runner_up = next((c for c in [*ranked[1:], *look_alikes] if c.name != best.name), None)
    return CommunityMatch(
        name=best.name,
        score=round(final_score(best), 3),
        runner_up=runner_up.name if runner_up else None,
        runner_up_score=round(final_score(runner_up), 3) if runner_up else 0.0,
        span=best.span,
    )
