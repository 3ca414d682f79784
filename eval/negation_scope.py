"""``python -m eval.negation_scope``: would one negation scope read the questions as the
fact readers do?

The experiment behind a design decision (docs/code.md): instead of each reader's own check
for a denial just before what it looks for, the question's reading would carry negation
scopes, each running from a denial word (one list) to the end of its clause, and a reader
would ask whether its match lies in one. For the three readers whose check is that simple
(``anonymised``, ``sensitive_stated``, ``having``), this counts, over every question of
every evaluation set, the questions the scope would read differently, with examples, and
writes ``eval/results/negation-scope.json``. The readers whose denials need their own words
(the CIIO, important-data and sensitive-kind denials) are not tried: their lists differ on
purpose (``data/vocabulary.toml``).

Not here: any change to the readers. Nothing is asked of the assistant; only its writing
reader and clause splitter are used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.patterns import pattern
from assistant.text import clause_around
from assistant.writing import Reader

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "negation-scope.json"
# One list of denial words, with the lookaheads that keep 不仅 / 未来 / 无论 / 非常 / 不满 out.
DENIAL = re.compile(
    r"(?:未经|没有|并无|并未|从未|无法|没|未(?!来)|无(?!论)|非(?!常)|不(?!仅|但|只|过|管|论|满|到|足|超过|少于|低于|同))"
    r"|\b(?:not|no|never|without|non)\b|n't\b",
    re.IGNORECASE,
)
# Each reader's pattern without its own denial check, to be read against the scopes.
BARE = {
    "anonymised": re.compile(r"匿名化|\banonymi[sz](?:ed|ation)\b", re.IGNORECASE),
    "sensitive_stated": re.compile(
        r"(?:含有?|包含|包括|涉及|有)(?:部分|少量|一些|大量)?敏感"
        r"|\b(?:includ(?:es|ing)|contain(?:s|ing)?|with|involv(?:es|ing))\s+(?:some\s+)?sensitive",
        re.IGNORECASE,
    ),
    "having": re.compile(r"有|\b(?:have|has|had)\b", re.IGNORECASE),
}


def scopes(text: str) -> list[tuple[int, int]]:
    """(start, end) of each denial word's scope: the word itself to its clause's end."""
    return [(m.start(), clause_around(text, m.start())[1]) for m in DENIAL.finditer(text)]


def read_by_scope(name: str, text: str) -> bool:
    spans = scopes(text)
    return any(not any(a <= m.start() < b for a, b in spans) for m in BARE[name].finditer(text))


def questions() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(HERE.glob("**/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row.get("question"), str):
                found.append((path.stem, str(row.get("id")), row["question"]))
    return found


def main() -> None:
    reader = Reader.load()
    asked = [(s, i, reader.read(q)) for s, i, q in questions()]
    result: dict[str, object] = {"questions": len(asked), "readers": {}}
    for name in BARE:
        moved = [
            {"set": s, "id": i, "reader": bool(pattern(name).search(t)), "scope": read_by_scope(name, t), "text": t[:120]}
            for s, i, t in asked
            if bool(pattern(name).search(t)) != read_by_scope(name, t)
        ]
        result["readers"][name] = {"read_differently": len(moved), "examples": moved[:12]}  # type: ignore[index]
        print(f"{name}: {len(moved)} of {len(asked)} questions read differently")
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
