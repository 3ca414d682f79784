"""The assistant's hybrid, date-aware retriever as a llama-index ``BaseRetriever``.

For people who build their own llama-index pipelines over this corpus::

    retriever = CorpusRetriever(assistant, as_of="2024-10-18", k=5)
    engine = RetrieverQueryEngine.from_args(retriever, llm=my_llm)  # pass the LLM explicitly

Each result is a ``NodeWithScore`` whose ``TextNode`` has ``id_`` = the citation key, ``text``
= the unit's verbatim text, and metadata ``key``, ``title``, ``locator``, ``doc_id``,
``effective`` (ISO date or "") and ``applicability`` (why the unit does not govern on the
as-of date, or "" when it does). Scores are the fused retrieval scores, comparable within one
query only.

Not here: answering, rules or verification: a llama-index query engine built on this
retriever gets none of the assistant's checks. No embedder or LLM is involved, so nothing
here can fall back to llama-index's global ``Settings``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .api import clean_question, parse_as_of


class CorpusRetriever(BaseRetriever):
    """``assistant`` is an ``Assistant`` (anything with ``analyse``, ``retriever``, ``corpus``,
    ``applicability``). ``as_of`` fixes the date; None means today in China at each query."""

    def __init__(self, assistant: Any, as_of: date | str | None = None, k: int = 5, **kwargs: Any):
        if k < 1:
            raise ValueError("k must be at least 1")
        self._assistant = assistant
        self._as_of = None if as_of is None else parse_as_of(as_of)  # validate now, not at query time
        self._k = k
        # An explicit callback manager: the base class would otherwise read the global Settings.
        kwargs.setdefault("callback_manager", CallbackManager())
        super().__init__(**kwargs)

    def __repr__(self) -> str:
        when = self._as_of.isoformat() if self._as_of else "today"
        return f"CorpusRetriever(as_of={when}, k={self._k})"

    def at(self, as_of: date | str | None) -> CorpusRetriever:
        """The same retriever for another as-of date (this one is not changed)."""
        return CorpusRetriever(self._assistant, as_of, self._k, callback_manager=self.callback_manager)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = clean_question(query_bundle.query_str)
        as_of = self._as_of or parse_as_of(None)
        hits = self._assistant.retriever.search(self._assistant.analyse(question), as_of, self._k)
        return [NodeWithScore(node=self._node(hit.key, as_of), score=hit.score) for hit in hits]

    def _node(self, key: str, as_of: date) -> TextNode:
        corpus = self._assistant.corpus
        unit = corpus.units[key]
        inst = corpus.instruments[unit.doc_id]
        metadata = {
            "key": key,
            "title": inst.title,
            "locator": unit.locator,
            "doc_id": unit.doc_id,
            "effective": inst.effective.isoformat() if inst.effective else "",
            "applicability": self._assistant.applicability.label(key, as_of) or "",
        }
        # The key is how an answer cites; doc_id and effective date only add noise for an embedder.
        return TextNode(
            id_=key,
            text=unit.text,
            metadata=metadata,
            excluded_embed_metadata_keys=["doc_id", "effective", "applicability"],
        )
