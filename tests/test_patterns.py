"""The registry's regular expressions run their own examples.

Every pattern of ``assistant/data/patterns/*.toml`` carries texts it must match and texts it
must not match (``re.search``); the one parametrised test below runs them all, and a pattern
without both kinds of example fails it. The other tests keep the registry honest: no regular
expression is written in the readers' code instead, every pattern and every vocabulary class is
used, and nothing is read when the readers are imported.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from assistant.patterns import PATTERN_DIR, VOCABULARY, PatternError, pattern, registry, vocabulary

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
# The modules whose every regular expression is in the registry (paths under assistant/).
READERS = (
    *(f"rules/{m}" for m in ("facts", "counts", "conflicts", "status", "scenarios", "asked", "asserted", "followup")),
    "verify",
    "claims",
    "compose",
    "query",
    "scope",
)
SPECS = sorted(registry().values(), key=lambda s: (s.file, s.name))


@pytest.mark.parametrize("spec", SPECS, ids=[f"{s.file}:{s.name}" for s in SPECS])
def test_pattern_matches_its_examples_and_not_its_counter_examples(spec):
    assert spec.match, f"{spec.file}: {spec.name} has no example it must match"
    assert spec.no_match, f"{spec.file}: {spec.name} has no example it must not match"
    compiled = pattern(spec.name)
    missed = [text for text in spec.match if not compiled.search(text)]
    found = {text: compiled.search(text).group(0) for text in spec.no_match if compiled.search(text)}
    assert not missed, f"{spec.file}: {spec.name} does not match {missed}"
    assert not found, f"{spec.file}: {spec.name} matches what it must not: {found}"


def test_the_readers_write_no_regular_expression_of_their_own():
    # A pattern compiled in code would escape the examples: all of them go through ``pattern``.
    for module in READERS:
        source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        calls = re.findall(r"\bre\.(?:compile|search|match|fullmatch|sub|subn|split|findall|finditer)\(", source)
        assert not calls, f"{module}.py calls {calls}"


def test_every_pattern_is_used_and_every_name_used_is_a_pattern():
    sources = "".join((PACKAGE / f"{module}.py").read_text(encoding="utf-8") for module in READERS)
    named = set(re.findall(r'"([a-z][a-z0-9_]*)"', sources))
    referred = {ref for spec in SPECS for ref in re.findall(r"\{@([a-z_][a-z0-9_]*)\}", _template(spec))}
    assert not {s.name for s in SPECS} - named - referred, "patterns nothing uses"
    called = set(re.findall(r'\bpattern\("([^"]+)"\)', sources))
    assert called <= registry().keys(), called - registry().keys()


def test_every_vocabulary_class_is_used():
    templates = "".join(_template(spec) for spec in SPECS)
    assert not {c for c in vocabulary() if "{" + c + "}" not in templates}


def _template(spec) -> str:
    regex = tomllib.loads((PATTERN_DIR / spec.file).read_text(encoding="utf-8"))[spec.name]["regex"]
    return regex if isinstance(regex, str) else "".join(regex)


def test_a_class_becomes_an_escaped_alternation_in_the_file_order(tmp_path):
    words = tmp_path / "vocabulary.toml"
    words.write_text('modal = ["要不要", "要", "a.b"]\n', encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "one.toml").write_text(
        "[base]\nregex = '{modal}[^，]{0,8}合同'\n[more]\nflags = \"i\"\nregex = ['{@base}', '|x']\n", encoding="utf-8"
    )
    found = registry(tmp_path / "p", words)
    assert found["base"].regex == r"(?:要不要|要|a\.b)[^，]{0,8}合同"  # the quantifier is left alone
    assert found["more"].regex == found["base"].regex + "|x" and found["more"].flags == re.I


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"a.toml": "[x]\nregex = '{nowhere}'\n"}, "no class"),
        ({"a.toml": "[x]\nregex = '{@y}'\n"}, "no pattern file defines"),
        ({"a.toml": "[x]\nregex = '{@y}'\n[y]\nregex = '{@x}'\n"}, "refers to itself"),
        ({"a.toml": "[x]\nregex = 'a'\n", "b.toml": "[x]\nregex = 'b'\n"}, "also defined"),
        ({"a.toml": "[x]\nregex = 'a'\nmatches = ['a']\n"}, "may only have the keys"),
    ],
)
def test_a_malformed_pattern_file_is_refused_by_name(tmp_path, files, problem):
    words = tmp_path / "vocabulary.toml"
    words.write_text('modal = ["要", "得"]\n', encoding="utf-8")
    (tmp_path / "p").mkdir()
    for name, text in files.items():
        (tmp_path / "p" / name).write_text(text, encoding="utf-8")
    with pytest.raises(PatternError, match=problem):
        registry(tmp_path / "p", words)


@pytest.mark.slow  # starts a Python process: a fresh interpreter is the only clean import
def test_importing_the_readers_reads_no_pattern_file():
    code = (
        "import assistant.rules, assistant.rules.facts, assistant.query, assistant.scope; "
        "from assistant import patterns; "
        "print(patterns.registry.cache_info().currsize, patterns.vocabulary.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert out.stdout.split() == ["0", "0"]
    assert VOCABULARY.is_file()
