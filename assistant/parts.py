"""Build an assistant's parts from configuration, once, at the entry point.

``build_parts(config)`` loads the corpus, the lexicon, the writing tables, the message
catalogue, the applicability of each unit on a date, the embedder and the trained relevance
model, opens (or builds) the index, and makes the rule engine, the extractive composer and,
when a model endpoint is configured, the generator. ``api.Assistant`` is assembled from the
resulting ``Parts``, so a test can assemble one from parts of its own.

Not here: answering (``api``), deciding where a question goes (``route``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .applicability import Applicability, load_applicability
from .compose import Composer
from .config import Config
from .corpus import load_corpus
from .embed import Embedder, make_embedder
from .glosses import load_glosses
from .index import HybridIndex, open_index
from .lexicon import Lexicon, load_lexicon
from .llm import LLMComposer, LLMSettings
from .messages import Messages
from .relevance import RelevanceModel, load_relevance
from .rules import RuleEngine, load_rule_table
from .types import Corpus
from .writing import Reader


@dataclass(frozen=True)
class Parts:
    corpus: Corpus
    lexicon: Lexicon
    reader: Reader
    messages: Messages
    applicability: Applicability
    embedder: Embedder
    relevance: RelevanceModel | None
    index: HybridIndex
    composer: Composer
    rules: RuleEngine
    generator: LLMComposer | None  # only when a model endpoint is configured


def build_parts(
    config: Config,
    embedder: Embedder | None = None,
    notify: Callable[[str], None] | None = None,
    rebuild: bool = True,
) -> Parts:
    """Every part ``config`` names; ``embedder`` replaces the configured one (a test's or an
    evaluation's wrapper), ``notify`` hears of an index being built, ``rebuild=False`` refuses
    a stale index instead of rebuilding it."""
    corpus = load_corpus(config.corpus_dir)
    lexicon = load_lexicon(config.lexicon_path)
    messages = Messages.load()
    applicability = load_applicability(corpus)
    embedder = embedder or make_embedder(config.embedder)
    relevance = load_relevance(config.relevance_dir, embedder.id)
    index = open_index(
        corpus,
        embedder,
        config.index_dir,
        lexicon.terms(),
        load_glosses(corpus, config.glosses_path),
        rebuild=rebuild,
        notify=notify,
        cache_dir=config.embed_cache_dir,
        model_digest=relevance.digest if relevance else "",
    )
    composer = Composer(
        corpus,
        applicability,
        index.tokenizer.tokens,
        # Quotes are picked by the texts' own words: the glosses would make a word rare or
        # common in the corpus only because of how the units were described.
        index.plain_bm25.idf,
        index.sentence_words,
        messages=messages,
    )
    settings = LLMSettings.from_config(config)
    return Parts(
        corpus=corpus,
        lexicon=lexicon,
        reader=Reader.load(),
        messages=messages,
        applicability=applicability,
        embedder=embedder,
        relevance=relevance,
        index=index,
        composer=composer,
        rules=RuleEngine(corpus, load_rule_table()),
        # llama-index is imported only when a model endpoint is configured.
        generator=LLMComposer.from_settings(corpus, applicability, composer, settings) if settings else None,
    )
