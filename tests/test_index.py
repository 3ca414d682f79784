"""Index round trip, staleness and corruption, on a tiny corpus with a deterministic embedder."""

import itertools
import json
from datetime import date

import numpy as np
import pytest

from assistant.applicability import Applicability
from assistant.corpus import load_corpus
from assistant.errors import IndexError_
from assistant.index import build_index, check_index, load_index, open_index
from assistant.lexicon import Lexicon
from assistant.query import analyse
from assistant.retrieve import Retriever, baseline_search
from assistant.text import sentences as split_sentences
from tests.conftest import HashEmbedder


def _build(tiny_corpus, tmp_path):
    corpus = load_corpus(tiny_corpus)
    index = build_index(corpus, HashEmbedder(), tmp_path / "index", ["境外接收方"], progress=False)
    return corpus, index


def test_round_trip(tiny_corpus, tmp_path):
    corpus, built = _build(tiny_corpus, tmp_path)
    loaded = load_index(corpus, HashEmbedder(), tmp_path / "index", ["境外接收方"])
    assert loaded.chunks == built.chunks and loaded.tokens == built.tokens
    assert loaded.dense.ntotal == len(corpus.units)
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["corpus_digest"] == corpus.digest
    assert manifest["embedder"] == HashEmbedder.id and manifest["dim"] == 64
    assert set(manifest["files"]) == {
        "chunks.json", "phrases.json", "dense.faiss", "jieba.dict", "sentences.json"
    }
    assert not (tmp_path / ".index.building").exists()
    # Every sentence of every unit is stored with the words the tokenizer gives it.
    sentences = {s for u in corpus.units.values() for s in split_sentences(u.text) if s.strip()}
    assert set(loaded.sentence_words) == sentences
    assert all(loaded.sentence_words[s] == frozenset(loaded.tokenizer.tokens(s)) for s in sentences)


def test_stale_corpus_is_refused_then_rebuilt(tiny_corpus, tmp_path):
    _build(tiny_corpus, tmp_path)
    path = tiny_corpus / "alpha.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## 第三条\n\n新增。\n", encoding="utf-8")
    changed = load_corpus(tiny_corpus)
    with pytest.raises(IndexError_, match="stale"):
        load_index(changed, HashEmbedder(), tmp_path / "index", ["境外接收方"])
    with pytest.raises(IndexError_, match="stale"):
        open_index(changed, HashEmbedder(), tmp_path / "index", ["境外接收方"], rebuild=False)
    reasons = []
    rebuilt = open_index(changed, HashEmbedder(), tmp_path / "index", notify=reasons.append)
    assert "alpha#第三条" in {c.key for c in rebuilt.chunks}
    assert reasons and "stale" in reasons[0]


def test_an_index_of_an_earlier_format_is_rebuilt_in_place(tiny_corpus, tmp_path):
    # format 8 also wrote sentence_vectors.npz: the folder is still an index, not someone's files
    corpus, _ = _build(tiny_corpus, tmp_path)
    manifest = tmp_path / "index" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 8}), encoding="utf-8")
    (tmp_path / "index" / "sentence_vectors.npz").write_bytes(b"old")
    with pytest.raises(IndexError_, match="format 8 is out of date"):
        load_index(corpus, HashEmbedder(), tmp_path / "index", ["境外接收方"])
    open_index(corpus, HashEmbedder(), tmp_path / "index", ["境外接收方"])
    assert not (tmp_path / "index" / "sentence_vectors.npz").exists()
    assert json.loads(manifest.read_text())["format"] == 9


def test_other_embedder_is_refused(tiny_corpus, tmp_path):
    corpus, _ = _build(tiny_corpus, tmp_path)

    class Other(HashEmbedder):
        id = "test:other"

    with pytest.raises(IndexError_, match="built with embedder 'test:hash-bigrams-64'"):
        check_index(corpus, Other.id, tmp_path / "index", ["境外接收方"])


@pytest.mark.parametrize("name", ["dense.faiss", "chunks.json", "jieba.dict", "sentences.json"])
def test_truncated_file_is_detected(tiny_corpus, tmp_path, name):
    corpus, _ = _build(tiny_corpus, tmp_path)
    path = tmp_path / "index" / name
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(IndexError_, match=f"{name} does not match its checksum"):
        load_index(corpus, HashEmbedder(), tmp_path / "index", ["境外接收方"])


def test_missing_index_and_corrupt_manifest(tiny_corpus, tmp_path):
    corpus = load_corpus(tiny_corpus)
    with pytest.raises(IndexError_, match="no index"):
        check_index(corpus, HashEmbedder.id, tmp_path / "none")
    _build(tiny_corpus, tmp_path)
    (tmp_path / "index" / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexError_, match=r"manifest .* is corrupt"):
        check_index(corpus, HashEmbedder.id, tmp_path / "index", ["境外接收方"])


def test_fusion_explicit_reference_and_dates(tiny_corpus, tmp_path):
    corpus, index = _build(tiny_corpus, tmp_path)
    lexicon = Lexicon(expand={}, instruments={"alpha": ("测试办法",)}, domain=("备案",), foreign=())
    locators = {"第一条": ("alpha",), "第二条": ("alpha",)}
    retriever = Retriever(index, Applicability(corpus, {}))
    hits = retriever.search(analyse("标准合同生效后多少个工作日内备案", lexicon, locators), date(2024, 1, 1))
    assert hits[0].key == "alpha#第一条"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    # an explicitly named unit comes first even though another shares more words
    hits = retriever.search(analyse("测试办法第二条 备案 工作日", lexicon, locators), date(2024, 1, 1))
    assert hits[0].key == "alpha#第二条"
    # before its instrument is in force a unit is pushed below an equal one that is
    early = retriever.search(analyse("备案", lexicon, locators), date(2023, 1, 1))
    late = retriever.search(analyse("备案", lexicon, locators), date(2024, 6, 1))
    score = {h.key: h.score for h in early}
    assert score["alpha#第一条"] < {h.key: h.score for h in late}["alpha#第一条"]
    assert baseline_search(index, "标准合同生效后多少个工作日内备案")[0] == "alpha#第一条"


def test_changed_lexicon_makes_the_index_stale(tiny_corpus, tmp_path):
    corpus, _ = _build(tiny_corpus, tmp_path)
    check_index(corpus, HashEmbedder.id, tmp_path / "index", ["境外接收方"])
    with pytest.raises(IndexError_, match="lexicon has changed"):
        check_index(corpus, HashEmbedder.id, tmp_path / "index", ["境外接收方", "海外总部"])


class CountingEmbedder(HashEmbedder):
    """Counts the passages it is asked to embed."""

    def __init__(self):
        self.passages = 0

    def embed_passages(self, texts):
        self.passages += len(texts)
        return self.embed_queries(texts)


def test_a_rebuild_embeds_only_the_chunks_whose_text_changed(tiny_corpus, tmp_path):
    cache = tmp_path / "cache"
    first = CountingEmbedder()
    built = build_index(load_corpus(tiny_corpus), first, tmp_path / "index", progress=False, cache_dir=cache)
    assert first.passages == len(built.chunks) == built.manifest["chunks_embedded"]
    path = tiny_corpus / "alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("不得向第三方", "不得擅自向第三方"), encoding="utf-8")
    again = CountingEmbedder()
    rebuilt = build_index(load_corpus(tiny_corpus), again, tmp_path / "index", progress=False, cache_dir=cache)
    assert again.passages == rebuilt.manifest["chunks_embedded"] == 1
    # the cached vectors are the ones a fresh build computes
    fresh = build_index(load_corpus(tiny_corpus), HashEmbedder(), tmp_path / "fresh", progress=False)
    assert np.array_equal(rebuilt.dense.reconstruct_n(0, rebuilt.dense.ntotal), fresh.dense.reconstruct_n(0, fresh.dense.ntotal))


def test_an_unreadable_vector_cache_is_rebuilt_not_trusted(tiny_corpus, tmp_path):
    from assistant.embed_cache import cache_file

    cache = tmp_path / "cache"
    build_index(load_corpus(tiny_corpus), HashEmbedder(), tmp_path / "index", progress=False, cache_dir=cache)
    cache_file(cache, HashEmbedder.id).write_bytes(b"not a numpy archive")
    counting = CountingEmbedder()
    index = build_index(load_corpus(tiny_corpus), counting, tmp_path / "index", progress=False, cache_dir=cache)
    assert counting.passages == len(index.chunks)
