"""A conversation as the page carries it between requests: plain JSON, signed.

Each turn is ``{"answer": <the answer contract>, "context": [...], "record": id, "sig": ...}``.
The page sends the whole conversation back with every question and feedback click, so any
replica can continue it. Because whoever holds the page can edit what it sends, each turn is
signed (HMAC-SHA256) with a key every replica shares (kept in the database,
``Store.page_key``): a turn that was not made by a replica is dropped, so a forged turn can
neither become a recorded "answer the assistant gave" nor lend facts to a follow-up.

Not here: rendering, storage, deciding anything about an answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from .types import Answer

log = logging.getLogger(__name__)

Turn = dict[str, Any]  # one turn as the page holds it: JSON


def _canonical(value: object) -> object:
    """The value as both ends of a round trip through the browser agree on it: JavaScript
    writes 12.0 back as 12, so every number is compared by its float value."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(float(value), ".17g")
    return value


@dataclass(frozen=True)
class Conversations:
    key: bytes = field(repr=False)

    def _sig(self, answer: dict[str, Any], context: list[str], record: int | None) -> str:
        body = json.dumps(_canonical([answer, context, record]), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))
        return hmac.new(self.key, body.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def turn(self, answer: Answer, record: int | None) -> Turn:
        """One turn, ready to be held by the page."""
        contract, context = answer.to_dict(), list(answer.context)
        return {"answer": contract, "context": context, "record": record, "sig": self._sig(contract, context, record)}

    def with_record(self, turn: Turn, record: int) -> Turn:
        """The same turn once its answer has been recorded (late, after a failed write)."""
        return {**turn, "record": record, "sig": self._sig(turn["answer"], turn["context"], record)}

    def read(self, shown: object) -> tuple[list[Turn], list[Answer]]:
        """The turns the page sent that a replica made, and their answers; anything else is
        dropped with a warning in the log (it costs the sender their conversation, nothing more)."""
        if not isinstance(shown, list):
            if shown:
                log.warning("a page sent a conversation that is not a list; it is ignored")
            return [], []
        turns, answers = [], []
        for t in shown:
            try:
                if not hmac.compare_digest(str(t["sig"]), self._sig(t["answer"], t["context"], t["record"])):
                    raise ValueError("signature")
                answers.append(Answer.from_dict(t["answer"], tuple(t["context"])))
                turns.append(t)
            except (AttributeError, KeyError, TypeError, ValueError):
                log.warning("a page sent a turn no replica made; the conversation is ignored")
                return [], []
        return turns, answers
