"""Bring a question's writing to the corpus's: Simplified characters, Mandarin words.

Colleagues in Hong Kong, Macau and Taiwan write Traditional characters, often with written
Cantonese ("我哋唔係CIIO，使唔使簽標準合同？"). Every later stage matches the corpus's
Simplified Mandarin, so such a question is read as its Mandarin equivalent first:

1. 係 meaning "is" becomes 是 while the characters are still Traditional, because the
   conversion merges it with 系 ("system"); 關係 and 係數 keep it.
2. OpenCC's Traditional-to-Simplified conversion. It leaves Simplified text as it is
   (checked over every question of the evaluation sets and the whole corpus).
3. Written Cantonese words become Mandarin ones (``data/cantonese.toml``), so that a
   denial like 唔係 / 冇 reads as 不是 / 没有 to the rules.

Not here: regional legal vocabulary (个人资料 for 个人信息, 内地 for 境内), which is the
lexicon's job, and any translation of whole sentences.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_DEFAULT_TABLE = Path(__file__).parent / "data" / "cantonese.toml"
# 係 as the copula; the compounds where it means "relation" or "coefficient" keep it.
_COPULA = re.compile(r"(?<![關联聯])係(?!數)")


@dataclass(frozen=True)
class Reader:
    converter: object  # opencc.OpenCC("t2s")
    cantonese: Mapping[str, str]
    pattern: re.Pattern[str]

    @classmethod
    def load(cls, table: Path = _DEFAULT_TABLE) -> Reader:
        import opencc

        with open(table, "rb") as fh:
            words = dict(tomllib.load(fh)["words"])
        # longest first, so 唔系 is read before 唔
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return cls(opencc.OpenCC("t2s"), words, re.compile(alternation))

    def read(self, text: str) -> str:
        simplified = self.converter.convert(_COPULA.sub("是", text))
        return self.pattern.sub(lambda m: self.cantonese[m.group(0)], simplified)
