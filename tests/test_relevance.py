"""The trained part of retrieval: the shipped model matches the repo's data, the splits stay
apart, the model's pieces behave, and training runs end to end (slow)."""

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Config
from assistant.corpus import load_corpus
from assistant.glosses import DEFAULT_GLOSSES
from assistant.lexicon import DEFAULT_LEXICON, load_lexicon
from assistant.relevance import (
    DEFAULT_MODEL_DIR,
    RelevanceModel,
    bank_fingerprints,
    load_relevance,
    model_digest,
    text_fingerprint,
)
from assistant.retrieve import Fusion
from eval.manifest import data_digest, in_split, load_manifest

ROOT = Path(__file__).resolve().parent.parent


def _card() -> dict:
    return json.loads((DEFAULT_MODEL_DIR / "card.json").read_text(encoding="utf-8"))


def test_the_shipped_model_was_trained_on_the_repos_labelled_data():
    # A model trained on other data, another corpus or another lexicon is stale: `make train`.
    card = _card()
    assert not card["quick"], "the shipped model is a smoke-test model: run make train"
    digest = data_digest(load_manifest(), DEFAULT_GLOSSES, DEFAULT_LEXICON)
    assert card["data_digest"] == digest, "the labelled data changed since the model was trained: run make train"
    assert card["corpus_digest"] == load_corpus(ROOT / "corpus").digest, "the corpus changed: run make train"
    assert card["trained_on"] == [s.name for s in in_split(load_manifest(), "train")]


def test_the_model_loads_only_for_its_embedder_and_the_index_records_it():
    card = _card()
    model = load_relevance(DEFAULT_MODEL_DIR, card["embedder"])
    assert model is not None and model.digest == model_digest(DEFAULT_MODEL_DIR)
    assert load_relevance(DEFAULT_MODEL_DIR, "st:some-other-model") is None
    # its size stays small enough to ship in the repository
    assert sum((DEFAULT_MODEL_DIR / n).stat().st_size for n in ("model.npz", "card.json")) < 40 * 2**20


def test_no_test_split_question_is_in_any_training_input():
    # The shipped bank keeps a fingerprint of every question and phrase it learned from.
    learned = bank_fingerprints(DEFAULT_MODEL_DIR)
    assert len(learned) > 1000
    sets = load_manifest()
    for split in ("dev", "test"):
        for qs in in_split(sets, split):
            leaked = [item.id for item in qs.items() if text_fingerprint(item.question) in learned]
            assert leaked == [], f"{qs.name}: {leaked} were trained on"
    # and every set file is listed exactly once, in one split
    paths = [s.path for s in sets]
    assert len(paths) == len(set(paths))
    on_disk = {*ROOT.glob("eval/gold*.jsonl"), *ROOT.glob("eval/heldout/*.jsonl"), *ROOT.glob("eval/real/*.jsonl"),
               *ROOT.glob("eval/synthetic/*.jsonl")}
    assert on_disk == set(paths)


def test_real_questions_carry_their_source_and_are_split_by_it():
    by_source: dict[str, set[str]] = {}
    for split in ("train", "dev", "test"):
        for line in (ROOT / "eval" / "real" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert row["source_url"] and row["source"], row["id"]
            by_source.setdefault(row["source"], set()).add(split)
    assert all(len(splits) == 1 for splits in by_source.values())


def _model(bank_units, refuse_above=None) -> RelevanceModel:
    bank = np.eye(len(bank_units), 4, dtype=np.float32)
    return RelevanceModel(np.eye(4, dtype=np.float32), bank, tuple(bank_units), 2, 1.0, Fusion(), refuse_above, {}, "")


def test_the_nearest_labelled_questions_vote_for_their_units_and_for_refusing():
    model = _model([("a#1",), ("a#1", "b#2"), ()], refuse_above=0.5)
    near_first = np.array([1.0, 0.5, 0.0, 0.0], dtype=np.float32)
    # the two nearest (rows 0 and 1) vote: a#1 gets 1.0 + 0.5/2, b#2 gets 0.5/2
    assert model.neighbour_votes(near_first) == pytest.approx({"a#1": 1.0, "b#2": 0.25 / 1.25})
    assert model.refusal_vote(near_first) == 0.0 and not model.refuses(near_first)
    near_refused = np.array([0.0, 0.2, 1.0, 0.0], dtype=np.float32)
    assert model.refusal_vote(near_refused) == pytest.approx(1.0 / 1.2) and model.refuses(near_refused)
    # without a threshold nothing is refused
    assert not _model([(), ()]).refuses(near_refused)


def test_the_refusal_classifier_learns_a_separable_rule_and_the_model_serves_it():
    from eval.train import fit_refusal_classifier

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(200, 4))
    refused = vectors[:, 0] > 1.0  # a few percent, as refusals are
    features = np.hstack([vectors, np.zeros((200, 1)), np.ones((200, 1))])
    w = fit_refusal_classifier(features, refused)
    predicted = (features @ w) > 0
    # the classes weigh the same, so few refusals are missed at the price of some false alarms
    assert predicted[refused].mean() > 0.9 and predicted[~refused].mean() < 0.1
    # served: the score is the classifier's probability, over the vector, the vote and 1
    model = replace(_model([("a#1",), ()], refuse_above=0.5), refusal_weights=w, refusal_kind="classifier")
    far_out = np.array([3.0, 0.0, 0.0, 0.0], dtype=np.float32)
    assert model.refusal_score(far_out) > 0.5 and model.refuses(far_out)
    assert not model.refuses(np.array([-3.0, 0.0, 0.0, 0.0], dtype=np.float32))


def _legs(keys, scores, flags=None):
    from assistant.retrieve import FLAGS, Legs

    n = len(keys)
    return Legs(tuple(keys), np.array(scores, dtype=float),
                np.array(flags if flags is not None else [[False] * len(FLAGS)] * n, dtype=bool),
                np.zeros(n, dtype=bool), np.zeros(n, dtype=int), np.zeros(4, dtype=np.float32))


def test_support_features_describe_each_hit_below_the_best_beside_it():
    from assistant.retrieve import FLAGS, LEGS, SUPPORT_WIDTH, support_features

    not_in_force = [False] * len(FLAGS)
    not_in_force[FLAGS.index("not_in_force")] = True
    legs = _legs(["a#1", "a#2", "b#1"], [[1, 1, 0, 0, 1], [0.5, 1, 0, 0, 0.2], [0, 0, 1, 0, 0]],
                 [[False] * len(FLAGS), [False] * len(FLAGS), not_in_force])
    fused = np.array([4.0, 3.0, 1.0])
    rows = support_features(legs, fused, [0, 1, 2])
    assert rows.shape == (2, SUPPORT_WIDTH)
    second, third = rows
    assert second[0] == 0.75 and third[0] == 0.25  # a share of the best's score
    assert list(second[1 : 1 + len(LEGS)]) == [0.5, 1, 0, 0, 0.2]  # its own legs
    assert third[1 + len(LEGS) + FLAGS.index("not_in_force")] == 1.0  # its flags
    top = 1 + len(LEGS) + len(FLAGS)
    assert list(second[top : top + len(LEGS)]) == [1, 1, 0, 0, 1]  # the best hit's legs
    assert list(second[-3:]) == [1.0, 0.0, 1.0] and list(third[-3:]) == [0.0, 1.0, 1.0]  # one text; third; 1
    assert support_features(legs, fused, [0]).shape == (0, SUPPORT_WIDTH)


def test_the_support_threshold_keeps_as_many_right_citations_as_the_score_ratio_with_fewer_wrong():
    from eval.train import choose_support, fit_logistic

    # the ratio keeps 3 right and 3 wrong; the probabilities separate them better
    ratio = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5])
    right = np.array([True, True, True, False, False, False, True, False])
    probability = np.array([0.8, 0.7, 0.45, 0.2, 0.1, 0.5, 0.6, 0.05])
    # 0.6 is the highest threshold still citing three right ones (0.8, 0.7, 0.6), and no wrong one
    assert choose_support(probability, ratio, right) == 0.6
    assert choose_support(probability, ratio, np.zeros(8, dtype=bool)) == 0.95  # nothing to keep: cite least
    # an unweighted fit is calibrated: a feature right three times in four gets about 0.75
    x = np.array([[1.0, 1.0]] * 4 + [[0.0, 1.0]] * 4)
    y = np.array([True, True, True, False, False, False, False, True])
    w = fit_logistic(x, y, balanced=False, steps=4000, l2=0.0)
    assert 1 / (1 + np.exp(-(x[0] @ w))) == pytest.approx(0.75, abs=0.02)


def test_the_model_serves_its_support_verdicts_and_keeps_them_across_save_and_load(tmp_path):
    from assistant.relevance import save_relevance

    model = replace(_model([("a#1",), ()]), support_weights=np.array([2.0, -1.0]), support_above=0.6)
    features = np.array([[1.0, 1.0], [0.0, 1.0]])  # probabilities 0.73 and 0.27
    assert list(model.cites_beside(features)) == [True, False]
    card = {"embedder": "e", "neighbours": 1, "power": 1.0, "support_above": 0.6,
            "fusion": {"legs": list(Fusion().legs), "flags": list(Fusion().flags), "explicit": 10.0}}
    save_relevance(tmp_path, model.adapter, model.bank, list(model.bank_units), ["q1", "q2"], card,
                   support_weights=model.support_weights)
    loaded = load_relevance(tmp_path, "e")
    assert loaded is not None and loaded.support_above == 0.6
    assert list(loaded.cites_beside(features)) == [True, False]


def test_the_similarity_classifier_reads_nearness_to_answered_and_unanswered_questions():
    model = _model([("a#1",), ()], refuse_above=0.5)  # bank row 0 answered, row 1 not
    near_unanswered = model.bank[1]
    answered, unanswered = model.nearness(near_unanswered)
    assert unanswered == pytest.approx(1.0) and answered < unanswered
    # weights that refuse when the nearest unanswered question is nearer than the nearest answered one
    compact = replace(model, refusal_kind="similarity", refusal_weights=np.array([0.0, -20.0, 20.0, 0.0]))
    assert compact.refusal_features(near_unanswered).shape == (4,)
    assert compact.refuses(near_unanswered) and not compact.refuses(model.bank[0])


def test_the_margin_refuses_a_question_nearer_to_an_unanswered_labelled_question_by_more_than_its_threshold():
    model = replace(_model([("a#1",), ()], refuse_above=0.1), refusal_kind="margin")  # row 1 unanswered
    between = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)  # 0.8 to the unanswered, 0.6 to the answered
    assert model.refusal_score(between) == pytest.approx(0.2) and model.refuses(between)
    assert not replace(model, refuse_above=0.25).refuses(between)  # not by enough
    assert not model.refuses(np.array([0.8, 0.6, 0.0, 0.0], dtype=np.float32))  # nearer the answered one


def test_admission_needs_a_question_nearer_to_an_answered_labelled_question_by_more_than_the_threshold():
    model = replace(_model([("a#1",), ()]), admit_above=0.1)  # bank row 0 answered, row 1 not
    assert model.admits(np.array([0.8, 0.6, 0.0, 0.0], dtype=np.float32))  # 0.2 nearer the answered one
    assert not model.admits(np.array([0.7, 0.65, 0.0, 0.0], dtype=np.float32))  # nearer, not by enough
    assert not model.admits(np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32))
    assert not _model([("a#1",), ()]).admits(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32))  # no threshold


def test_the_threshold_is_the_one_that_gains_most_net_of_its_cost():
    from eval.train import MARGIN_GRID, choose_refusal

    scores = np.array([0.04, 0.03, 0.02, 0.01, -0.01, -0.02])
    wanted = np.array([True, True, False, True, False, False])
    # above 0.02: two right and none wrong; above -0.01: three right and one wrong, which gains
    # less at a cost of 4 and more at a cost of 0.5
    assert choose_refusal(scores, wanted, 4.0, MARGIN_GRID)[0] == pytest.approx(0.02)
    threshold, report = choose_refusal(scores, wanted, 0.5, MARGIN_GRID)
    assert threshold < 0.01 and (report["refused_right"], report["refused_wrong"]) == (3, 1)
    assert choose_refusal(scores, np.zeros(6, dtype=bool), 4.0, MARGIN_GRID)[0] is None
    # a right refusal weighing 8 makes the third right one worth the wrong one at a cost of 4
    threshold, report = choose_refusal(scores, wanted, 4.0, MARGIN_GRID, worth=8.0)
    assert threshold < 0.01 and (report["refused_right"], report["refused_wrong"]) == (3, 1)


def test_a_right_refusal_weighs_the_odds_of_unanswered_questions_among_real_ones_over_the_bank():
    from datetime import date

    from eval.train import Example, refusal_worth

    def example(role: str, refused: bool, reaches: bool = True) -> Example:
        legs = None  # refusal_worth reads only the labels
        return Example("s", role, "train", "q", date(2026, 1, 1), frozenset() if refused else frozenset({"a#1"}),
                       legs, reaches_retrieval=reaches)  # type: ignore[arg-type]

    bank = [example("heldout", False)] * 17 + [example("heldout", True)] + [example("real", True)] * 3 \
        + [example("real", False)] * 3
    # real odds (3+1)/(3+1) = 1; all (4+1)/(20+1) = 5/21: a right refusal weighs 4.2
    assert refusal_worth(bank) == pytest.approx(4.2)
    assert refusal_worth([e for e in bank if e.role != "real"]) == 1.0  # no real questions: no reweighting
    # a question that never reaches retrieval is no candidate, and the weight is never below 1
    assert refusal_worth(bank + [example("heldout", True, reaches=False)] * 50) == pytest.approx(4.2)
    assert refusal_worth([example("real", False)] * 5 + [example("heldout", True)] * 5) == 1.0


def test_the_adapter_output_is_a_unit_vector():
    model = _model([("a#1",)])
    out = model.adapt(np.array([3.0, 4.0, 0.0, 0.0], dtype=np.float32))
    assert np.linalg.norm(out) == pytest.approx(1.0)


@pytest.mark.slow
def test_training_runs_end_to_end_on_a_small_sample(tmp_path):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "ASSISTANT_EMBED_CACHE_DIR": str(tmp_path / "cache")}
    out, results = tmp_path / "model", tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "eval.train", "--quick", "--out", str(out), "--results", str(results)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["quick"] and card["seed"] and card["data_digest"]
    model = load_relevance(out, card["embedder"])
    assert model is not None and model.adapter.shape == (384, 384)
    assert model.support_weights is not None and card["support_above"] == model.support_above
    rows = json.loads(results.read_text(encoding="utf-8"))["rows"]
    assert {r["split"] for r in rows} == {"train", "dev", "test"}
    assert any(r["variant"].startswith("hand-set") for r in rows)


def test_an_ablated_lexicon_keeps_everything_but_the_expansions(tmp_path):
    from eval.ablate import without_expansions

    full = load_lexicon(Config().lexicon_path)
    path = tmp_path / "lexicon.toml"
    path.write_text(without_expansions(Config().lexicon_path.read_text(encoding="utf-8")), encoding="utf-8")
    ablated = load_lexicon(path)
    assert full.expand and not ablated.expand
    assert replace(ablated, expand=full.expand) == full


@pytest.mark.slow
def test_an_ablation_retrains_and_measures_without_the_part(tmp_path):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "ASSISTANT_EMBED_CACHE_DIR": str(tmp_path / "cache")}
    results = tmp_path / "ablation.json"
    run = subprocess.run(
        [sys.executable, "-m", "eval.ablate", "--quick", "--only", "without the glosses", "--results", str(results)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = json.loads(results.read_text(encoding="utf-8"))["rows"]
    assert {r["variant"] for r in rows} == {"without the glosses"}
    assert {r["split"] for r in rows if "all" in r} == {"dev", "test"}
    assert any("refusal" in r for r in rows)


def test_the_ablation_table_has_a_row_per_variant_with_dev_test_and_refusals():
    from eval.ablate import table

    found = {"questions": 10, "r_at_1": 0.5, "r_at_5": 0.9, "mrr": 0.65}
    rows = [
        {"variant": "full system", "split": "dev", "all": found, "real": {"questions": 0}},
        {"variant": "full system", "split": "test", "all": found},
        {"variant": "full system", "split": "dev", "refusal": {"refused_right": 3, "refused_wrong": 1}},
        {"variant": "without the glosses", "split": "dev", "all": found},
    ]
    lines = table(rows).splitlines()
    assert len(lines) == 4
    assert lines[2] == "| full system | 0.500 / 0.900 / 0.650 | — | 0.500 / 0.900 / 0.650 | — | 3 / 1 |"
    assert lines[3].startswith("| without the glosses | 0.500 / 0.900 / 0.650 | — | — |")
