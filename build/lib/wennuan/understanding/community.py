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

# Score of a surface form, before the quality of the match is applied.
NAME_WEIGHT = 1.0
SUFFIX_VARIANT_WEIGHT = 0.97  # 金盾 ↔ 金盾小区, 锦绣华城1期 ↔ 锦绣华城一期
NEIGHBOUR_SUFFIX_WEIGHT = 0.88  # 银河小区 for 银河花园, 清华苑 for 清华园
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

SUFFIXES = ("小区", "花园", "家园", "新村", "园", "苑", "府", "城")
NEIGHBOUR_SUFFIXES = {
    "小区": ("花园", "园", "苑"),
    "花园": ("小区", "园", "苑"),
    "家园": ("小区", "花园"),
    "新村": ("小区",),
    "园": ("苑", "花园", "小区"),
    "苑": ("园", "花园", "小区"),
    "府": ("小区",),
    "城": ("小区",),
}
PHASE_PATTERN = re.compile(r"^(.+?)([一二三四五六七八九十\d])(期|区)$")
CHINESE_BY_DIGIT = {str(value): char for char, value in DIGIT_VALUES.items() if char not in "两〇"}
NUMBERED_NAME = re.compile(r"([一二三四五六七八九])号")
ROAD_PATTERN = re.compile(r"^(.+?(?:路|街|大道))")
# A key directly followed by one of these names a road or district, not the community
# (华英路, 定陶区, 长江东路).
NOT_A_COMMUNITY_AFTER = re.compile(r"^(?:[东西南北中]?路|街|大道|区|县)")
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
    pinyin_of_char: dict[str, str] = field(default_factory=dict)

    def char_pinyin(self, char: str) -> str:
        cached = self.pinyin_of_char.get(char)
        if cached is None:
            cached = fold_pinyin(lazy_pinyin_of(char))
            self.pinyin_of_char[char] = cached
        return cached


def lazy_pinyin_of(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="default")[0]


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
    for base in list(forms):
        if not base.endswith("小区"):
            add(base + "小区", SUFFIX_VARIANT_WEIGHT)
        split = split_suffix(base)
        if split is None or PHASE_PATTERN.match(base):
            continue
        stem, suffix = split
        if stem.endswith(("路", "街")):
            continue
        if suffix == "小区":
            add(stem, SUFFIX_VARIANT_WEIGHT)
        else:
            add(stem, BARE_STEM_WEIGHT)
        for neighbour in NEIGHBOUR_SUFFIXES.get(suffix, ()):
            add(stem + neighbour, NEIGHBOUR_SUFFIX_WEIGHT)
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
    all_chars = "".join(exact)
    if all_chars:
        from pypinyin import Style, lazy_pinyin

        unique_chars = sorted(set(all_chars))
        for char, syllable in zip(
            unique_chars, lazy_pinyin(unique_chars, style=Style.NORMAL), strict=True
        ):
            index.pinyin_of_char[char] = fold_pinyin(syllable)
    for surface, targets in exact.items():
        if any(char.isdigit() for char in surface):
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
    return index


@dataclass
class Candidate:
    name: str
    score: float
    length: int
    span: tuple[int, int]


def is_chinese(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def followed_by_road(text: str, end: int) -> bool:
    return bool(NOT_A_COMMUNITY_AFTER.match(text[end : end + 3]))


def add_candidates(
    found: dict[str, Candidate],
    targets: Iterable[KeyTarget],
    quality: float,
    start: int,
    end: int,
) -> None:
    targets = list(targets)
    names = {target.name for target in targets}
    ambiguity = 1.0 if len(names) == 1 else AMBIGUITY_FACTOR
    for target in targets:
        score = target.weight * quality * ambiguity
        current = found.get(target.name)
        if current is None or (score, end - start) > (current.score, current.length):
            found[target.name] = Candidate(target.name, score, end - start, (start, end))


def exact_candidates(index: CommunityIndex, text: str) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for start in range(len(text)):
        if not (is_chinese(text[start]) or text[start].isalnum()):
            continue
        for length in index.key_lengths:
            end = start + length
            if end > len(text):
                continue
            targets = index.exact.get(text[start:end])
            if targets and not followed_by_road(text, end):
                add_candidates(found, targets, EXACT, start, end)
    return found


def fuzzy_candidates(index: CommunityIndex, text: str) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
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
                if followed_by_road(text, end):
                    continue
                window = text[start:end]
                window_pinyin = tuple(pinyin[start - run_start : end - run_start])
                homophones = [
                    target
                    for surface, target in index.by_pinyin.get(window_pinyin, ())
                    if surface != window
                ]
                if homophones:
                    add_candidates(found, homophones, SAME_PINYIN, start, end)
                if length >= 4:
                    for position in range(length):
                        wildcard = window[:position] + "?" + window[position + 1 :]
                        hits = index.by_wildcard.get(wildcard)
                        if hits:
                            add_candidates(
                                found,
                                [target for _surface, target in hits],
                                ONE_CHARACTER_WRONG,
                                start,
                                end,
                            )
                if length >= 3:
                    hits = index.by_deletion.get(window)
                    if hits:
                        add_candidates(
                            found,
                            [target for _surface, target in hits],
                            ONE_CHARACTER_MISSING,
                            start,
                            end,
                        )
    return found


def mask_hint_words(index: CommunityIndex, text: str) -> str:
    """Blank district and road names so that fuzzy matching does not read 牡丹区 as 牡丹苑."""
    for hint in index.hints:
        if hint in text:
            text = text.replace(hint, " " * len(hint))
    return text


def match_community(index: CommunityIndex, text: str) -> CommunityMatch:
    """The best community named in the (normalised) text, with its runner-up."""
    found = exact_candidates(index, text)
    if not found or max(candidate.score for candidate in found.values()) < 0.85:
        for name, candidate in fuzzy_candidates(index, mask_hint_words(index, text)).items():
            if name not in found or candidate.score > found[name].score:
                found[name] = candidate
    if not found:
        return NO_MATCH
    hinted = {name for hint, names in index.hints.items() if hint in text for name in names}
    ranked = sorted(
        found.values(),
        key=lambda candidate: (
            min(1.0, candidate.score + (HINT_BONUS if candidate.name in hinted else 0.0)),
            candidate.length,
            -candidate.span[0],
        ),
        reverse=True,
    )
    best = ranked[0]
    best_score = min(1.0, best.score + (HINT_BONUS if best.name in hinted else 0.0))
    if best_score < MIN_CREDIBLE_SCORE:
        return NO_MATCH
    runner_up = next((c for c in ranked[1:] if c.name != best.name), None)
    return CommunityMatch(
        name=best.name,
        score=round(best_score, 3),
        runner_up=runner_up.name if runner_up else None,
        runner_up_score=round(
            min(1.0, runner_up.score + (HINT_BONUS if runner_up.name in hinted else 0.0)), 3
        )
        if runner_up
        else 0.0,
        span=best.span,
    )
