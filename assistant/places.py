"""Names of places outside mainland China, as employees write them in questions.

The texts say 境外 (outside the territory) and 外国 (foreign); people name the country
instead: "在欧洲收集的", "美国法院要求". The rules read "collected in Europe" as collected
abroad (2024 Provisions Art. 4), and the query analyser reads "a US court" as a foreign
judicial body (PIPL Art. 41). Hong Kong, Macao and Taiwan are outside the territory for
outbound transfers, so they are listed too.

A closed list, not a gazetteer: what is missing here only falls back to the generic words
(境外, 国外, 海外, 外国), which are listed first.
"""

from __future__ import annotations

import re

GENERIC = ("境外", "国外", "海外", "外国")
# "某国法院": a country left unnamed, but not 某国企 / 某国有企业 (a state-owned firm) or 某国内…
_SOME_COUNTRY = "某国(?![企有营资内])"
COUNTRIES = (
    "欧洲", "欧盟", "美国", "加拿大", "墨西哥", "巴西", "英国", "爱尔兰", "德国", "法国", "荷兰", "比利时",
    "卢森堡", "瑞士", "瑞典", "丹麦", "挪威", "芬兰", "意大利", "西班牙", "葡萄牙", "波兰", "奥地利",
    "俄罗斯", "土耳其", "以色列", "阿联酋", "迪拜", "沙特", "日本", "韩国", "新加坡", "马来西亚", "泰国",
    "越南", "印尼", "印度尼西亚", "菲律宾", "印度", "澳大利亚", "澳洲", "新西兰", "南非", "香港", "澳门", "台湾",
    "匈牙利", "捷克", "希腊", "柬埔寨", "老挝", "缅甸", "孟加拉", "巴基斯坦", "哈萨克斯坦", "乌兹别克斯坦", "卡塔尔",
    "埃及", "尼日利亚", "肯尼亚", "阿根廷", "智利", "秘鲁", "哥伦比亚",
    # regions
    "东南亚", "东亚", "南亚", "中东", "北美", "南美", "拉美", "非洲",
)
ENGLISH = (
    # not a bare "us": "let us know which authority" is no foreign body
    "foreign", "overseas", "u.s.", "american", "eu", "european", "uk", "british", "german",
    "french", "dutch", "irish", "japanese", "korean", "singapore", "singaporean", "indian",
    "australian", "canadian", "hong kong", "europe", "the eu", "the us", "the uk", "the united states",
    "germany", "france", "japan", "korea", "india", "australia", "canada",
    "vietnam", "vietnamese", "thailand", "thai", "malaysia", "malaysian", "indonesia", "indonesian",
    "philippines", "brazil", "brazilian", "switzerland", "swiss", "netherlands", "ireland", "new zealand",
    "mexico", "uae", "dubai",
    "hungary", "hungarian", "czech", "poland", "polish", "spain", "spanish", "italy", "italian", "cambodia",
    "pakistan", "bangladesh", "kazakhstan", "egypt", "nigeria", "kenya", "argentina", "chile", "peru", "colombia",
)


def _alternation(names: tuple[str, ...], *patterns: str) -> str:
    """Names longest first (so 印度尼西亚 wins over 印度), then any extra patterns."""
    return "(?:" + "|".join([*(re.escape(n) for n in sorted(names, key=len, reverse=True)), *patterns]) + ")"


def pattern_zh() -> str:
    """A regex alternative matching any Chinese place name above (longest first)."""
    return _alternation(GENERIC + COUNTRIES, _SOME_COUNTRY)


def pattern_countries_zh() -> str:
    """Like ``pattern_zh`` without the generic words: a place named by its own name."""
    return _alternation(COUNTRIES)


def pattern_en() -> str:
    """A regex alternative matching the English adjectives and names, as whole words."""
    return r"(?<![a-z])" + _alternation(ENGLISH) + r"(?![a-z])"
