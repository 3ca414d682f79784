"""Build, persist and load the hybrid index: FAISS over dense vectors plus BM25 tokens.

Units are cut into chunks (long contract articles run to thousands of characters, and an
embedding of the whole would blur them); every chunk keeps its unit key, so retrieval
always resolves to a citable unit. Each chunk is prefixed with its instrument title and
heading, which both legs use to match questions that name an instrument or article. The
BM25 leg also indexes each chunk with its unit's topic gloss (``glosses``; every chunk of a
long article gets it, since a clause deep inside is still about the article's matters), so
that questions in everyday or English wording reach a unit by the matters it deals with; a
small third BM25 holds each gloss phrase as a document of its own, owned by its unit. The
dense vectors are of the text alone: with the gloss they took two and a half times as long
to build for little more gain (README, "Evaluation"). A second BM25 without the glosses
serves the evaluation's plain baseline, which must not profit from them.

On disk (``index_dir``): ``chunks.json``, ``phrases.json`` (each gloss phrase's unit and
words), ``dense.faiss``, ``jieba.dict``, ``sentences.json`` (the words of every sentence of
the citable units, which the composer scores when it picks a quote, so that no answer has to
segment whole articles again) and
``manifest.json`` recording the corpus digest, lexicon and gloss digests, embedder id,
dimension, chunking version and a SHA-256 of every file. ``load_index`` refuses, with the
reason, an index that is missing, built from another corpus, lexicon, glosses or embedder,
or whose files do not match their checksums; ``open_index`` rebuilds in that case. A build
writes into a fresh folder and swaps it in, so an interrupted build never leaves a
half-written index behind.

Not here: scoring and fusion (``retrieve``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import bm25
from .bm25 import BM25Stats
from .embed import Embedder
from .embed_cache import embed_with_cache
from .errors import IndexError_
from .text import sentences
from .tokenize import Tokenizer, write_dictionary
from .types import Corpus, Unit

if TYPE_CHECKING:
    import faiss  # for the annotation only: the functions below import it where they use it

FORMAT = 9  # bump when chunking or file layout changes: old indexes become stale
CHUNK_CHARS = 300
_FILES = ("chunks.json", "phrases.json", "dense.faiss", "jieba.dict", "sentences.json")
# Files an index of an earlier format wrote and this one does not: still the index's own, so a
# rebuild replaces a folder holding them instead of refusing it as someone's documents.
_RETIRED = ("sentence_vectors.npz",)  # up to format 8
_NO_GLOSSES: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class Chunk:
    key: str
    text: str  # verbatim piece of the unit text (the heading alone for an empty unit)
    context: str  # "title heading" prefix used for matching, never quoted


@dataclass(frozen=True)
class HybridIndex:
    chunks: tuple[Chunk, ...]
    tokens: tuple[tuple[str, ...], ...]  # what BM25 counts: each chunk's words twice, its gloss's once
    # (BM25Stats by its own name: in this class ``bm25`` is the field)
    bm25: BM25Stats
    plain_bm25: BM25Stats  # without the glosses: the baseline's BM25
    phrases: BM25Stats  # one document per gloss phrase
    phrase_keys: tuple[str, ...]  # the unit each phrase document belongs to
    dense: faiss.Index
    sentence_words: Mapping[str, frozenset[str]]  # sentence of a citable unit -> its words
    tokenizer: Tokenizer
    embedder: Embedder
    manifest: dict[str, Any]


def chunk_unit(unit: Unit, title: str, limit: int = CHUNK_CHARS) -> list[Chunk]:
    """Split a unit into spans of at most about ``limit`` characters, cut at paragraph
    breaks, or at sentence ends inside an over-long paragraph. Each chunk is a slice of
    the unit text, so whatever is quoted from a chunk is verbatim."""
    context = " ".join(part for part in (title, unit.section, unit.heading) if part)
    text = unit.text
    if not text.strip():
        return [Chunk(unit.key, unit.heading, context)]
    atoms: list[tuple[int, int]] = []  # (start, end) offsets of paragraphs or sentences
    offset = 0
    for para in text.split("\n\n"):
        parts = [para] if len(para) <= limit else sentences(para)
        for part in parts:
            if part.strip():
                atoms.append((offset, offset + len(part)))
            offset += len(part)
        offset += 2  # the paragraph break
    spans: list[list[int]] = []
    for begin, finish in atoms:
        if spans and finish - spans[-1][0] <= limit:
            spans[-1][1] = finish
        else:
            spans.append([begin, finish])
    return [Chunk(unit.key, text[b:e].strip("\n"), context) for b, e in spans]


def corpus_chunks(corpus: Corpus) -> list[Chunk]:
    chunks: list[Chunk] = []
    for unit in corpus.units.values():
        if corpus.instruments[unit.doc_id].citable:
            chunks.extend(chunk_unit(unit, corpus.title_of(unit.key)))
    return chunks


def _unit_sentences(corpus: Corpus) -> dict[str, None]:
    """Every non-blank sentence of the citable units, once each, in corpus order."""
    found: dict[str, None] = {}
    for unit in corpus.units.values():
        if corpus.instruments[unit.doc_id].citable:
            found.update((s, None) for s in sentences(unit.text) if s.strip())
    return found


def terms_digest(terms: Iterable[str]) -> str:
    """Identifies the lexicon terms baked into the tokenizer dictionary: changing the lexicon
    changes how text is segmented, so an index built with other terms is stale."""
    return hashlib.sha256("\n".join(sorted(set(terms))).encode()).hexdigest()


def glosses_digest(glosses: Mapping[str, Sequence[str]]) -> str:
    """Identifies the glosses baked into the chunks' and phrases' search text."""
    data = {key: list(phrases) for key, phrases in sorted(glosses.items())}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_index(
    corpus: Corpus,
    embedder: Embedder,
    index_dir: Path,
    extra_terms: Iterable[str] = (),
    glosses: Mapping[str, Sequence[str]] = _NO_GLOSSES,
    progress: bool = True,
    cache_dir: Path | None = None,
    model_digest: str = "",
) -> HybridIndex:
    """Build from scratch into ``index_dir`` (replacing what is there) and return it loaded.
    ``cache_dir`` keeps passage vectors between builds (``embed_cache``): only chunks whose
    text changed are embedded again."""
    import faiss
    from tqdm import tqdm

    started = time.perf_counter()
    _check_replaceable(index_dir)
    extra_terms = list(extra_terms)
    chunks = corpus_chunks(corpus)
    staging = index_dir.parent / f".{index_dir.name}.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    texts = [f"{c.context}\n{c.text}" for c in chunks]
    write_dictionary(texts, extra_terms, staging / "jieba.dict")
    tokenizer = Tokenizer(staging / "jieba.dict")
    tokens = [tokenizer.tokens(t) for t in texts]
    phrases = [{"key": key, "tokens": tokenizer.tokens(p)} for key, ps in glosses.items() for p in ps]
    words = {s: tokenizer.tokens(s) for s in _unit_sentences(corpus)}

    bar = tqdm(total=len(texts), desc="embedding passages", unit="passage", disable=not progress, file=sys.stderr)
    matrix, embedded = embed_with_cache(embedder, texts, cache_dir, bar.update)
    bar.close()
    dense = faiss.IndexFlatIP(matrix.shape[1])
    dense.add(matrix)
    faiss.write_index(dense, str(staging / "dense.faiss"))
    payload = [
        {"key": c.key, "text": c.text, "context": c.context, "tokens": t}
        for c, t in zip(chunks, tokens, strict=True)
    ]
    (staging / "chunks.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    (staging / "phrases.json").write_text(json.dumps(phrases, ensure_ascii=False), encoding="utf-8")
    (staging / "sentences.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    manifest = {
        "format": FORMAT,
        "corpus_digest": corpus.digest,
        "terms_digest": terms_digest(extra_terms),
        "glosses_digest": glosses_digest(glosses),
        # the trained relevance model served with this index (``relevance``); "" for none
        "relevance_model": model_digest,
        "embedder": embedder.id,
        "dim": int(matrix.shape[1]),
        "chunks": len(chunks),
        "chunks_embedded": embedded,  # the rest came from the vector cache
        "build_seconds": round(time.perf_counter() - started, 2),
        "files": {name: _sha256(staging / name) for name in _FILES},
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    if index_dir.exists():
        shutil.rmtree(index_dir)
    staging.rename(index_dir)
    return load_index(corpus, embedder, index_dir, extra_terms, glosses, model_digest=model_digest)


def _check_replaceable(index_dir: Path) -> None:
    """Refuse to replace a folder that holds anything but an index's own files: a mistyped
    ``ASSISTANT_INDEX_DIR`` must not delete someone's documents."""
    if not index_dir.exists():
        return
    if not index_dir.is_dir():
        raise IndexError_(f"{index_dir} is a file, not an index folder: choose another ASSISTANT_INDEX_DIR")
    foreign = sorted(p.name for p in index_dir.iterdir() if p.name not in {*_FILES, *_RETIRED, "manifest.json"})
    manifest = index_dir / "manifest.json"
    if manifest.exists() and not _is_index_manifest(manifest):
        foreign.insert(0, manifest.name)  # someone's own manifest.json, not an index's
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise IndexError_(
            f"{index_dir} holds files that are not part of an index ({shown}); nothing was changed. "
            "Point ASSISTANT_INDEX_DIR at an empty or new folder."
        )


def _is_index_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"format", "corpus_digest", "files"} <= data.keys()


def check_index(
    corpus: Corpus,
    embedder_id: str,
    index_dir: Path,
    extra_terms: Iterable[str] = (),
    glosses: Mapping[str, Sequence[str]] = _NO_GLOSSES,
    model_digest: str = "",
) -> dict[str, Any]:
    """Return the manifest if the index on disk is usable for this corpus and embedder;
    otherwise raise ``IndexError_`` saying why."""
    manifest_path = index_dir / "manifest.json"
    if not manifest_path.is_file():
        raise IndexError_(f"no index at {index_dir} (run: python -m assistant build)")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise IndexError_(f"index manifest {manifest_path} is corrupt") from None
    if manifest.get("format") != FORMAT:
        raise IndexError_(f"index format {manifest.get('format')} is out of date (expected {FORMAT})")
    if manifest.get("corpus_digest") != corpus.digest:
        raise IndexError_("index is stale: the corpus has changed since it was built")
    if manifest.get("terms_digest") != terms_digest(extra_terms):
        raise IndexError_("index is stale: the lexicon has changed since it was built")
    if manifest.get("glosses_digest") != glosses_digest(glosses):
        raise IndexError_("index is stale: the unit glosses have changed since it was built")
    if manifest.get("relevance_model", "") != model_digest:
        raise IndexError_("index is stale: the trained relevance model has changed since it was built")
    if manifest.get("embedder") != embedder_id:
        raise IndexError_(
            f"index was built with embedder {manifest.get('embedder')!r}, configured is {embedder_id!r}"
        )
    for name, digest in (manifest.get("files") or {}).items():
        path = index_dir / name
        if not path.is_file():
            raise IndexError_(f"index file {name} is missing")
        if _sha256(path) != digest:
            raise IndexError_(f"index file {name} does not match its checksum (truncated or corrupted)")
    if set(manifest.get("files") or {}) != set(_FILES):
        raise IndexError_("index manifest does not list the expected files")
    return manifest


def load_index(
    corpus: Corpus,
    embedder: Embedder,
    index_dir: Path,
    extra_terms: Iterable[str] = (),
    glosses: Mapping[str, Sequence[str]] = _NO_GLOSSES,
    model_digest: str = "",
) -> HybridIndex:
    import faiss

    manifest = check_index(corpus, embedder.id, index_dir, extra_terms, glosses, model_digest)
    payload = json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))
    chunks = tuple(Chunk(p["key"], p["text"], p["context"]) for p in payload)
    plain = tuple(tuple(p["tokens"]) for p in payload)
    phrases = json.loads((index_dir / "phrases.json").read_text(encoding="utf-8"))
    gloss_tokens: dict[str, list[str]] = {}
    for phrase in phrases:
        gloss_tokens.setdefault(phrase["key"], []).extend(phrase["tokens"])
    # The text's own words count twice, the gloss's once: the law is the authority and the
    # gloss a description of it. On the held-out sets the weight hardly mattered (MRR
    # 0.815-0.820 for gloss weights 1/2, 1, 2); at 1/2 no gold question type fell below its bar.
    tokens = tuple(tuple(p["tokens"] * 2 + gloss_tokens.get(p["key"], [])) for p in payload)
    words = json.loads((index_dir / "sentences.json").read_text(encoding="utf-8"))
    dense = faiss.read_index(str(index_dir / "dense.faiss"))
    if dense.ntotal != len(chunks) or dense.d != manifest["dim"]:
        raise IndexError_("dense index does not match the chunk list")
    return HybridIndex(
        chunks=chunks,
        tokens=tokens,
        bm25=bm25.fit(tokens),
        plain_bm25=bm25.fit(plain),
        # an index without glosses still needs one (empty) document to fit
        phrases=bm25.fit([p["tokens"] for p in phrases] or [[]]),
        phrase_keys=tuple(p["key"] for p in phrases),
        dense=dense,
        sentence_words={sentence: frozenset(w) for sentence, w in words.items()},
        tokenizer=Tokenizer(index_dir / "jieba.dict"),
        embedder=embedder,
        manifest=manifest,
    )


def open_index(
    corpus: Corpus,
    embedder: Embedder,
    index_dir: Path,
    extra_terms: Sequence[str] = (),
    glosses: Mapping[str, Sequence[str]] = _NO_GLOSSES,
    rebuild: bool = True,
    notify: Callable[[str], None] | None = None,
    cache_dir: Path | None = None,
    model_digest: str = "",
) -> HybridIndex:
    """Load the index, rebuilding it (and saying why through ``notify``) when it is
    missing, stale or corrupt and ``rebuild`` is true; otherwise refuse with the reason."""
    try:
        return load_index(corpus, embedder, index_dir, extra_terms, glosses, model_digest)
    except IndexError_ as reason:
        if not rebuild:
            raise
        if notify:
            notify(f"rebuilding index: {reason}")
        return build_index(
            corpus,
            embedder,
            index_dir,
            extra_terms,
            glosses,
            progress=notify is not None,
            cache_dir=cache_dir,
            model_digest=model_digest,
        )
