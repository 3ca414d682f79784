"""Topic glosses: the shipped file, its validation, and how the index uses it (BM25 only,
never the dense vectors, the quotes or the plain baseline)."""

import tomllib
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.applicability import Applicability
from assistant.corpus import load_corpus
from assistant.errors import CorpusError, IndexError_
from assistant.glosses import DEFAULT_GLOSSES, load_glosses
from assistant.index import build_index, check_index, load_index
from assistant.lexicon import Lexicon
from assistant.query import analyse
from assistant.retrieve import Fusion, Retriever, baseline_search, phrase_scores
from tests.conftest import ROOT, HashEmbedder

GLOSS = '["alpha#第二条"]\nzh = ["海外总部转给别家公司"]\nen = ["onward transfer by the importer"]\n'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glosses.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _shipped() -> dict:
    return tomllib.loads(DEFAULT_GLOSSES.read_text(encoding="utf-8"))


def test_shipped_glosses_cover_every_citable_unit_in_both_languages():
    corpus = load_corpus(ROOT / "corpus")
    citable = {k for k, u in corpus.units.items() if corpus.instruments[u.doc_id].citable}
    assert set(load_glosses(corpus)) == citable
    for key, entry in _shipped().items():
        assert entry["zh"] and not any(p.isascii() for p in entry["zh"]), key
        assert entry["en"] and all(p.isascii() for p in entry["en"]), key


def test_a_gloss_is_its_phrases_chinese_first(tiny_corpus, tmp_path):
    glosses = load_glosses(load_corpus(tiny_corpus), _write(tmp_path, GLOSS))
    assert dict(glosses) == {"alpha#第二条": ("海外总部转给别家公司", "onward transfer by the importer")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('["alpha#第九条"]\nzh = ["不存在"]\n', "'alpha#第九条'] is not a citable unit"),
        ('["alpha#第二条"]\nzh = "不是列表"\n', "zh must be a list of non-empty phrases"),
        ('["alpha#第二条"]\nen = ["ok", "  "]\n', "en must be a list of non-empty phrases"),
        ('["alpha#第二条"]\nfr = ["transfert"]\n', "may only hold the lists zh and en"),
        ('["alpha#第二条"\nzh = []\n', "not valid TOML"),
    ],
)
def test_bad_glosses_are_refused_naming_file_and_key(tiny_corpus, tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(CorpusError, match=message) as raised:
        load_glosses(load_corpus(tiny_corpus), path)
    assert str(path) in str(raised.value)


def test_missing_glosses_file_is_a_clear_error(tiny_corpus, tmp_path):
    with pytest.raises(CorpusError, match="glosses file not found"):
        load_glosses(load_corpus(tiny_corpus), tmp_path / "none.toml")


def test_glosses_reach_bm25_but_not_the_vectors_or_the_baseline(tiny_corpus, tmp_path):
    corpus = load_corpus(tiny_corpus)
    glosses = load_glosses(corpus, _write(tmp_path, GLOSS))
    plain = build_index(corpus, HashEmbedder(), tmp_path / "plain", progress=False)
    glossed = build_index(corpus, HashEmbedder(), tmp_path / "glossed", (), glosses, progress=False)
    second = [i for i, c in enumerate(glossed.chunks) if c.key == "alpha#第二条"]
    others = [i for i, c in enumerate(glossed.chunks) if c.key != "alpha#第二条"]
    assert all("海外" in "".join(glossed.tokens[i]) and "onward" in glossed.tokens[i] for i in second)
    assert all(glossed.tokens[i] == plain.tokens[i] for i in others)
    # The chunk text, the dense vectors and the baseline's BM25 are those of the text alone.
    assert glossed.chunks == plain.chunks
    n = plain.dense.ntotal
    assert np.array_equal(glossed.dense.reconstruct_n(0, n), plain.dense.reconstruct_n(0, n))
    assert glossed.plain_bm25 == plain.plain_bm25
    # Wording found only in the gloss reaches the unit; the plain recipe cannot use it.
    lexicon = Lexicon(expand={}, instruments={}, domain=("境外",), foreign=())
    hits = Retriever(glossed, Applicability(corpus, {})).search(analyse("onward transfer", lexicon, {}), date(2024, 6, 1))
    assert hits[0].key == "alpha#第二条"
    assert baseline_search(glossed, "onward transfer") == baseline_search(plain, "onward transfer")


def test_changed_glosses_make_the_index_stale(tiny_corpus, tmp_path):
    corpus = load_corpus(tiny_corpus)
    glosses = load_glosses(corpus, _write(tmp_path, GLOSS))
    build_index(corpus, HashEmbedder(), tmp_path / "index", (), glosses, progress=False)
    check_index(corpus, HashEmbedder.id, tmp_path / "index", (), glosses)
    changed = load_glosses(corpus, _write(tmp_path, GLOSS.replace("别家公司", "第三方")))
    for glosses_now in (changed, {}):
        with pytest.raises(IndexError_, match="glosses have changed"):
            load_index(corpus, HashEmbedder(), tmp_path / "index", (), glosses_now)


@pytest.mark.parametrize(
    "question", ["what is the deadline to file the signed contract with the regulator?", "合同签完后多久去报备"]
)
def test_real_answers_quote_the_text_never_a_gloss(assistant, question):
    texts = "\n".join(u.text for u in assistant.corpus.units.values())
    # Phrases that are also legal wording may be quoted as such; the rest must never show.
    phrases = {p for entry in _shipped().values() for p in entry["zh"] + entry["en"] if p not in texts}
    assert len(phrases) > 1000
    answer = assistant.ask(question)
    assert answer.outcome == "answered" and answer.citations
    for citation in answer.citations:
        assert citation.quote in assistant.corpus.units[citation.key].text
    assert not [p for p in phrases if p in answer.answer]


def test_each_phrase_is_scored_on_its_own_for_its_unit(tiny_corpus, tmp_path):
    corpus = load_corpus(tiny_corpus)
    two = '["alpha#第二条"]\nzh = ["海外总部转给别家公司"]\nen = ["onward transfer by the importer", "audit rights"]\n'
    index = build_index(corpus, HashEmbedder(), tmp_path / "index", (), load_glosses(corpus, _write(tmp_path, two)), progress=False)
    assert index.phrase_keys == ("alpha#第二条",) * 3
    # the unit takes its best phrase, scaled so the best unit is 1; units without one are absent
    assert phrase_scores(index, index.tokenizer.tokens("who holds audit rights?")) == {"alpha#第二条": 1.0}
    assert phrase_scores(index, index.tokenizer.tokens("雨天")) == {}
    # the leg adds its weight to the unit's fused score, and nothing to the others
    query = analyse("audit rights", Lexicon({}, {}, (), ()), {})
    app = Applicability(corpus, {})
    with_leg = {h.key: h.score for h in Retriever(index, app).search(query, date(2024, 6, 1), k=10)}
    without = {h.key: h.score for h in Retriever(index, app, Fusion(legs=(1.0, 1.0, 0.0, 0.0, 0.0))).search(query, date(2024, 6, 1), k=10)}
    assert with_leg["alpha#第二条"] == pytest.approx(without["alpha#第二条"] + Fusion().legs[2])
    assert all(with_leg[k] == pytest.approx(without[k]) for k in without if k != "alpha#第二条")
    # an index without glosses has no phrases to score
    bare = build_index(corpus, HashEmbedder(), tmp_path / "bare", (), {}, progress=False)
    assert bare.phrase_keys == () and phrase_scores(bare, ["audit", "rights"]) == {}
