"""The optional generator: an OpenAI-compatible model, through llama-index, kept honest.

- ``LLMSettings``: endpoint, model and key (``ASSISTANT_LLM_*``, read into ``Config``).
- ``LlamaChat``: the adapter to a llama-index LLM; builds ``OpenAILike`` lazily from the
  settings, or wraps any llama-index LLM a caller passes in. llama-index's global
  ``Settings`` is never read or written: its defaults silently point at OpenAI.
- ``LLMComposer``: what ``Assistant.ask`` calls when a model is configured. It shows the
  model the retrieved units (and the rule decision), parses the JSON reply, verifies it
  (``verify``) and either returns the model's answer with the citations that survived, or
  the extractive answer when the text itself is unsupported. ``stream_answer`` does the
  same while yielding the answer text as it arrives.

The API key never leaves ``LLMSettings`` and the client: it is excluded from every repr, and
error messages are scrubbed of it. With an empty key a placeholder is sent, because
llama-index would otherwise fall back to the ``OPENAI_API_KEY`` environment variable and send
that key to whatever endpoint is configured.

Not here: deciding anything a rule decides (the rule's statement, decision and citations
come from the rules module and are shown whatever the model says), retrieval, or prompt
wording (``prompt``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from .errors import AssistantError
from .prompt import AnswerFieldStream, Message, PromptUnit, ReplyFormatError, RuleBrief, build_messages, parse_reply
from .text import source_label
from .types import Citation, Hit, RuleResult
from .verify import Problem, check_draft, flatten

if TYPE_CHECKING:  # typing only: importing these at run time is what the laziness avoids
    from .applicability import Applicability
    from .compose import Composer
    from .config import Config
    from .query import Query
    from .types import Corpus

MAX_SOURCES = 8
NO_KEY = "not-set"  # sent when no key is configured; see the module docstring


class GenerationError(AssistantError):
    """The model could not be reached or failed; the message never contains the key."""

    exit_code = 5


def redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout: float = 60.0
    max_retries: int = 1
    temperature: float = 0.0
    max_tokens: int = 1024
    context_window: int = 32_000  # for llama-index's prompt packing; the server decides the real one

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"LLM base URL must start with http:// or https://, got {self.base_url!r}")
        if not self.model:
            raise ValueError("an LLM base URL is set but no model: set ASSISTANT_LLM_MODEL")
        if self.timeout <= 0 or self.max_retries < 0:
            raise ValueError("timeout must be positive and max_retries not negative")

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> LLMSettings | None:
        """None when no model is configured (the extractive composer answers alone)."""
        if not config.llm_base_url:
            return None
        return cls(config.llm_base_url, config.llm_model, config.llm_api_key, **overrides)


def make_llm(settings: LLMSettings) -> Any:
    """An ``OpenAILike`` chat model for the settings; imports llama-index on first use."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.model,
        api_base=settings.base_url,
        api_key=settings.api_key or NO_KEY,
        is_chat_model=True,
        is_function_calling_model=False,
        context_window=settings.context_window,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


class ChatClient(Protocol):
    """The seam between the composer and a model: whole replies, or replies in pieces."""

    def chat(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


class LlamaChat:
    """``ChatClient`` over a llama-index LLM: one built from ``settings`` on first use, or ``llm``."""

    def __init__(self, settings: LLMSettings | None = None, llm: Any = None):
        if settings is None and llm is None:
            raise ValueError("LlamaChat needs LLMSettings or a llama-index LLM")
        self._settings = settings
        self._llm = llm
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        if self._settings is None:
            return f"LlamaChat(llm={type(self._llm).__name__})"
        return f"LlamaChat(model={self._settings.model!r}, base_url={self._settings.base_url!r})"

    @property
    def _secret(self) -> str:
        return self._settings.api_key if self._settings else ""

    def _model(self) -> Any:
        with self._lock:
            if self._llm is None:
                assert self._settings is not None  # the constructor requires settings or an llm
                self._llm = make_llm(self._settings)
            return self._llm

    def _messages(self, messages: Sequence[Message]) -> list[Any]:
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role=m.role, content=m.content) for m in messages]

    def _error(self, e: Exception) -> GenerationError:
        return GenerationError(redact(f"the language model failed: {type(e).__name__}: {e}", self._secret))

    # Failures are raised outside the ``except`` block so the original exception, whose text
    # may hold the key (a server echoing a header), is not even kept as ``__context__``.

    def chat(self, messages: Sequence[Message]) -> str:
        try:
            response = self._model().chat(self._messages(messages))
        except Exception as e:  # any client, network or server failure becomes one clean error
            error = self._error(e)
        else:
            return response.message.content or ""
        raise error

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        error = None
        try:
            for response in self._model().stream_chat(self._messages(messages)):
                if response.delta:
                    yield response.delta
        except Exception as e:
            error = self._error(e)
        if error is not None:
            raise error


@dataclass(frozen=True)
class Verification:
    """The ``verification`` field of the answer JSON."""

    generator: str  # "llm" | "extractive"
    passed: bool
    problems: tuple[Problem, ...]
    fallback: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "generator": self.generator,
            "passed": self.passed,
            "problems": [p.to_dict() for p in self.problems],
            "fallback": self.fallback,
        }


@dataclass(frozen=True)
class Generated:
    text: str
    citations: tuple[Citation, ...]
    verification: Verification


@dataclass(frozen=True)
class StreamDelta:
    """A piece of provisional answer text, to append to what is shown."""

    text: str


@dataclass(frozen=True)
class StreamFinal:
    """The verified answer: replaces everything the deltas showed."""

    result: Generated


class LLMComposer:
    def __init__(self, corpus: Corpus, applicability: Applicability, composer: Composer, chat: ChatClient):
        self._corpus = corpus
        self._applicability = applicability
        self._composer = composer
        self._chat = chat

    def __repr__(self) -> str:
        return f"LLMComposer(chat={self._chat!r})"

    @classmethod
    def from_settings(
        cls, corpus: Corpus, applicability: Applicability, composer: Composer, settings: LLMSettings
    ) -> LLMComposer:
        return cls(corpus, applicability, composer, LlamaChat(settings))

    # --- the two entry points -------------------------------------------------------------

    def answer(
        self, question: str, as_of: date, query: Query, hits: Sequence[Hit], rule: RuleResult | None = None
    ) -> Generated:
        units, messages = self._prompt(question, as_of, query, hits, rule)
        try:
            reply = self._chat.chat(messages)
        except GenerationError as e:
            return self._fallback(query, hits, as_of, rule, [Problem("llm_error", str(e))])
        return self._finish(reply, units, query, hits, as_of, rule)

    def stream_answer(
        self, question: str, as_of: date, query: Query, hits: Sequence[Hit], rule: RuleResult | None = None
    ) -> Iterator[StreamDelta | StreamFinal]:
        """Deltas of the provisional answer, then exactly one ``StreamFinal``.

        For a UI: append each ``StreamDelta.text`` to the message being shown; on the
        ``StreamFinal``, replace the whole message with ``final.result.text`` and show
        ``final.result.citations``. The deltas are unverified: when verification fails the
        final text is the extractive answer (``verification.fallback`` is True), and even when
        it passes the final text may add notes the deltas did not carry."""
        units, messages = self._prompt(question, as_of, query, hits, rule)
        yield StreamDelta(self._opening(as_of, query, rule) + "\n")
        fields = AnswerFieldStream()
        try:
            for piece in self._chat.stream(messages):
                shown = fields.feed(piece)
                if shown:
                    yield StreamDelta(shown)
        except GenerationError as e:
            yield StreamFinal(self._fallback(query, hits, as_of, rule, [Problem("llm_error", str(e))]))
            return
        yield StreamFinal(self._finish(fields.raw, units, query, hits, as_of, rule))

    # --- steps ------------------------------------------------------------------------------

    def _sources(self, query: Query, hits: Sequence[Hit], rule: RuleResult | None) -> list[str]:
        keys = [c.key for c in rule.citations] if rule else []
        keys += list(query.refs) + [h.key for h in hits]
        out = []
        for key in dict.fromkeys(keys):
            unit = self._corpus.units.get(key)
            if unit and self._corpus.instruments[unit.doc_id].citable:
                out.append(key)
        return out[:MAX_SOURCES]

    def _prompt(
        self, question: str, as_of: date, query: Query, hits: Sequence[Hit], rule: RuleResult | None
    ) -> tuple[list[PromptUnit], tuple[Message, ...]]:
        units = []
        for key in self._sources(query, hits, rule):
            unit = self._corpus.units[key]
            label = self._applicability.label(key, as_of) or ""
            units.append(PromptUnit(key, source_label(self._corpus.title_of(key), unit.locator), unit.text, label))
        brief = None
        if rule is not None:
            brief = RuleBrief(rule.statement, rule.decision, rule.missing_facts, rule.warnings)
        return units, build_messages(question, as_of, units, brief, query.english)

    def _opening(self, as_of: date, query: Query, rule: RuleResult | None) -> str:
        header = self._composer.messages.say("as_of_short", query.english, date=as_of.isoformat())
        # The rule's own sentence always opens a rule answer: the model only explains it.
        return f"{header}\n{rule.statement}" if rule is not None and rule.statement else header

    def _finish(
        self,
        reply: str,
        units: Sequence[PromptUnit],
        query: Query,
        hits: Sequence[Hit],
        as_of: date,
        rule: RuleResult | None,
    ) -> Generated:
        try:
            draft = parse_reply(reply)
        except ReplyFormatError as e:
            return self._fallback(query, hits, as_of, rule, [Problem("unparseable", str(e))])
        given = {u.key: self._corpus.units[u.key].text for u in units}
        support = [as_of.isoformat()]
        if rule is not None:
            support += [rule.statement, *rule.warnings, *flatten(rule.decision), *flatten(rule.facts)]
            support += [c.quote for c in rule.citations]
        checked = check_draft(
            draft.answer,
            [(c.key, c.quote) for c in draft.citations],
            given,
            support,
            mechanism=(rule.decision.get("mechanism") if rule is not None else None),
            require_citation=rule is None,
        )
        problems = list(checked.problems)
        if draft.malformed:
            problems.insert(0, Problem("malformed_citation", f"{draft.malformed} citation entries were not key/quote"))
        if not checked.text_supported:
            return self._fallback(query, hits, as_of, rule, problems)
        citations = list(rule.citations) if rule is not None else []
        for c in checked.citations:
            if all((c.key, c.quote) != (old.key, old.quote) for old in citations):
                citations.append(self._composer.citation(c.key, c.quote))
        text = self._opening(as_of, query, rule) + "\n" + draft.answer + self._notes(citations, as_of, query, rule)
        return Generated(text, tuple(citations), Verification("llm", not problems, tuple(problems), False))

    def _notes(self, citations: Sequence[Citation], as_of: date, query: Query, rule: RuleResult | None) -> str:
        """Labels for cited units that do not govern on the date, and the rule's warnings:
        shown by us, whatever the model wrote."""
        lines = []
        for key in dict.fromkeys(c.key for c in citations):
            label = self._applicability.label(key, as_of)
            if label:
                source = source_label(self._corpus.title_of(key), self._corpus.units[key].locator)
                lines.append(self._composer.messages.say("source_note", query.english, source=source, label=label))
        if rule is not None:
            for warning in rule.warnings:
                if warning not in rule.statement:
                    lines.append(self._composer.messages.say("warning", query.english, text=warning))
        return "".join("\n" + line for line in lines)

    def _fallback(
        self, query: Query, hits: Sequence[Hit], as_of: date, rule: RuleResult | None, problems: list[Problem]
    ) -> Generated:
        if rule is not None:
            composed = self._composer.rule_answer(rule, query, as_of)
        else:
            composed = self._composer.answer(query, hits, as_of)
        return Generated(composed.text, composed.citations, Verification("extractive", False, tuple(problems), True))
