"""Scope signals: whether a question is about this corpus's subject, and what it asks that the
corpus cannot answer.

Each function reads the normalised question with the lexicon's word lists and a few patterns of
how people name things outside the corpus: another field's matter, another jurisdiction's law
(a named foreign instrument, a country's law in general, the EU's own clauses), a text in
book-title marks the corpus does not hold (the Greater Bay Area's contract among them), a price,
or a matter of the subject none of the texts deals with.

The patterns are in ``data/patterns/scope.toml`` (``assistant.patterns``), each with questions it
must and must not match.

Not here: deciding to refuse (``route`` does, from the ``Query`` these signals fill).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .lexicon import Lexicon, contains, named_docs, spans
from .patterns import pattern
from .text import blank
from .tokenize import normalize

# The Greater Bay Area's own standard contract (for flows between the Mainland and Hong Kong
# inside the area) is another instrument, which the corpus does not hold; its name holds 标准合同.
GBA_CONTRACT = "粤港澳大湾区（内地、香港）个人信息跨境流动标准合同"


def gba_contracts_named(text: str) -> list[re.Match[str]]:
    """Where the (normalised) question names the Greater Bay Area's contract ("大湾区那份「个人信息
    跨境流动标准合同」"), as against a contract signed in the area ("大湾区内的企业签标准合同")."""
    return list(pattern("scope_gba_contract_named").finditer(text))


def unknown_titles(text: str, lexicon: Lexicon, titles: Iterable[str]) -> list[re.Match[str]]:
    """Texts the (normalised) question names in book-title marks that are none of the corpus's:
    an alias or title, with or without its edition, or ending in an alias
    ("个人信息出境标准合同备案指南")."""
    if "《" not in text:
        return []  # most questions name no title: no need to gather the known ones
    known = {normalize(t) for t in titles} | {a.strip("《》") for names in lexicon.instruments.values() for a in names}
    unknown = []
    for m in pattern("scope_title").finditer(text):
        full = m.group(1).strip()
        name = pattern("scope_edition").sub("", full).strip()
        if not (full in known or name in known or any(len(k) >= 4 and name.endswith(k) for k in known)):
            unknown.append(m)
    return unknown


def as_written(question: str, names: set[str]) -> tuple[str, ...]:
    """The titles in ``names`` (normalised) as the question wrote them."""
    found = (m.group(1) for m in pattern("scope_title").finditer(question) if normalize(m.group(1)).strip() in names)
    return tuple(dict.fromkeys(found))



def names_subject(part: str, lexicon: Lexicon) -> bool:
    """``part`` uses one of the subject's own words or names one of the corpus's instruments."""
    return any(contains(part, term) for term in lexicon.domain) or bool(named_docs(part, lexicon))


def asks_elsewhere(part: str, lexicon: Lexicon, unknown: Iterable[str]) -> bool:
    """The asking ``part`` names another field's matter or a text the corpus lacks, and none of
    the subject's own words: "除了个人信息出境这一块，人类遗传资源审批要怎么走？" asks about
    the other field whatever the sentence before it says."""
    titles = [m.span() for m in pattern("scope_title").finditer(part) if m.group(1).strip() in unknown]
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


def foreign_laws(text: str, lexicon: Lexicon, named_laws: Iterable[re.Match[str]]) -> list[tuple[int, str]]:
    """(where, words) of each foreign law the question uses as a subject: the lexicon's, and
    ``named_laws`` (``country_laws`` of ``text``)."""
    def as_law(start: int, end: int, term: str) -> bool:
        # "美国法院" is a court (法院, 法官, 法庭), not American law (美国法).
        court = term.endswith("法") and text[end : end + 1] in ("院", "官", "庭")
        # "中国版GDPR" is the PIPL's nickname; "类似GDPR的DPIA" likens something to the law
        nickname = pattern("scope_nicknamed").search(text, max(0, start - 12), start)
        return not court and not nickname and not pattern("scope_likened").search(text, max(0, start - 20), start)

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
    # not a country's law in general ("美国法"); China said in so many words ("the Chinese
    # standard contract", "CAC标准合同") makes the foreign law a comparison
    named_instruments = [t for t in laws if not pattern("scope_country_law").fullmatch(t)]
    return bool(named_instruments) and not pattern("scope_china").search(text)



def country_laws(text: str) -> list[re.Match[str]]:
    """A named country's own instrument, the EU's own clauses, or what a country's rules require."""
    return [
        *pattern("scope_country_instrument").finditer(text),
        *pattern("scope_foreign_scc").finditer(text),
        *pattern("scope_country_requires").finditer(text),
    ]


def asks_price(text: str) -> bool:
    """Asks what something costs, which none of the texts sets; "罚多少钱" asks a fine's amount,
    which the texts do set."""
    return pattern("scope_price").search(text) is not None and not pattern("scope_fine").search(text)
