"""The message catalogue: both languages of every message fill in the same placeholders, every
key the code says exists, and every message in the catalogue is said somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.messages import DEFAULT_MESSAGES, Messages, placeholders

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
MESSAGES = Messages.load()
# say("key", ...) and .say(\n "key", ...) wherever the package words something
SAID = re.compile(r"""\bsay\(\s*["']([a-z_]+)["']""")


def _keys_said() -> set[str]:
    return {m.group(1) for path in PACKAGE.rglob("*.py") for m in SAID.finditer(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("key", sorted(MESSAGES.texts))
def test_both_languages_fill_in_the_same_placeholders(key):
    zh, en = MESSAGES.texts[key]
    assert zh, f"{key} has no Chinese"
    if en:  # an empty English text says nothing (the sentences before it already did)
        assert placeholders(zh) == placeholders(en), key


def test_every_key_the_code_says_is_in_the_catalogue():
    said = _keys_said()
    assert said, "the pattern finds no say() calls: it no longer matches how the code calls it"
    assert said - set(MESSAGES.texts) == set()


def test_every_message_of_the_catalogue_is_said_somewhere():
    assert set(MESSAGES.texts) - _keys_said() == set()


def test_a_message_needs_both_languages(tmp_path):
    path = tmp_path / "messages.toml"
    path.write_text('[only_zh]\nzh = "只有中文"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="only_zh"):
        Messages.load(path)


def test_saying_fills_in_and_joins_by_language():
    assert MESSAGES.say("warning", True, text="x") == "Warning: x"
    assert MESSAGES.say("warning", False, text="x") == "提示：x"
    assert Messages.join(["A.", "", "B."], True) == "A. B."
    assert Messages.join(["甲。", "", "乙。"], False) == "甲。乙。"
    assert DEFAULT_MESSAGES.exists()
