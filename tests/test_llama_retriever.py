"""The hybrid, date-aware retriever as a llama-index BaseRetriever, inside a query engine."""

from __future__ import annotations

from datetime import date

import pytest
from llama_index.core import Settings
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.errors import UsageError
from assistant.llama_retriever import CorpusRetriever

AS_OF = date(2024, 10, 18)


def test_nodes_carry_the_unit_key_verbatim_text_and_metadata(assistant):
    retriever = CorpusRetriever(assistant, as_of=AS_OF, k=3)
    results = retriever.retrieve("标准合同生效后多久要备案？")
    assert len(results) == 3 and all(isinstance(r, NodeWithScore) and isinstance(r.node, TextNode) for r in results)
    top = results[0]
    assert top.node.node_id == "measures#第七条"
    assert top.node.text == assistant.corpus.units["measures#第七条"].text
    assert top.node.metadata == {
        "key": "measures#第七条",
        "title": assistant.corpus.title_of("measures#第七条"),
        "locator": "第七条",
        "doc_id": "measures",
        "effective": "2023-06-01",
        "applicability": "",
    }
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    # The same units, in the same order, as the assistant's own retrieval.
    hits = assistant.retriever.search(assistant.analyse("标准合同生效后多久要备案？"), AS_OF, 3)
    assert [r.node.node_id for r in results] == [h.key for h in hits]


def test_the_as_of_date_labels_units_that_do_not_govern(assistant):
    before = CorpusRetriever(assistant, as_of="2023-01-01", k=5)
    nodes = {r.node.node_id: r.node for r in before.retrieve(QueryBundle("标准合同备案的期限"))}
    labels = [n.metadata["applicability"] for key, n in nodes.items() if key.startswith("measures#")]
    assert labels and all("尚未施行" in label for label in labels)
    later = before.at(AS_OF)
    assert later is not before and repr(before) == "CorpusRetriever(as_of=2023-01-01, k=5)"
    assert repr(later) == "CorpusRetriever(as_of=2024-10-18, k=5)"


def test_bad_inputs_are_usage_errors(assistant):
    with pytest.raises(UsageError):
        CorpusRetriever(assistant, as_of="18/10/2024")
    with pytest.raises(ValueError):
        CorpusRetriever(assistant, k=0)
    with pytest.raises(UsageError):
        CorpusRetriever(assistant, as_of=AS_OF).retrieve("   ")


def test_it_drops_into_a_query_engine_with_an_explicit_llm(assistant):
    engine = RetrieverQueryEngine.from_args(CorpusRetriever(assistant, as_of=AS_OF, k=2), llm=MockLLM())
    response = engine.query("标准合同生效后多久要备案？")
    assert response.source_nodes[0].node.node_id == "measures#第七条"
    # MockLLM echoes its prompt: the unit's verbatim text and its key reached the LLM.
    assert "10个工作日内向所在地省级网信部门备案" in str(response)
    assert "key: measures#第七条" in str(response)
    assert Settings._llm is None and Settings._embed_model is None  # no silent OpenAI default
