"""What the category model sees of a complaint: character n-grams and the reader's own cues.

Both the training (`training.py`, scikit-learn) and the reading (`model.py`, plain numpy) call
the same functions here, so that a text is featurised identically in both.

The text is first reduced to a *view*: full-width folded (NFKC), a phone number replaced by one
sign, every Arabic digit replaced by 0. Numbers and names carry no category of their own
(3号楼, 13853012345); their shape does (0号楼, 00度).
"""

from __future__ import annotations

import re

from wennuan.understanding.category import classify

NGRAM_SIZES = (1, 2, 3)
PHONE_SIGN = "☎"
COMMUNITY_SIGN = "◎"
APPLIANCE_SIGN = "⚙"
# A household heater is not district heating, yet its name holds the words of heating (暖宝宝,
# 电暖气, 自采暖, 空调制热): each becomes one sign, so that neither the n-grams nor the heating
# cue read 暖 or 热 in it, and the model learns what a cold appliance means as one thing.
HOUSEHOLD_HEATERS = re.compile(
    r"电暖气片|电暖气|电暖器|电暖扇|电暖风|电暖炉|电热毯|电热扇|电热器|电热膜|电热水袋|"
    r"热水袋|暖宝宝|暖手宝|暖贴|小太阳|油汀|取暖器|暖风机|热风机|热水器|空气能|热泵|"
    r"壁挂炉|燃气炉|锅炉房自己烧|自采暖|自供暖|独立采暖|分户采暖|空调|暖风|炉子|煤炉|"
    r"加湿器|浴霸|电地暖|燃气地暖|电锅炉|燃气锅炉|小锅炉|煤改气|煤改电"
)
DIGIT = re.compile(r"\d")
SPACES = re.compile(r"\s+")

# The reader's cues: families of phrases that say what a caller wants, written from the label
# conventions (a specific act, a general complaint, the shape of a question, the vocabulary of
# other city services). Each family is one binary feature, and each pair of families that fire
# together is another (报停 + 收费 is a billing dispute, 不热 + 没人来 a service complaint), so
# that the linear model can weigh combinations that no single phrase decides.
CUE_FAMILIES: tuple[tuple[str, str], ...] = (
    (
        "heating_word",
        r"暖|供热|热力|采暖|取暖|热费|换热站|热站|开栓|报停|报开|热源|地热|散热|回水|热网|"
        r"热水管|阀门|管道泵|热气|白气|分水器|试水|保温层|片子|热乎气|来热|放气|锁闭阀|总阀|"
        r"共热|热乎|暧|室温|温度计|测温|热计量|热表|屋里.{0,6}度|家里.{0,4}度|供水温度",
    ),
    # The thing that is cold or broken is a household heater (the sign of HOUSEHOLD_HEATERS).
    ("appliance", APPLIANCE_SIGN),
    # The caller says it is not about district heating (跟暖气没关系, 我们这片没集中供暖).
    (
        "not_district",
        r"(?:跟|和|与)(?:暖气|供暖|热力)(?:公司)?(?:没|无)有?(?:关系|关)|不是(?:暖气|热力|供暖|"
        r"集中供暖)|没有?集中供暖|不是集中|没(?:通|装|有)暖气|自己烧|自己装的|不归(?:暖气|热力)|"
        r"不是公家|农村",
    ),
    # Cold in a public place or vehicle: not a home on the heating network.
    (
        "public_place",
        r"超市|商场|车站|候车|出租车|公交|车里|车上|教室|学校|幼儿园|医院|病房|办公室|银行|"
        r"饭店|饭馆|店里|地铁|电影院|营业厅|大厅|火车|高铁|公厕|酒店|宴会厅|厅里|商店|车站|"
        r"广场|单位里",
    ),
    (
        "not_warm",
        r"不热|不太热|不够热|不大热|温乎|温吞|半温|温的|冷|冻|凉|上不去|不达标|达不到|温度低|"
        r"只有.{0,3}度|才.{0,3}度|就.{0,3}度|左右|上半截|下半截|一半",
    ),
    (
        "no_heat",
        r"没有暖气|没暖气|没来暖气|暖气没来|不来暖气|没供暖|不供暖|没供上|没有供暖|还没来|没来过|"
        r"压根|就没热过|没热过|没热|一点.{0,4}(?:热|温)|冰凉|凉透|全凉|凉的|一丝|热乎气|停了|"
        r"不通|没有温度|一点温度|全楼|整栋|整个小区|全小区|都不热",
    ),
    (
        "leak",
        r"漏|跑水|爆|滴水|渗|冒水|冒气|冒热气|喷|滋水|呲水|淌|流水|往下流|泡了|淹|漫|湿|"
        r"(?:破|裂|断)了|裂|哗哗|关不住",
    ),
    (
        "billing",
        r"费|交钱|缴|收钱|收了|退钱|退款|退给|发票|票据|欠|滞纳|多收|少收|价格|单价|涨价|面积|"
        r"计量|按表|全额|全款|优惠|减免|补贴|户号|账单|扣款|交了|交过",
    ),
    (
        "suspend",
        r"报停|报开|停暖手续|申请停|办停|不用了|停了吧|关了吧|给停了|开通|恢复供暖|开暖|"
        r"过户|空置|不在家住|没人住|去外地|回来住|想停|要停|先停|停了吧|空着|不用热|不想用|"
        r"给开|想开|要开|再开|恢复",
    ),
    (
        "service",
        r"态度|骂|凶|横|不耐烦|推诿|推来推去|往.{0,4}推|踢皮球|不归.{0,3}管|没人来|没来人|"
        r"不来人|人影|没人管|没人理|没下文|没人联系|没联系|不接|打不通|占线|挂.{0,2}电话|"
        r"第.{1,2}次|[二三四五六七八九几好多]次|[三四五六七八九几好多无数]遍|多少回|好几回|"
        r"等了|排队|拖|说好|答应|投诉|曝光|电视台|媒体|12345|工单|已解决|不负责|责任心|效率|"
        r"好处费|上门费|不开票|敷衍|糊弄|不管|没修好|看一眼|看了看|就走",
    ),
    (
        "violation",
        r"私接|私拉|私装|私自|私改|偷|泵|放水|放.{0,6}水|接.{0,8}管|铅封|撬|拆了|接热水|"
        r"洗车|浇花|拖地|卖给|封条|拆.{0,3}封|剪开|开了个口子|接到|加压|改了管",
    ),
    (
        "consult",
        r"请问|问一下|问问|想问|咨询|什么时候|啥时候|几号|哪天|多少钱|多少|标准|怎么办|怎么|"
        r"如何|哪里|哪个|去哪|是不是|算不算|能不能|可以吗|需要|要带|流程|手续|电话是|"
        r"联系方式|规定|了解",
    ),
    ("praise", r"表扬|感谢|谢谢|点赞|锦旗|很负责|辛苦|好评|满意|及时|热情|专业|给力"),
    (
        "other_heating",
        r"太热|热得|热死|噪音|响|异响|嗡嗡|咚咚|有味|异味|施工|挖|挪|改造|美观|换.{0,4}暖气片|"
        r"建议|开窗",
    ),
    (
        "other_service",
        r"物业|电梯|楼道灯|路灯|停水|水压|水质|自来水|停电|电费|电力|燃气|天然气|煤气|液化气|"
        r"垃圾|广场舞|停车|车位|道路|马路|井盖|违建|违章|学校|医院|社保|医保|公积金|宠物|狗|"
        r"猫|宽带|网络|信号|公交|红绿灯|交通|污水|下水道|油烟|漏雨|房顶|外墙|物价|菜市场|"
        r"污染|绿化|树|快递|房产证|拆迁|噪声|装修|空调|电线|路面|积水|城管|摊|共享单车|"
        r"洗衣机|上水管|水箱|燃气表|冷凝水|电动车|售后|厂家|商家",
    ),
    ("question", r"\?|吗|呢|么|吧[。？?]?$"),
    ("urgent", r"急|快来|赶紧|马上|立刻|尽快"),
)
COMPILED_FAMILIES = tuple((name, re.compile(pattern)) for name, pattern in CUE_FAMILIES)

# Temperature buckets the reader's temperature field gives: a reading of 24 °C or more is a
# complaint about too much heat; below 12 °C, usually no heat at all.
TEMPERATURE_BUCKETS = ((0.0, 12.0, "cold"), (12.0, 18.0, "cool"), (18.0, 24.0, "standard"))


def category_view(
    text: str,
    phone_span: tuple[int, int] | None = None,
    community_span: tuple[int, int] | None = None,
) -> str:
    """The (normalised) text with the phone and the community name each replaced by one sign,
    and digits by 0: a name says nothing about the kind of complaint (翰林苑 is not 苑-ish)."""
    replacements = sorted(
        (span, sign)
        for span, sign in ((phone_span, PHONE_SIGN), (community_span, COMMUNITY_SIGN))
        if span is not None
    )
    for (start, end), sign in reversed(replacements):
        text = text[:start] + sign + text[end:]
    text = HOUSEHOLD_HEATERS.sub(APPLIANCE_SIGN, text)
    return SPACES.sub(" ", DIGIT.sub("0", text)).strip()


def char_ngrams(view: str) -> list[str]:
    """Every character n-gram of the view (n in NGRAM_SIZES), with repeats."""
    grams: list[str] = []
    for size in NGRAM_SIZES:
        grams.extend(view[i : i + size] for i in range(len(view) - size + 1))
    return grams


def cue_features(view: str, temperature_c: float | None) -> list[str]:
    """The reader's hand-written cues as named binary features (present or not)."""
    fired = [name for name, pattern in COMPILED_FAMILIES if pattern.search(view)]
    if "heating_word" not in fired:
        # A leak or a fee with no word of heating is most often another service's.
        fired.append("no_heating_word")
    names = [f"cue:{name}" for name in fired]
    # The first reader's weighted rules, as one more opinion the model may weigh.
    names.append(f"rule:{classify(view, temperature_c).category}")
    names += [f"cue:{a}&{b}" for i, a in enumerate(fired) for b in fired[i + 1 :]]
    if temperature_c is None:
        names.append("temp:none")
    else:
        bucket = next(
            (name for low, high, name in TEMPERATURE_BUCKETS if low <= temperature_c < high),
            "hot",
        )
        names.append(f"temp:{bucket}")
    return names
