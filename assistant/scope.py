"""Scope signals: whether a question is about this corpus's subject, and what it asks that the
corpus cannot answer.

Each function reads the normalised question with the lexicon's word lists and a few patterns of
how people name things outside the corpus: another field's matter, another jurisdiction's law
(a named foreign instrument, a country's law in general, the EU's own clauses), a text in
book-title marks the corpus does not hold (the Greater Bay Area's contract among them), a price,
or a matter of the subject none of the texts deals with.

Not here: deciding to refuse (``route`` does, from the ``Query`` these signals fill).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from . import places
from .lexicon import Lexicon, contains, named_docs, spans
from .text import blank
from .tokenize import normalize

# Says in so many words that the Chinese instrument is meant ("the Chinese standard contract,
# like the EU SCCs?"), which turns a foreign-law mention into a comparison the corpus answers.
# China's regulator names China too: "CAC标准合同" is China's contract.
# (Letter look-arounds, not \b: in "CAC标准合同" a Chinese character is a word character too.)
_CHINA = re.compile(r"中国|我国|中华人民共和国|网信|(?<![a-z])(?:china|chinese|prc|cac)(?![a-z])")


# The Greater Bay Area's own standard contract (for flows between the Mainland and Hong Kong
# inside the area) is another instrument, which the corpus does not hold; its name holds 标准合同.
GBA_CONTRACT_NAMED = re.compile(
    # "大湾区那份「个人信息跨境流动标准合同」", "粤港澳大湾区有个专门的简化版合同", "大湾区那个港澳版标准合同":
    # only words describing the contract may stand between, so "大湾区内的企业签标准合同" is ours.
    r"(?:粤港澳)?大湾区(?:有个|有|的|专门的|专用的|简化版的?|[这那][份个]|港澳版本?的?|版本?的?|"
    r"内地(?:和|与|、)香港(?:之间)?的?|[(（]内地、香港[)）]|个人信息跨境(?:流动)?的?|[「“\"])*(?:标准)?合同|"
    # or described in a clause of its own: "大湾区有一个专门给内地和香港之间传个人信息用的简化版合同"
    r"(?:粤港澳)?大湾区[^，,。；;？?！!]{0,30}?(?:专门|专用|简化|简易|内地(?:和|与|、)香港|港澳版)[^，,。；;？?！!]{0,20}?合同|"
    r"(?:greater bay area|\bGBA)(?:'s)?(?: \(?mainland[-\u2013\u2014 ]+hong kong\)?)?(?: version of the)?(?: standard)? contract|"
    # "a simpler special contract … under the Greater Bay Area scheme"
    r"\b(?:special|simpler|simplified|separate|own)\b[^.?!;]{0,20}\bcontract\b[^.?!;]{0,120}?(?:greater bay area|\bGBA\b)",
    re.I,
)
GBA_CONTRACT = "粤港澳大湾区（内地、香港）个人信息跨境流动标准合同"
_TITLE = re.compile(r"《([^《》]{2,40})》")
_EDITION = re.compile(r"[(（][^()（）]*[)）]$")  # "（第二版）", "（节录）"


def unknown_titles(text: str, lexicon: Lexicon, titles: Iterable[str]) -> list[re.Match[str]]:
    """Texts the (normalised) question names in book-title marks that are none of the corpus's:
    an alias or title, with or without its edition, or ending in an alias
    ("个人信息出境标准合同备案指南")."""
    if "《" not in text:
        return []  # most questions name no title: no need to gather the known ones
    known = {normalize(t) for t in titles} | {a.strip("《》") for names in lexicon.instruments.values() for a in names}
    unknown = []
    for m in _TITLE.finditer(text):
        full = m.group(1).strip()
        name = _EDITION.sub("", full).strip()
        if not (full in known or name in known or any(len(k) >= 4 and name.endswith(k) for k in known)):
            unknown.append(m)
    return unknown


def as_written(question: str, names: set[str]) -> tuple[str, ...]:
    """The titles in ``names`` (normalised) as the question wrote them."""
    found = (m.group(1) for m in _TITLE.finditer(question) if normalize(m.group(1)).strip() in names)
    return tuple(dict.fromkeys(found))



def names_subject(part: str, lexicon: Lexicon) -> bool:
    """``part`` uses one of the subject's own words or names one of the corpus's instruments."""
    return any(contains(part, term) for term in lexicon.domain) or bool(named_docs(part, lexicon))


def asks_elsewhere(part: str, lexicon: Lexicon, unknown: Iterable[str]) -> bool:
    """The asking ``part`` names another field's matter or a text the corpus lacks, and none of
    the subject's own words: "除了个人信息出境这一块，人类遗传资源审批要怎么走？" asks about
    the other field whatever the sentence before it says."""
    titles = [m.span() for m in _TITLE.finditer(part) if m.group(1).strip() in unknown]
    fields = [span for term in lexicon.elsewhere for span in spans(part, term)]
    if not titles and not fields:
        return False
    rest = blank(part, [*titles, *fields])
    return not names_subject(rest, lexicon)


def asks_absent(text: str, asked: str, lexicon: Lexicon) -> bool:
    """A matter none of the texts deals with is what is asked: it is named in the part that
    asks, or that part names nothing of its own ("网信办要求的个人信息保护合规审计，…，是每年
    做一次还是每两年一次？")."""
    if any(contains(asked, term) for term in lexicon.absent):
        return True
    return not names_subject(asked, lexicon) and any(contains(text, term) for term in lexicon.absent)



def other_field(text: str, lexicon: Lexicon) -> bool:
    return any(contains(text, term) for term in lexicon.elsewhere)


def about_subject(text: str, lexicon: Lexicon, elsewhere: bool) -> bool:
    """``elsewhere``: the text names another field's matter (``other_field``)."""
    # Another field's term holding one of ours ("ICP备案" holds 备案) is that field's.
    text = blank(text, [span for term in lexicon.elsewhere for span in spans(text, term)])
    if any(contains(text, term) for term in lexicon.domain):
        return True
    if elsewhere:
        # "境外", "备案" or "接收方" alone do not make it this corpus's when the matter belongs
        # to another field outright: tax on fees paid to a recipient abroad, an outbound
        # investment's filing, customs on a business trip abroad.
        return False
    if any(contains(text, term) for term in (*lexicon.generic, *lexicon.places)):
        return True
    weak = any(contains(text, term) for term in lexicon.weak)
    return weak and not any(contains(text, term) for term in lexicon.offtopic)


# What a filing, an assessment or a certificate costs: none of the texts sets a fee or a price
# (tests/test_search_parts.py checks the corpus for one), so such a question is not covered.
_PRICE = re.compile(
    # not any 费用: "向境外支付服务费用时要提供客户信息" asks about the information
    r"多少钱|收费|收不收费|要钱吗|(?:缴纳|交|收取)(?:什么|哪些|任何)?费用|费用(?:是|要|大概|一般)?多少|多少费用|"
    r"\bhow much (?:does|do|will|would|is|are)\b[^.?!]{0,60}\bcosts?\b|\bwhat (?:does|will) it cost\b|"
    r"\bhow much (?:do|does|will|would)\b[^.?!]{0,60}\bcharge\b|\b(?:lowest|cheapest) price\b|"
    r"\b(?:filing|application|certification|assessment|government|official) (?:fees?|charges?)\b|"
    r"\b(?:fees?|charges?) (?:for|to|of) (?:the )?(?:filing|filings|application|certification|assessment)\b",
    re.I,
)
# "罚多少钱" asks the amount of a fine, which the texts do set (PIPL Art. 66).
_FINE = re.compile(r"罚|\bfines?\b|\bfined\b|\bpenalt", re.I)


# A country's law in general ("美国法"), as against a named foreign instrument (GDPR).
_COUNTRY_LAW = re.compile(places.pattern_zh() + r"的?法(?:律)?")


# Just before a foreign law: the question likens something to it ("类似GDPR的DPIA", "the
# equivalent of a GDPR DPIA"); the law is a point of reference, not what is asked about.
# Not 像 / like: "像GDPR这样的法律" and "laws like the GDPR" give it as an example.
_LIKENED = re.compile(
    r"(?:类似(?:于)?|相当于|好比|如同|\bsimilar to|\bakin to|\bequivalent (?:of|to)|\bcounterpart (?:of|to))"
    r"\s*(?:the\s+|an?\s+)?(?:欧盟的?|eu\s+)?$",
    re.I,
)


# "China's GDPR", "中国版GDPR": a nickname for the PIPL (an alias in the lexicon), not the EU's law.
_NICKNAMED = re.compile(r"(?:china's|chinese|prc's?|中国版?的?)\s*$", re.I)


# A named country's own instrument, which no fixed list covers: "越南的个人数据保护法令",
# "Vietnam's Decree 13", "Australia's Privacy Act". Only instruments' names (法令, 条例, a
# privacy or data protection Act …), not a bare 法 or law, nor an English verb "act" ("our
# American parent act as recipient"), and nothing between that sends data or asks which rules
# apply ("新加坡客户数据出境适用什么条例" asks about China's).
_COUNTRY_INSTRUMENT = re.compile(
    places.pattern_countries_zh()
    + r"的?(?:(?!出境|境外|传|提供|发|中国|国内|境内|按照|遵守|适用)[^，。；,;？?！!\s]){0,10}?"
    # "美国出了新规，限制…传给中国企业": a country's new rule, unnamed
    r"(?:法令|条例|法案|保护法|数据法|新规|行政令)|"
    + places.pattern_en()
    + r"(?:'s)?\s+(?:(?!transfer|send|export)[a-z0-9()'-]+\s+){0,5}?"
    r"(?:(?:privacy|protection|data|information|security|cybersecurity|\(privacy\))\s+(?:act|ordinance|decree)"
    r"|act on (?:the )?protection of personal (?:information|data)"
    r"|decree(?:\s+no\.?)?\s*\d+)(?![a-z])",
    re.IGNORECASE,
)

# What a named country's (or the EU's) own rules require: "欧盟对数据保护官的任职资格有什么
# 要求", "what does Singapore require of…". The place is the rule-maker here, not where data
# goes ("传到新加坡要签标准合同吗" asks China's rules).
_COUNTRY_REQUIRES = re.compile(
    places.pattern_countries_zh()
    + r"(?:的?(?:法律|法规|监管机构|监管部门|政府|当局))?对[^，。；,;？?！!]{1,24}?(?:有什么|有哪些|有何)?(?:要求|规定|限制|资格)|"
    r"\bwhat\s+(?:does|do)\s+(?:the\s+)?" + places.pattern_en() + r"(?:'s)?(?:\s+law)?\s+require\b|"
    r"\b" + places.pattern_en() + r"(?:'s)?\s+requirements?\s+(?:for|on)\b",
    re.I,
)

# The EU's (and the UK's) own standard clauses, however a question points at them
# ("欧盟那个scc 2021版", "欧盟的标准合同条款"): not the corpus's standard contract.
_FOREIGN_SCC = re.compile(
    r"(?:欧盟|英国)(?:的|那个|这个|那套|版|版本的)?\s*(?:sccs?(?![a-z])|标准合同条款|标准合同)|"
    r"\b(?:eu|european|uk)\s+(?:commission(?:'s)?\s+)?(?:sccs?|standard contractual clauses)\b",
    re.I,
)


def foreign_laws(text: str, lexicon: Lexicon, named_laws: Iterable[re.Match[str]]) -> list[tuple[int, str]]:
    """(where, words) of each foreign law the question uses as a subject: the lexicon's, and
    ``named_laws`` (``country_laws`` of ``text``)."""
    def as_law(start: int, end: int, term: str) -> bool:
        # "美国法院" is a court (法院, 法官, 法庭), not American law (美国法).
        court = term.endswith("法") and text[end : end + 1] in ("院", "官", "庭")
        nickname = _NICKNAMED.search(text, max(0, start - 12), start)
        return not court and not nickname and not _LIKENED.search(text, max(0, start - 20), start)

    listed = [(start, t) for t in lexicon.foreign for start, end in spans(text, t) if as_law(start, end, t)]
    named = [(m.start(), m.group(0)) for m in named_laws if as_law(m.start(), m.end(), m.group(0))]
    return listed + named


def about_foreign_law(text: str, laws: Sequence[str], docs: tuple[str, ...]) -> bool:
    """Another jurisdiction's law (``laws``, from ``foreign_laws``) is the subject, not a
    comparison with China's texts. A question naming one of the corpus's instruments is about
    that instrument when it also says China, or when the foreign law is only a country's law in
    general ("标准合同能不能适用美国法" asks about the contract's governing-law clause)."""
    if not laws:
        return False
    if not docs:
        return True
    named_instruments = [t for t in laws if not _COUNTRY_LAW.fullmatch(t)]
    return bool(named_instruments) and not _CHINA.search(text)



def country_laws(text: str) -> list[re.Match[str]]:
    """A named country's own instrument, the EU's own clauses, or what a country's rules require."""
    return [*_COUNTRY_INSTRUMENT.finditer(text), *_FOREIGN_SCC.finditer(text), *_COUNTRY_REQUIRES.finditer(text)]


def asks_price(text: str) -> bool:
    """Asks what something costs; "罚多少钱" asks a fine's amount, which the texts do set."""
    return _PRICE.search(text) is not None and not _FINE.search(text)
