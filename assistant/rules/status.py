"""Read what a question says of two designations: CIIO status and important data.

``ciio(text)`` is the critical-information-infrastructure-operator status the asker states
(True, False, or None when unstated or only asked), and whether they state it both ways;
``important_data(text, sentences)`` is whether the data is important data, whether that is what the
question asks, and whether it says no authority ever notified or published any (Provisions
Art. 2: then none need be declared).

Deliberately not done here: deciding whether a company is a CIIO or its data important
(only a designation or notice makes it so), or what follows from either (``transfer``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..patterns import pattern


def important_data(text: str, sentences: Sequence[tuple[int, int]]) -> tuple[bool | None, bool, bool]:
    """(whether the data is important data, None when unstated; whether the question is
    whether its data counts as important data; whether it says no one notified or published
    it as important data)."""
    mentions = _important_data_mentions(text)
    not_notified = _not_notified(text, sentences)
    # "从来没有被通知过哪些是重要数据，还要按重要数据申报吗？": whether the data counts as important data
    asked = not_notified or ("denied" in mentions and "stated" in mentions)
    return _important_data(mentions, not_notified), asked, not_notified


def ciio(text: str) -> tuple[bool | None, bool]:
    """(the CIIO status stated, whether the asker said both that they are one and that they
    are not). A denial outweighs a mention that is not about the asker ("我们不是关基，听说
    关基运营者必须…"); only the asker's own "we are" against a "not" is a conflict."""
    denied = mentioned = claimed = False
    for m in pattern("ciio").finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        after = text[m.end() : m.end() + 6]
        if pattern("ciio_question_before").search(before):
            continue  # "是否属于关基", "不确定是不是关基" ask; they state nothing (是不是 holds 不是)
        if pattern("ciio_neg_before").search(before) or pattern("ciio_neg_after").match(after):
            denied = True
        else:
            mentioned = True
            claimed = claimed or bool(pattern("ciio_self_before").search(before))
    if denied and claimed:
        return None, True
    return (False if denied else True if mentioned else None), False


def _important_data_mentions(text: str) -> list[str]:
    """Each mention of important data: "denied", "asked" ("是否涉及重要数据") or "stated"."""
    out = []
    for m in pattern("important").finditer(text):
        before = text[max(0, m.start() - 48) : m.start()]
        after = text[m.end() : m.end() + 6]
        if pattern("important_neg_after").match(after):
            out.append("denied")
        elif pattern("important_question_before").search(before) or pattern("term_quoted").search(before):
            out.append("asked")
        elif pattern("important_neg_before").search(before):
            out.append("denied")
        else:
            out.append("stated")
    return out


def _not_notified(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """A sentence names important data and says nobody notified or published any, or the
    sentence after it does ("…可能算重要数据。但从来没有哪个主管部门通知过我们")."""
    sentences = [text[b:e] for b, e in spans if text[b:e].strip()]
    for i, sentence in enumerate(sentences):
        named = pattern("important").search(sentence)
        if not named:
            continue
        if pattern("not_notified").search(sentence) or pattern("notice_denied").search(sentence, named.end()):
            return True
        if i + 1 < len(sentences) and pattern("not_notified").search(sentences[i + 1]):
            return True
    return False


def _important_data(mentions: list[str], not_notified: bool) -> bool | None:
    if "denied" in mentions or not_notified:
        return False  # a stated "no important data" settles it
    return True if "stated" in mentions else None
