"""The category of a complaint (design §4.1) with a confidence.

Weighted cue phrases per category, written from how callers and operators phrase each kind of
problem. The strongest category wins; the confidence says how clearly it won, so that the
intake form can ask the operator to check when it is low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CATEGORIES = (
    "not_warm",
    "no_heat",
    "leak",
    "billing",
    "suspend_resume",
    "service",
    "violation",
    "consult",
    "other",
)

# (category, weight, pattern). Weights: a specific act (私接, 漏水, 报停) outweighs a general
# complaint (不热), which outweighs the shape of a question (什么时候, 吗).
CUES: tuple[tuple[str, float, str], ...] = (
    (
        "violation",
        4.0,
        r"私接|私装|私自|私改|偷热|偷暖|偷偷|偷用|管道泵|循环泵|加压泵|剪断铅封|放水洗|往外放水|放水用|暖气里.{0,4}放水",
    ),
    (
        "suspend_resume",
        3.0,
        r"报停|报开|申请停暖|想停暖|办停暖|办理停暖|停暖手续|暂停供暖|恢复供暖|开通暖气|要开暖气|申请开暖",
    ),
    (
        "billing",
        3.0,
        r"暖气费|取暖费|供暖费|热费|供热费|交费|缴费|收费|发票|欠费|滞纳金|减免|补贴|少交|多收|交钱|退费|交不上|扣了钱|收不收|收多少|怎么收|多少钱|户号",
    ),
    (
        "leak",
        3.5,
        r"漏水|跑水|爆管|爆了|滴水|渗水|冒水|冒热气|冒气|冒白气|漏了|往外冒|水喷|淹了|泡了|往下流|湿了|关不住",
    ),
    (
        "no_heat",
        2.6,
        r"没有暖气|没暖气|没有来暖气|已经停了|停了两天|没来暖气|不来暖气|停暖|不供暖|不供热|暖气不通|不通|冰凉|热乎气都没有|还没供暖|没热过|一直不来|还没开通|没开通|一直是凉的|都是凉的|全是凉的|是凉的|全楼|整栋|整个小区",
    ),
    (
        "not_warm",
        2.0,
        r"不热|不太热|温度低|温度太低|温度不够|不够热|温乎|半温|冷|冻|上不去|热一半|凉一半|下面凉|下面冰凉|半截|不达标|达不到|烧得不行|温的",
    ),
    (
        "service",
        3.0,
        r"态度|骂人|不耐烦|没来人|没人来|也没来|师傅.{0,4}不来|打不通|推诿|推来推去|好处费|收据|不客气|效率|没上门|不守时|说话难听|太冲|太牛|态度还横|关机|找不到人|不干活|一团糟|挂我电话|说不清楚|不归他管|看一眼就走",
    ),
    (
        "consult",
        1.5,
        r"什么时候|几号|哪天|是多少|电话多少|电话是多少|怎么联系|是谁|哪个|哪家|在哪|请问|咨询|怎么申请|可以吗|需要报备|要不要|算合格|开始时间|提前供暖|怎么接",
    ),
    (
        "other",
        2.5,
        r"建议|(?<!不)太热|响|噪音|嗡嗡|咚咚|异响|怪味|有味|保温|施工|挖|挪|换个位置|美观|碍事|扰民|太丑",
    ),
)
COMPILED_CUES = tuple((category, weight, re.compile(pattern)) for category, weight, pattern in CUES)

# 不热 inside 不太热 etc. is the same cue; a question about a date is a consultation even when
# it mentions 停暖 (停暖时间是几号).
CONSULT_OVERRIDES = re.compile(r"停暖时间|什么时候停|什么时候开始供暖|供暖时间")
FEE_QUESTION = re.compile(r"基本热费|收不收费|收多少|怎么收费")


@dataclass(frozen=True)
class CategoryGuess:
    category: str
    confidence: float


def classify(text: str, indoor_temperature_c: float | None = None) -> CategoryGuess:
    """The category of a (normalised) complaint text with a confidence in [0, 1]."""
    scores = dict.fromkeys(CATEGORIES, 0.0)
    for category, weight, pattern in COMPILED_CUES:
        hits = len(pattern.findall(text))
        if hits:
            scores[category] += weight + 0.25 * (hits - 1)
    if FEE_QUESTION.search(text):
        scores["billing"] += 1.5
    if CONSULT_OVERRIDES.search(text) and scores["not_warm"] == 0:
        scores["consult"] += 2.0
        scores["no_heat"] = min(scores["no_heat"], 1.0)
    if indoor_temperature_c is not None:
        if indoor_temperature_c >= 24:
            scores["other"] += 1.0
        elif indoor_temperature_c <= 11:
            scores["no_heat"] += 0.5
        else:
            scores["not_warm"] += 1.0
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_second, second_score) = ranked[0], ranked[1]
    if best_score == 0:
        return CategoryGuess("other", 0.3)
    confidence = 0.5 + 0.5 * (best_score - second_score) / best_score
    return CategoryGuess(best, round(min(confidence, 0.99), 3))
