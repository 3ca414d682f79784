"""Read a question before retrieval: expansions, explicit references, scope.

``analyse`` turns a question into a ``Query``: the text both retrieval legs search with
(the question plus the legal terms the lexicon maps its wording to), the unit keys it names
explicitly ("第七条", "《办法》第八条", "标准合同第三条", "Article 38 of the PIPL"), the
instruments it names (and which of them only as something signed or not needed), and the
scope signals ``scope`` reads: whether it is about this corpus's subject at all, and whether
what it asks belongs to another field, another jurisdiction's law, a text the corpus lacks or
a matter none of the texts deals with.

The lexicon is reviewed data (``data/lexicon.toml``), loaded once by the caller, and the
regular expressions are in ``data/patterns/query.toml`` (``assistant.patterns``), each with
questions it must and must not match. Nothing here knows any particular question; it only
knows how the law is worded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import scope
from .lexicon import Lexicon, expansions, named_docs
from .numerals import parse_numeral
from .patterns import pattern
from .reading import Reading
from .text import CLAUSE_END, SENTENCE_END, blank, sentence_spans
from .tokenize import normalize

_CN_DIGITS = "零一二三四五六七八九"


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
        return scope.GBA_CONTRACT in self.unknown_titles


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



# Every pattern here is in data/patterns/query.toml, with the questions it must and must not
# match: where an instrument is named as a thing signed rather than a text
# (query_incidental_before), the explicit references (query_zh_article, query_en_article,
# query_qa, query_appendix), a foreign court or government body (query_foreign_body: PIPL
# Art. 41, the contract's Art. 4(6)), sending to a named place (query_to_place), and where the
# ask begins (query_comma, query_points_back).
# What a foreign body's mention adds to the search text: the texts' words for such bodies.
_FOREIGN_BODY_TERMS = "外国司法或者执法机构 政府部门 司法机构"


def _asking_start(text: str, english: bool, names_matter: Callable[[str], bool]) -> int:
    """Where the part of ``text`` that asks begins; it runs to the end. ``names_matter`` says
    whether a clause names a matter of its own (a field's or the subject's words)."""
    # (start, end of its words, its terminator) of each sentence that has words
    sentences = []
    for b, e in sentence_spans(text):
        if text[b:e].strip():
            end = SENTENCE_END.search(text, b, e)
            sentences.append((b, end.start() if end else e, end.group() if end else ""))
    # Questions in a row all ask ("需不需要办出口许可？这类软件出口归哪个部门管？"): the
    # asking part begins with the first of them.
    while len(sentences) > 1 and ("?" in sentences[-2][2] or "？" in sentences[-2][2]):
        sentences.pop()
    start, clause_end, _ = sentences[-1] if sentences else (0, len(text), "")
    start += len(text[start:]) - len(text[start:].lstrip())
    if not english:
        commas = list(pattern("query_comma").finditer(text, start, clause_end))
        # A last clause that points back ("…听说还要找科技部批人类遗传资源，那个审批要多久",
        # "…改一改再签，这样行吗") asks about the clause before it, unless it names its own
        # matter ("…收取数据服务费，这笔收入在增值税上如何处理").
        if commas and pattern("query_points_back").match(text, commas[-1].end()):
            if not names_matter(text[commas[-1].end() : clause_end]):
                commas.pop()
        start = commas[-1].end() if commas else start
    return start



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
            # a clause break between them means the name does not qualify the number
            if end <= pos and not CLAUSE_END.search(gap) and len(gap) <= 6:
                best = named_at((start, end))
        return best

    for m in pattern("query_zh_article").finditer(text):
        n = parse_numeral(m.group(1))
        if n:
            refs.append((nearest_before(m.start()), f"第{int_to_chinese(n)}条"))
    for m in pattern("query_en_article").finditer(text):
        docs = named_at(named[0][:2]) if named else ()
        refs.append((docs, f"第{int_to_chinese(int(m.group(1)))}条") if 0 < int(m.group(1)) < 1000 else (docs, ""))
    for m in pattern("query_qa").finditer(text):
        refs.append((nearest_before(m.start()) or ("qa_2023",), f"问{m.group(1)}"))
    for m in pattern("query_appendix").finditer(text):
        number = (m.group(1) or m.group(2)).lower()
        refs.append((("standard_contract",), "附录" + {"1": "一", "2": "二", "i": "一", "ii": "二"}.get(number, number)))
    return [r for r in refs if r[1]]



def analyse(
    reading: Reading | str, lexicon: Lexicon, locators: Mapping[str, tuple[str, ...]], titles: Iterable[str] = ()
) -> Query:
    """What the question (its ``Reading``, or a string read here) names and asks.
    ``locators`` maps each locator (e.g. "第七条") to the doc_ids that have it; ``titles``
    are the corpus's instrument titles, which the question may name in full."""
    reading = Reading.coerce(reading)
    question, english = reading.text, reading.english
    # matched in lower case with full-width forms folded (the lexicon's form), so its spans
    # are its own: NFKC may change lengths ("…")
    text = normalize(question)
    other_field = scope.other_field(text, lexicon)
    gba = [m.span() for m in scope.gba_contracts_named(text)]
    unknown = scope.unknown_titles(text, lexicon, titles)
    unknown_names = {m.group(1).strip() for m in unknown}
    country_laws = scope.country_laws(text)
    # Other texts' names do not name the corpus's instruments: neither the other contract's
    # (粤港澳大湾区…标准合同) nor a title ending in 办法 nor Japan's 个人信息保护法.
    named = named_docs(blank(text, [*gba, *(m.span() for m in (*unknown, *country_laws))]), lexicon)
    docs = tuple(dict.fromkeys(doc for _, _, doc in named))
    # a doc named just after "签", "use the" … is named as a thing signed, not as a text
    incidental_before = pattern("query_incidental_before")
    as_text = {doc for start, _, doc in named if not incidental_before.search(text, max(0, start - 24), start)}
    incidental = tuple(doc for doc in docs if doc not in as_text)
    by_span: dict[tuple[int, int], list[str]] = {}
    for start, end, doc in named:
        by_span.setdefault((start, end), []).append(doc)
    versions = tuple(dict.fromkeys(tuple(group) for group in by_span.values() if len(group) > 1))
    keys: list[str] = []
    for ref_docs, locator in _references(text, named):
        holders = locators.get(locator, ())
        if not ref_docs:
            # An unqualified article number means the core instrument when it has one.
            doc = "measures" if "measures" in holders or not holders else holders[0]
        else:
            # of the texts the name stands for, the one that has the article
            doc = next((d for d in ref_docs if d in holders), ref_docs[0])
        keys.append(f"{doc}#{locator}")
    added = expansions(text, lexicon.expand)
    # a foreign court or government body ("美国法院"), and data sent to a named place ("传到新加坡")
    foreign_body = pattern("query_foreign_body").search(text) is not None
    if foreign_body:
        added.append(_FOREIGN_BODY_TERMS)
    sent_abroad = pattern("query_to_place").search(text) is not None
    if sent_abroad:
        added.append("向境外提供个人信息")
    search_text = question if not added else question + " " + " ".join(added)
    laws = scope.foreign_laws(text, lexicon, country_laws)
    ask_start = _asking_start(text, english, lambda part: scope.other_field(part, lexicon) or scope.names_subject(part, lexicon))
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
        in_domain=bool(keys) or bool(docs) or foreign_body or sent_abroad or scope.about_subject(text, lexicon, other_field),
        other_field=other_field,
        unknown_titles=scope.as_written(question, unknown_names) + ((scope.GBA_CONTRACT,) if gba else ()),
        asks_price=scope.asks_price(text),
        foreign_law=foreign_asked or scope.about_foreign_law(text, [t for _, t in laws], docs),
        # 附录一《个人信息出境说明》 names a unit
        asks_elsewhere=not keys and scope.asks_elsewhere(text[ask_start:], lexicon, unknown_names),
        asks_absent=not keys and scope.asks_absent(text, text[ask_start:], lexicon),
    )
