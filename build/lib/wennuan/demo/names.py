"""Chinese names for the demo city: people, phones, communities, roads (pure Python, seeded).

Everything takes a ``random.Random`` so the caller controls determinism; nothing here keeps
global state.
"""

from __future__ import annotations

import random
import re

# Common surnames (weighted towards the frequent ones by repetition).
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江"
    "尹薛闫段雷侯史陶贺顾毛郝龚邵万钱严武戴孔汤庞岳晁"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文斌辉鹏波海燕宇飞鑫浩凯"
    "雪梅琳晨阳欣怡佳慧颖倩婷丹峰亮志刚国庆春花晓东振宏翠云凤霞德新利民永庆学成晶莉博宁"
)

# Mobile prefixes of the three operators (valid 11-digit numbers start with 1[3-9]).
MOBILE_PREFIXES = (
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "186",
    "187",
    "188",
)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def person_name(rng: random.Random) -> str:
    """A plausible Chinese full name: one surname character and one or two given characters."""
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return surname + given


def mobile_phone(rng: random.Random, taken: set[str]) -> str:
    """A valid-format 11-digit mainland mobile number not yet in ``taken`` (it is added)."""
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def landline(rng: random.Random, taken: set[str]) -> str:
    """A Heze landline as dialled from elsewhere: area code 0530 and seven digits."""
    while True:
        number = "0530" + str(rng.choice((5, 6, 7, 8))) + f"{rng.randrange(10**6):06d}"
        if number not in taken:
            taken.add(number)
            return number


# Roads of the Heze urban area by (schematic) district. 定陶区 roads are the Dingtao town roads.
ROADS_BY_DISTRICT: dict[str, tuple[str, ...]] = {
    "牡丹区": (
        "中华西路",
        "中华东路",
        "人民路",
        "八一路",
        "和平路",
        "青年路",
        "解放街",
        "牡丹北路",
        "牡丹南路",
        "双河路",
        "丹阳路",
        "东方红大街",
        "西安路",
    ),
    "开发区": (
        "长江东路",
        "长江西路",
        "黄河东路",
        "黄河西路",
        "南京路",
        "昆明路",
        "重庆路",
        "广州路",
        "兰州路",
    ),
    "高新区": ("济南路", "大学路", "太原路", "华英路", "中华东路", "人民路"),
    "定陶区": ("康平路", "兴华路", "陶驿路", "长江路"),
}

# Two-character modifiers for generated community names.
NAME_PREFIXES = (
    "碧水 翠湖 香樟 紫荆 丽都 怡景 御景 天润 金城 银座 富华 鑫源 泰和 安康 祥和 瑞景 "
    "嘉禾 恒大 万达 绿城 融创 海棠 玉兰 芙蓉 桂花 梧桐 银杏 青松 翠竹 兰亭 雅居 "
    "鸿福 鸿运 福瑞 吉祥 如意 康乐 长乐 永安 平安 兴业 兴隆 宏泰 宏图 泰山 华山 黄山 "
    "江南 水乡 湖畔 滨河 河畔 运河 赵王 曹州 尧舜 "
    "春晖 秋实 晨曦 朝阳 旭日 星河 银河 月亮 彩虹 蓝天 白云 青山 绿野 田园 "
    "书香 文华 文苑 博雅 儒林 状元 学苑 育才 师苑 杏林 "
    "新华 建设 振兴 胜利 团结 友谊 红旗 光明 解放 "
    "富贵 富源 金泰 金宇 金龙 金凤 凤凰 麒麟 龙城 龙泉 龙腾 "
    "水木 清风 明月 静园 幸福 美好 美景 丽景 锦华 锦程 锦苑 "
    "恒泰 恒基 中泰 中兴 中建 华泰 华宇 华城 华美 天泽 天成 天宇 "
    "佳苑 佳美 和顺 和美 润泽 润园 泽园 泉城 荷花 莲花 百合 丁香 "
    "汇景 汇丰 聚福 盛华 昌盛 隆泰 德润 德馨 厚德 仁和 仁恒 信合 诚信 "
    "悦澜 澜湾 观澜 望湖 临湖 镜湖 南湖 北湖 西湖 柳岸 柳园 杨柳 "
    "芍药 紫薇 蔷薇 茉莉 木兰 槐荫 松鹤 鹤鸣 凤鸣 鹿鸣 "
    "亿丰 亿城 万和 万隆 万泰 千禧 百福 百盛 世纪 世家 新世 新城 "
    "东城 西城 南城 北城 东苑 西苑 南苑 北苑 城南 城北 "
    "水榭 云台 云锦 锦泰 锦秀 锦江 嘉和 嘉利 嘉信 嘉泰 "
    "康城 康居 安泰 安和 和泰 泰安 宁和 宁泰 静安 长安 长虹 长青"
).split()

# Suffix and an alias pattern ("{name}小区" where natural).
NAME_SUFFIXES = (
    ("花园", True),
    ("小区", False),
    ("家园", True),
    ("苑", True),
    ("府", True),
    ("华庭", True),
    ("新村", True),
    ("公馆", True),
    ("名居", True),
    ("雅苑", True),
    ("国际", True),
    ("城", True),
    ("湾", True),
)

# Work-unit compounds of the 1980s-90s (单位宿舍/家属院).
WORK_UNITS = (
    "供电局",
    "棉纺厂",
    "化肥厂",
    "机械厂",
    "农机公司",
    "粮食局",
    "邮电局",
    "建行",
    "工行",
    "农行",
    "卫生局",
    "一中",
    "二中",
    "菏泽学院",
    "市立医院",
    "交通局",
    "水利局",
    "物资局",
    "糖厂",
    "酒厂",
    "造纸厂",
    "纺织厂",
    "林业局",
    "税务局",
    "财政局",
    "公路局",
    "气象局",
)
WORK_UNIT_SUFFIXES = ("家属院", "宿舍", "家属楼")

PHASES = (("一期", "1期", "一区"), ("二期", "2期", "二区"), ("三期", "3期", "三区"))

_PHASE_RE = re.compile(r"([一二三四五六七八九十\d]+)(期|区)$")
_SUFFIXES_RULE = ("小区", "花园")


def core_name(name: str) -> str:
    """The core used for near-duplicate checks: phase and 小区/花园 suffixes stripped."""
    core = _PHASE_RE.sub("", name)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES_RULE:
            if core.endswith(suffix) and len(core) > len(suffix):
                core = core[: -len(suffix)]
                changed = True
    return core
