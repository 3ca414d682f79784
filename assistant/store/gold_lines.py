"""Lines in the gold set's schema (``type: "feedback"``) made from what users and reviewers
flagged, for a person to check and adopt into ``eval/``: pure functions over database rows.

Not here: reading the rows (``store``), deciding what is right.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Flag


def feedback_lines(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """One line per flagged answer from (answer id, question, as_of, outcome, citations JSON,
    kind, citation key, comment) rows: ``cite_any`` is what the answer cited minus any key a
    user flagged as wrong; ``flagged`` and ``comment`` tell the reviewer why it is there."""
    grouped: dict[int, dict[str, Any]] = {}
    for answer_id, question, as_of, outcome, citations, kind, key, comment in rows:
        item = grouped.setdefault(
            answer_id,
            {"question": question, "as_of": as_of, "outcome": outcome,
             "cited": [c["key"] for c in json.loads(citations)], "wrong": set(), "flagged": [], "comments": []},
        )
        item["flagged"].append(f"citation_wrong:{key}" if kind == "citation_wrong" else kind)
        if kind == "citation_wrong":
            item["wrong"].add(key)
        if comment:
            item["comments"].append(comment)
    lines = []
    for answer_id, item in grouped.items():
        lines.append({
            "id": f"fb-{answer_id}",
            "type": "feedback",
            "question": item["question"],
            "as_of": item["as_of"],
            "outcome": item["outcome"],
            "cite_any": [k for k in item["cited"] if k not in item["wrong"]],
            "comment": "；".join(item["comments"]),
            "flagged": item["flagged"],
        })
    return lines


def candidate_line(flag: Flag, verdict: str, note: str) -> dict[str, Any]:
    """A gold-set line (as ``feedback_lines`` makes them) for a reviewed flag:
    a citation judged wrong is left out of ``cite_any``; the reviewer's verdict and note say
    what the person adopting it into the gold set must still check."""
    cited = [c["key"] for c in flag.citations]
    wrong = {flag.citation_key} if verdict == "wrong_citation" and flag.citation_key else set()
    return {
        "id": f"fb-{flag.answer_id}-{flag.feedback_id}",
        "type": "feedback",
        "question": flag.question,
        "as_of": flag.as_of,
        "outcome": flag.outcome,
        "cite_any": [k for k in cited if k not in wrong],
        "comment": "；".join(t for t in (flag.comment, note) if t),
        "flagged": [f"citation_wrong:{flag.citation_key}" if flag.kind == "citation_wrong" else flag.kind],
        "verdict": verdict,
    }
