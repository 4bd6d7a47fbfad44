"""Phone numbers in complaint text, however they are written or said, as digits.

Callers and speech-to-text write numbers in groups: 138 5301 1234, 0530-6692571,
幺三八 五三零幺 一二三四, 幺三五，零五三零，六七八九, 一三八嗯5301那个1234. The text is cut
into *groups* of digits (Arabic, full-width folded by NFKC, or spoken: 幺 = 1, 洞/零/〇 = 0,
两 = 2) joined by spaces, dashes, commas or fillers; a phone is a run of consecutive groups whose
digits form

- a mobile: 11 digits starting 13–19;
- a landline with its area code: 0 + 9 to 11 digits (0530-6692571, 010-12345678);
- a local landline: 7 or 8 digits not starting with 0 or 1 — completed with the city's area
  code (0530 for Heze), because a caller gives the local number to someone in the same city.

Only whole groups are joined, so that the 13 digits of an order number or a date
(2023-12-08) are never read as a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wennuan.understanding.text import normalise

SPOKEN_DIGITS = {
    "零": "0",
    "〇": "0",
    "洞": "0",
    "幺": "1",
    "一": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
DIGIT_CHARS = "0-9" + "".join(SPOKEN_DIGITS)
GROUP = re.compile(rf"[{DIGIT_CHARS}]+")
# What may stand between two groups of one number: spaces, dashes, commas, brackets, and the
# fillers of speech (嗯, 呃, 那个, 就是 …).
JOINER = re.compile(r"(?:[\s\-—–_,，、()（）]|嗯|呃|啊|额|哦|那个|就是|然后|杠){1,4}")
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE_WITH_AREA_CODE = re.compile(r"0[1-9]\d{8,10}")
LOCAL_LANDLINE = re.compile(r"[2-9]\d{6,7}")
DATE_LIKE = re.compile(r"(?:19|20)\d\d[01]\d[0-3]\d")
MAX_GROUPS = 11  # 1 3 9 5 3 0 0 1 1 2 2, said digit by digit


@dataclass(frozen=True)
class PhoneMention:
    digits: str
    start: int
    end: int


@dataclass(frozen=True)
class DigitGroup:
    digits: str
    start: int
    end: int
    spoken: bool


def digit_groups(text: str) -> list[list[DigitGroup]]:
    """Runs of digit groups that touch through joiners; each run is a list of groups."""
    runs: list[list[DigitGroup]] = []
    previous_end = -1
    for match in GROUP.finditer(text):
        raw = match.group()
        spoken = not raw.isascii()
        # A spoken group inside a number must be digits only (一 in 一单元 is a group of one
        # and never joins a phone with its neighbours unless they are digits too).
        group = DigitGroup(
            "".join(SPOKEN_DIGITS.get(char, char) for char in raw),
            match.start(),
            match.end(),
            spoken,
        )
        gap = text[previous_end : match.start()] if previous_end >= 0 else None
        if runs and gap is not None and JOINER.fullmatch(gap):
            runs[-1].append(group)
        else:
            runs.append([group])
        previous_end = match.end()
    return runs


def full_number(digits: str) -> bool:
    return bool(MOBILE.fullmatch(digits) or LANDLINE_WITH_AREA_CODE.fullmatch(digits))


def local_number(groups: list[DigitGroup]) -> bool:
    """A local number is written in one or two groups of three or more digits (669 2571)."""
    digits = "".join(group.digits for group in groups)
    return (
        len(groups) <= 2
        and all(len(group.digits) >= 3 for group in groups)
        and bool(LOCAL_LANDLINE.fullmatch(digits))
        and not DATE_LIKE.fullmatch(digits)
        and not (all(group.spoken for group in groups) and len(digits) < 7)
    )


def local_number_digit_by_digit(groups: list[DigitGroup]) -> bool:
    """6 6 9 2 5 7 1: a local number said or typed one digit at a time."""
    digits = "".join(group.digits for group in groups)
    return (
        len(groups) in (7, 8)
        and all(len(group.digits) == 1 for group in groups)
        and bool(LOCAL_LANDLINE.fullmatch(digits))
    )


def runs_of_groups(run: list[DigitGroup], accept, taken: set[int]) -> list[tuple[int, int]]:
    """Spans (first, stop) of whole groups accepted, longest first at each position."""
    found = []
    position = 0
    while position < len(run):
        for stop in range(min(len(run), position + MAX_GROUPS), position, -1):
            if any(i in taken for i in range(position, stop)):
                continue
            groups = run[position:stop]
            if sum(len(group.digits) for group in groups) <= 12 and accept(groups):
                found.append((position, stop))
                taken.update(range(position, stop))
                position = stop
                break
        else:
            position += 1
    return found


def phone_mentions(text: str, area_code: str = "") -> list[PhoneMention]:
    """Every phone in the (normalised) text, in reading order.

    Mobiles and numbers with an area code are found first, so that the groups of a home
    (18-3-1102) next to a mobile never make a local number with its first digits.
    """
    mentions: list[PhoneMention] = []
    for run in digit_groups(text):
        taken: set[int] = set()
        spans = runs_of_groups(
            run, lambda groups: full_number("".join(g.digits for g in groups)), taken
        )
        prefix = {span: "" for span in spans}
        if area_code:
            local_spans = runs_of_groups(run, local_number, taken)
            local_spans += runs_of_groups(run, local_number_digit_by_digit, taken)
            for span in local_spans:
                prefix[span] = area_code
        for first, stop in sorted(prefix):
            digits = prefix[(first, stop)] + "".join(g.digits for g in run[first:stop])
            mentions.append(PhoneMention(digits, run[first].start, run[stop - 1].end))
    return mentions


def find_phone(text: str, area_code: str = "") -> PhoneMention | None:
    """The caller's phone: the first mobile or landline in the (normalised) text."""
    mentions = phone_mentions(text, area_code)
    return mentions[0] if mentions else None


def parse_phone(text: str, area_code: str = "") -> str | None:
    mention = find_phone(normalise(text), area_code)
    return mention.digits if mention else None
