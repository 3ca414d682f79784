import re
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.errors import CorpusError

ROOT = Path(__file__).resolve().parent.parent


def test_tiny_corpus_units_and_keys(tiny_corpus):
    corpus = load_corpus(tiny_corpus)
    assert list(corpus.units) == [
        "alpha#第一条",
        "alpha#第二条",
        "beta#一、备案方式",
        "beta#（一）材料提交",
        "beta#附录二",
    ]
    unit = corpus.units["alpha#第一条"]
    assert unit.text == "个人信息处理者应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。"
    assert unit.line == 8
    assert corpus.units["beta#（一）材料提交"].section == "一、备案方式"
    assert corpus.units["beta#附录二"].text == ""  # blank in the source, kept as such
    assert corpus.instruments["alpha"].title == "测试办法"
    assert str(corpus.instruments["alpha"].effective) == "2023-06-01"


def test_real_corpus_keys_and_verbatim_text():
    corpus = load_corpus(ROOT / "corpus")
    for key in ("measures#第七条", "standard_contract#第三条", "qa_2023#问4", "provisions_2024#第八条",
                "filing_guide_v2#二、备案方式", "standard_contract#附录一", "civil_code_periods#第二百零一条"):
        assert key in corpus.units
    assert "10个工作日内向所在地省级网信部门备案" in corpus.units["measures#第七条"].text
    assert corpus.units["standard_contract#附录二"].text == ""
    assert not corpus.instruments["timeline"].citable
    assert str(corpus.instruments["filing_guide_v1"].replaced_on) == "2024-03-22"
    assert corpus.instruments["standard_contract"].replaced_on is None
    raw = (ROOT / "corpus" / "measures.md").read_text(encoding="utf-8")
    for key, unit in corpus.units.items():
        if key.startswith("measures#"):
            assert unit.text in raw


def test_digest_changes_with_any_byte(tiny_corpus):
    before = load_corpus(tiny_corpus).digest
    path = tiny_corpus / "alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("10个", "15个"), encoding="utf-8")
    assert load_corpus(tiny_corpus).digest != before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("## 第一条\n\n正文\n", "alpha.md:1: missing front matter"),
        ("---\ntitle: 甲\n\n## 第一条\n", "front matter is not closed"),
        ("---\ntitle: 甲\n---\n\n## 第一条\n", "alpha.md:1: front matter has no doc_id"),
        ("---\ntitle: 甲\ndoc_id: other\n---\n", "does not match the file name"),
        ("---\ntitle: 甲\ndoc_id: alpha\n---\n\n## 第一条\n\n甲\n\n## 第一条\n\n乙\n", "alpha.md:10: duplicate citation key 'alpha#第一条'"),
        ("---\ntitle: 甲\ndoc_id: alpha\n---\n\n## \n\n甲\n", "alpha.md:6: heading has no locator"),
        ("---\ntitle: 甲\ndoc_id: alpha\neffective: someday\n---\n", "'effective' is not a date"),
        ("---\ntitle: [unclosed\ndoc_id: alpha\n---\n", "front matter is not valid YAML"),
        ("---\ntitle: 甲\ndoc_id: alpha\n---\n\n#### 第一条\n", "alpha.md:6: heading level 4"),
    ],
)
def test_malformed_corpus_names_file_and_line(tmp_path, content, message):
    (tmp_path / "alpha.md").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert message in str(err.value)


def test_missing_folder_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no corpus files"):
        load_corpus(tmp_path)


def test_the_full_texts_load_with_every_article():
    corpus = load_corpus(ROOT / "corpus")
    counts = {}
    for unit in corpus.units.values():
        counts[unit.doc_id] = counts.get(unit.doc_id, 0) + 1
    # article counts as the instruments' own front matter states them
    assert counts["pipl"] == 74
    assert counts["network_data_regulation"] == 64
    assert counts["data_security_law"] == 55
    assert counts["cybersecurity_law_excerpt"] == counts["cybersecurity_law_2016_excerpt"] == 3
    assert "pipl_excerpt" not in corpus.instruments
    # chapter headings (level one) are not citable units
    assert not any(u.heading.startswith("第五章") for u in corpus.units.values())
    # the old Cybersecurity Law text states the day it stopped governing
    assert str(corpus.instruments["cybersecurity_law_2016_excerpt"].replaced_on) == "2026-01-01"
    assert corpus.instruments["cybersecurity_law_excerpt"].replaced_on is None


# A citation key as files write it: a doc_id of the corpus, '#', then a locator up to a quote,
# bracket, comma, space or the end of the line.
_KEY = re.compile(r"\b([a-z][a-z0-9_]*)#([^\s\"',.{\]\)}]+)")
# Tests of how a missing article is reported name one on purpose.
_ABSENT_ON_PURPOSE = {"measures#第九十九条"}
_KEYED_FILES = ("eval/*.jsonl", "assistant/data/*.toml", "assistant/rules/*.toml", "tests/*.py", "assistant/*.py",
                "assistant/rules/*.py", "bench/*.py", "eval/*.py")


def test_every_key_any_file_names_is_in_the_corpus():
    corpus = load_corpus(ROOT / "corpus")
    doc_ids = set(corpus.instruments) | {"pipl_excerpt"}  # the retired excerpt must not be named either
    wrong = []
    for pattern in _KEYED_FILES:
        for path in sorted(ROOT.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for m in _KEY.finditer(line):
                    if m.group(1) in doc_ids and m.group(0) not in set(corpus.units) | _ABSENT_ON_PURPOSE:
                        wrong.append(f"{path.relative_to(ROOT)}:{number}: {m.group(0)}")
    assert wrong == []
