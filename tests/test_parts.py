"""An assistant is assembled from the parts it is given, not from files it loads itself."""

from dataclasses import replace

from assistant.api import Assistant
from assistant.messages import Messages
from assistant.parts import Parts


def _parts_of(assistant: Assistant) -> Parts:
    return Parts(
        corpus=assistant.corpus,
        lexicon=assistant.lexicon,
        reader=assistant.reader,
        messages=assistant.messages,
        applicability=assistant.applicability,
        embedder=assistant.embedder,
        relevance=assistant.relevance,
        index=assistant.index,
        composer=assistant.composer,
        rules=assistant.rules,
        generator=assistant.generator,
    )


def test_an_assistant_speaks_with_the_catalogue_it_is_given(assistant, temp_config):
    texts = {**assistant.messages.texts, "not_covered": ("此问题不在范围内（测试用语）。", "Out of scope (test wording).")}
    other = Assistant(temp_config, replace(_parts_of(assistant), messages=Messages(texts)))
    question = "公司年会抽奖的奖品要交个人所得税吗？"
    assert other.ask(question).outcome == assistant.ask(question).outcome == "not_covered"
    assert "测试用语" in other.ask(question).answer
    assert "测试用语" not in assistant.ask(question).answer
    # nothing was loaded or built again
    assert other.index is assistant.index and other.corpus is assistant.corpus
