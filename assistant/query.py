"""Read a question before retrieval: expansions, explicit references, scope.

``analyse`` turns a question into a ``Query``: the text both retrieval legs search with
(the question plus the legal terms the lexicon maps its wording to), the unit keys it names
explicitly ("第七条", "《办法》第八条", "标准合同第三条", "Article 38 of the PIPL"), the
instruments it names (and which of them only as something signed or not needed), and the
scope signals: whether it is about this corpus's subject at all, and whether what it asks
belongs to another field, another jurisdiction's law, a text the corpus lacks or a matter
none of the texts deals with.

The lexicon is reviewed data (``data/lexicon.toml``), loaded once by the caller. Nothing
here knows any particular question; it only knows how the law is worded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import places
from .rules.numerals import parse_numeral
from .text import is_english
from .tokenize import normalize

_DEFAULT_LEXICON = Path(__file__).parent / "data" / "lexicon.toml"
_CN_DIGITS = "零一二三四五六七八九"
_CN_NUMERAL = "零〇一二三四五六七八九十百两"


@dataclass(frozen=True)
class Lexicon:
    expand: Mapping[str, str]
    instruments: Mapping[str, tuple[str, ...]]
    domain: tuple[str, ...]
    foreign: tuple[str, ...]
    weak: tuple[str, ...] = ()
    offtopic: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()

    def terms(self) -> list[str]:
        """Every legal term the lexicon can add, for the tokenizer's dictionary."""
        out = [t for v in self.expand.values() for t in v.split()]
        out += [normalize(a).strip("《》") for names in self.instruments.values() for a in names]
        return out


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase occurs: as a substring, but as whole words for Latin phrases ("file"
    is not in "profile"), whose words may be joined by spaces or hyphens ("third party" is in
    "third-party")."""
    words = phrase.split() if phrase.isascii() else [phrase]
    # Most phrases are absent; a plain substring test settles those without a regex.
    if not words or words[0] not in text:
        return []
    if not phrase.isascii():
        return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
    joined = r"[\s-]+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<![a-z]){joined}(?![a-z])", text)]


def _contains(text: str, phrase: str) -> bool:
    return bool(_spans(text, phrase))


def _expansions(text: str, expand: Mapping[str, str]) -> list[str]:
    """The legal terms of every lexicon phrase in the text, in lexicon order. Longer phrases
    are matched first and a phrase lying inside one already matched adds nothing: a "data
    breach" is not also a breach of contract, and "overseas recipient" is not counted again
    as "recipient" and "overseas"."""
    taken = [False] * len(text)
    found = set()
    for phrase in sorted(expand, key=len, reverse=True):
        for start, end in _spans(text, phrase):
            if not all(taken[start:end]):
                found.add(phrase)
                taken[start:end] = [True] * (end - start)
    return [terms for phrase, terms in expand.items() if phrase in found]


def load_lexicon(path: Path = _DEFAULT_LEXICON) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Lexicon(
        expand={normalize(k): v for k, v in data["expand"].items()},
        instruments={k: tuple(normalize(a) for a in v) for k, v in data["instruments"].items()},
        domain=tuple(normalize(d) for d in data["scope"]["domain"]),
        foreign=tuple(normalize(f) for f in data["scope"]["foreign"]),
        weak=tuple(normalize(w) for w in data["scope"]["weak"]),
        offtopic=tuple(normalize(o) for o in data["scope"]["offtopic"]),
        places=tuple(normalize(p) for p in data["scope"]["places"]),
        elsewhere=tuple(normalize(e) for e in data["scope"]["elsewhere"]),
        generic=tuple(normalize(g) for g in data["scope"]["generic"]),
        absent=tuple(normalize(a) for a in data["scope"]["absent"]),
    )


@dataclass(frozen=True)
class Query:
    text: str
    search_text: str
    english: bool
    refs: tuple[str, ...]  # unit keys named explicitly, existing or not
    docs: tuple[str, ...]  # doc_ids of instruments named
    # of those, the ones named only as something signed or not signed ("分别签标准合同",
    # "不用签标准合同了，那告知也不用了？"), not as a text whose words are asked about: retrieval
    # does not favour them
    incidental: tuple[str, ...]
    # docs one name stands for together (a law's text before and after an amendment): of
    # those, retrieval favours the one in force on the date
    versions: tuple[tuple[str, ...], ...]
    in_domain: bool
    other_field: bool  # names another field's matter (tax, customs, an investment's filing)
    unknown_titles: tuple[str, ...]  # 《texts》 named that the corpus does not hold
    asks_price: bool  # asks what something costs, which none of the texts says
    foreign_law: bool  # about another jurisdiction's law, not comparing it with China's
    asks_elsewhere: bool  # what is asked belongs to another field or to a text the corpus lacks
    asks_absent: bool  # what is asked is a matter of the subject that none of the texts deals with

    @property
    def other_contract(self) -> bool:
        """Names the Greater Bay Area's contract: whatever the national contract's texts say
        would be read as said of that other contract, so nothing is answered from them."""
        return GBA_CONTRACT in self.unknown_titles


def int_to_chinese(n: int) -> str:
    """1..999 as written in article numbers: 七, 十, 十一, 二十, 一百零一, 二百零一."""
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    if ones:
        out += _CN_DIGITS[ones]
    return out


def _named_docs(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """(start, end, doc_id) of instrument names, longest match first at each place."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    names = sorted(
        ((alias, doc) for doc, aliases in lexicon.instruments.items() for alias in aliases),
        key=lambda pair: -len(pair[0]),
    )
    spans: set[tuple[int, int]] = set()
    for alias, doc in names:
        # A Latin name as whole words, plural allowed: "standard contracts" names the
        # instrument, "standard contractual clauses" (the EU's) does not.
        pattern = rf"(?<![a-z]){re.escape(alias)}s?(?![a-z])" if alias.isascii() else re.escape(alias)
        for m in re.finditer(pattern, text):
            # One name may stand for two texts of one law (the Cybersecurity Law before and
            # after its amendment): the same words name both.
            if m.span() in spans or not any(taken[m.start() : m.end()]):
                found.append((m.start(), m.end(), doc))
                spans.add(m.span())
                for i in range(m.start(), m.end()):
                    taken[i] = True
    return sorted(found)


# Just before an instrument's name: it is named as a thing signed, used or not needed, which
# is the route (the Measures' matter), not the contract's text: "各自签标准合同", "免于订立
# 标准合同", "use the SCC", "exempt from the standard contract".
_INCIDENTAL_BEFORE = re.compile(
    r"(?:签|签订|签署|订立|走|用|采用)(?:了|一份|份|个|各|那个|这个)?$|"
    r"\b(?:sign|signing|signed|use|using|exempt from|no need (?:for|to sign)|(?:don't|do not|doesn't|does not) "
    r"need(?: to sign)?|without)\s+(?:the\s+|a\s+|an\s+)?$",
    re.I,
)
_ZH_ARTICLE = re.compile(rf"第\s*([{_CN_NUMERAL}\d]+)\s*条")
_EN_ARTICLE = re.compile(r"\b(?:article|art\.?)\s*(\d+)", re.IGNORECASE)
_QA = re.compile(r"问\s*(\d+)")
# Says in so many words that the Chinese instrument is meant ("the Chinese standard contract,
# like the EU SCCs?"), which turns a foreign-law mention into a comparison the corpus answers.
# China's regulator names China too: "CAC标准合同" is China's contract.
# (Letter look-arounds, not \b: in "CAC标准合同" a Chinese character is a word character too.)
_CHINA = re.compile(r"中国|我国|中华人民共和国|网信|(?<![a-z])(?:china|chinese|prc|cac)(?![a-z])")
# A foreign court, police force or government body: PIPL Art. 41 (their requests for data
# stored in China) and the contract's Art. 4(6) (such requests reaching the recipient).
# People name the country ("美国法院", "a Singapore government agency"), which no fixed
# phrase list covers.
# A lawsuit there asks for data through its court ("美国那边的诉讼要求证据开示").
_BODIES_EN = (
    r"(?:courts?|judges?|police|prosecutors?|law enforcement|government|regulators?|authorit(?:y|ies)|"
    r"lawsuits?|litigation)"
)
_FOREIGN_BODY = re.compile(
    places.pattern_zh() + r"[^，。；,;？?！!]{0,8}?(?:法院|法官|警方|警察|检察|执法|司法|政府|监管机构|监管部门|诉讼|官司)|"
    # English legal words in a Chinese sentence sit a little further off: "美国那边一个labour lawsuit"
    + places.pattern_zh() + r"[^，。；,;？?！!]{0,16}?(?<![a-z])(?:lawsuit|litigation|court|subpoena)(?![a-z])|"
    + places.pattern_en() + r"[a-z\s.-]{0,20}?(?<![a-z])" + _BODIES_EN + r"(?![a-z])|"
    # "US" only right before the body: lower-cased, it is also the pronoun ("let us know").
    r"(?<![a-z])us\s+" + _BODIES_EN + r"(?![a-z])",
    re.IGNORECASE,
)
# Sending something to a named place is sending it abroad ("传到新加坡总部").
_TO_PLACE = re.compile(r"(?:传|发|送|提供|转|交)了?(?:到|至|往|给)了?" + places.pattern_zh())
_FOREIGN_BODY_TERMS = "外国司法或者执法机构 政府部门 司法机构"
_APPENDIX = re.compile(r"附录\s*([一二12])|\bappendix\s*([12]|i{1,2})\b", re.IGNORECASE)


# The Greater Bay Area's own standard contract (for flows between the Mainland and Hong Kong
# inside the area) is another instrument, which the corpus does not hold; its name holds 标准合同.
_GBA_CONTRACT = re.compile(
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


def _unknown_titles(text: str, lexicon: Lexicon, titles: Iterable[str]) -> list[re.Match[str]]:
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


def _as_written(question: str, names: set[str]) -> tuple[str, ...]:
    """The titles in ``names`` (normalised) as the question wrote them."""
    found = (m.group(1) for m in _TITLE.finditer(question) if normalize(m.group(1)).strip() in names)
    return tuple(dict.fromkeys(found))


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by spaces, so that offsets stay where they were."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


# Where a question's ask ends a sentence: the last sentence, and in Chinese the last of its
# comma-separated parts ("除了标准合同，是否还要按《出口管制法》申请出口许可？").
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+|(?<=[a-z])\.\s+")
_COMMA = re.compile(r"[，,]")
# (其他 and 其实 point nowhere: "…，其他公司要签吗")
_POINTS_BACK = re.compile(r"\s*(?:那个|这个|那些|这些|那|这|该|其(?!他|实|余)|它)")


def _asking_start(text: str, english: bool, names_matter: Callable[[str], bool]) -> int:
    """Where the part of ``text`` that asks begins; it runs to the end. ``names_matter`` says
    whether a clause names a matter of its own (a field's or the subject's words)."""
    ends = [m for m in _SENTENCE_END.finditer(text) if text[m.end() :].strip()]
    # Questions in a row all ask ("需不需要办出口许可？这类软件出口归哪个部门管？"): the
    # asking part begins with the first of them.
    while ends and re.search(r"[?？]", ends[-1].group(0)):
        ends.pop()
    start = ends[-1].end() if ends else 0
    if not english:
        first = _SENTENCE_END.search(text, start)
        commas = list(_COMMA.finditer(text, start, first.start() if first else len(text)))
        # A last clause that points back ("…听说还要找科技部批人类遗传资源，那个审批要多久",
        # "…改一改再签，这样行吗") asks about the clause before it, unless it names its own
        # matter ("…收取数据服务费，这笔收入在增值税上如何处理").
        if commas and _POINTS_BACK.match(text, commas[-1].end()):
            clause_end = first.start() if first else len(text)
            if not names_matter(text[commas[-1].end() : clause_end]):
                commas.pop()
        start = commas[-1].end() if commas else start
    return start


def _names_subject(part: str, lexicon: Lexicon) -> bool:
    """``part`` uses one of the subject's own words or names one of the corpus's instruments."""
    return any(_contains(part, term) for term in lexicon.domain) or bool(_named_docs(part, lexicon))


def _asks_elsewhere(part: str, lexicon: Lexicon, unknown_titles: Iterable[str]) -> bool:
    """The asking ``part`` names another field's matter or a text the corpus lacks, and none of
    the subject's own words: "除了个人信息出境这一块，人类遗传资源审批要怎么走？" asks about
    the other field whatever the sentence before it says."""
    titles = [m.span() for m in _TITLE.finditer(part) if m.group(1).strip() in unknown_titles]
    fields = [span for term in lexicon.elsewhere for span in _spans(part, term)]
    if not titles and not fields:
        return False
    rest = _blank(part, [*titles, *fields])
    return not _names_subject(rest, lexicon)


def _asks_absent(text: str, asked: str, lexicon: Lexicon) -> bool:
    """A matter none of the texts deals with is what is asked: it is named in the part that
    asks, or that part names nothing of its own ("网信办要求的个人信息保护合规审计，…，是每年
    做一次还是每两年一次？")."""
    if any(_contains(asked, term) for term in lexicon.absent):
        return True
    return not _names_subject(asked, lexicon) and any(_contains(text, term) for term in lexicon.absent)


def _references(text: str, named: list[tuple[int, int, str]]) -> list[tuple[tuple[str, ...], str]]:
    """(doc_ids, locator) for each explicit reference, the docs being those of the nearest
    instrument name before it in the same clause (English: the first name, as in "of the
    PIPL"); several when one name stands for several texts, none when no name is near."""
    refs: list[tuple[tuple[str, ...], str]] = []

    def named_at(span: tuple[int, int]) -> tuple[str, ...]:
        return tuple(doc for start, end, doc in named if (start, end) == span)

    def nearest_before(pos: int) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for start, end, _doc in named:
            gap = text[end:pos]
            if end <= pos and not re.search(r"[。；;，,？?！!]", gap) and len(gap) <= 6:
                best = named_at((start, end))
        return best

    for m in _ZH_ARTICLE.finditer(text):
        n = parse_numeral(m.group(1))
        if n:
            refs.append((nearest_before(m.start()), f"第{int_to_chinese(n)}条"))
    for m in _EN_ARTICLE.finditer(text):
        docs = named_at(named[0][:2]) if named else ()
        refs.append((docs, f"第{int_to_chinese(int(m.group(1)))}条") if 0 < int(m.group(1)) < 1000 else (docs, ""))
    for m in _QA.finditer(text):
        refs.append((nearest_before(m.start()) or ("qa_2023",), f"问{m.group(1)}"))
    for m in _APPENDIX.finditer(text):
        number = (m.group(1) or m.group(2)).lower()
        refs.append((("standard_contract",), "附录" + {"1": "一", "2": "二", "i": "一", "ii": "二"}.get(number, number)))
    return [r for r in refs if r[1]]


def _other_field(text: str, lexicon: Lexicon) -> bool:
    return any(_contains(text, term) for term in lexicon.elsewhere)


def _about_subject(text: str, lexicon: Lexicon, elsewhere: bool) -> bool:
    """``elsewhere``: the text names another field's matter (``_other_field``)."""
    # Another field's term holding one of ours ("ICP备案" holds 备案) is that field's.
    text = _blank(text, [span for term in lexicon.elsewhere for span in _spans(text, term)])
    if any(_contains(text, term) for term in lexicon.domain):
        return True
    if elsewhere:
        # "境外", "备案" or "接收方" alone do not make it this corpus's when the matter belongs
        # to another field outright: tax on fees paid to a recipient abroad, an outbound
        # investment's filing, customs on a business trip abroad.
        return False
    if any(_contains(text, term) for term in (*lexicon.generic, *lexicon.places)):
        return True
    weak = any(_contains(text, term) for term in lexicon.weak)
    return weak and not any(_contains(text, term) for term in lexicon.offtopic)


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


def _foreign_laws(text: str, lexicon: Lexicon, country_laws: Iterable[re.Match[str]]) -> list[tuple[int, str]]:
    """(where, words) of each foreign law the question uses as a subject: the lexicon's, and
    ``country_laws`` (``_COUNTRY_INSTRUMENT`` matches in ``text``)."""
    def as_law(start: int, end: int, term: str) -> bool:
        # "美国法院" is a court (法院, 法官, 法庭), not American law (美国法).
        court = term.endswith("法") and text[end : end + 1] in ("院", "官", "庭")
        nickname = _NICKNAMED.search(text, max(0, start - 12), start)
        return not court and not nickname and not _LIKENED.search(text, max(0, start - 20), start)

    listed = [(start, t) for t in lexicon.foreign for start, end in _spans(text, t) if as_law(start, end, t)]
    named = [(m.start(), m.group(0)) for m in country_laws if as_law(m.start(), m.end(), m.group(0))]
    return listed + named


def _about_foreign_law(text: str, laws: Sequence[str], docs: tuple[str, ...]) -> bool:
    """Another jurisdiction's law (``laws``, from ``_foreign_laws``) is the subject, not a
    comparison with China's texts. A question naming one of the corpus's instruments is about
    that instrument when it also says China, or when the foreign law is only a country's law in
    general ("标准合同能不能适用美国法" asks about the contract's governing-law clause)."""
    if not laws:
        return False
    if not docs:
        return True
    named_instruments = [t for t in laws if not _COUNTRY_LAW.fullmatch(t)]
    return bool(named_instruments) and not _CHINA.search(text)


def analyse(
    question: str, lexicon: Lexicon, locators: Mapping[str, tuple[str, ...]], titles: Iterable[str] = ()
) -> Query:
    """``locators`` maps each locator (e.g. "第七条") to the doc_ids that have it; ``titles``
    are the corpus's instrument titles, which the question may name in full."""
    text = normalize(question)
    english = is_english(question)
    other_field = _other_field(text, lexicon)
    gba = [m.span() for m in _GBA_CONTRACT.finditer(text)]
    unknown = _unknown_titles(text, lexicon, titles)
    unknown_names = {m.group(1).strip() for m in unknown}
    country_laws = [*_COUNTRY_INSTRUMENT.finditer(text), *_FOREIGN_SCC.finditer(text), *_COUNTRY_REQUIRES.finditer(text)]
    # Other texts' names do not name the corpus's instruments: neither the other contract's
    # (粤港澳大湾区…标准合同) nor a title ending in 办法 nor Japan's 个人信息保护法.
    named = _named_docs(_blank(text, [*gba, *(m.span() for m in (*unknown, *country_laws))]), lexicon)
    docs = tuple(dict.fromkeys(doc for _, _, doc in named))
    as_text = {doc for start, _, doc in named if not _INCIDENTAL_BEFORE.search(text, max(0, start - 24), start)}
    incidental = tuple(doc for doc in docs if doc not in as_text)
    by_span: dict[tuple[int, int], list[str]] = {}
    for start, end, doc in named:
        by_span.setdefault((start, end), []).append(doc)
    versions = tuple(dict.fromkeys(tuple(group) for group in by_span.values() if len(group) > 1))
    keys: list[str] = []
    for named_docs, locator in _references(text, named):
        holders = locators.get(locator, ())
        if not named_docs:
            # An unqualified article number means the core instrument when it has one.
            doc = "measures" if "measures" in holders or not holders else holders[0]
        else:
            # of the texts the name stands for, the one that has the article
            doc = next((d for d in named_docs if d in holders), named_docs[0])
        keys.append(f"{doc}#{locator}")
    added = _expansions(text, lexicon.expand)
    foreign_body = _FOREIGN_BODY.search(text) is not None
    if foreign_body:
        added.append(_FOREIGN_BODY_TERMS)
    sent_abroad = _TO_PLACE.search(text) is not None
    if sent_abroad:
        added.append("向境外提供个人信息")
    search_text = question if not added else question + " " + " ".join(added)
    laws = _foreign_laws(text, lexicon, country_laws)
    ask_start = _asking_start(text, english, lambda part: _other_field(part, lexicon) or _names_subject(part, lexicon))
    # a foreign law in the asking clause, with none of the corpus's texts beside it, is what
    # is asked about whatever the sentences before say of China
    foreign_asked = any(at >= ask_start for at, _ in laws) and not any(at >= ask_start for at, _, _ in named)
    return Query(
        text=question,
        search_text=search_text,
        english=english,
        refs=tuple(dict.fromkeys(keys)),
        docs=docs,
        incidental=incidental,
        versions=versions,
        in_domain=bool(keys) or bool(docs) or foreign_body or sent_abroad or _about_subject(text, lexicon, other_field),
        other_field=other_field,
        unknown_titles=_as_written(question, unknown_names) + ((GBA_CONTRACT,) if gba else ()),
        asks_price=_PRICE.search(text) is not None and not _FINE.search(text),
        foreign_law=foreign_asked or _about_foreign_law(text, [t for _, t in laws], docs),
        # 附录一《个人信息出境说明》 names a unit
        asks_elsewhere=not keys and _asks_elsewhere(text[ask_start:], lexicon, unknown_names),
        asks_absent=not keys and _asks_absent(text, text[ask_start:], lexicon),
    )
