"""Chinese/English tokenization for BM25, built on jieba with a corpus-sized dictionary.

jieba's full dictionary takes over a second to load, which would dominate a cold start. A
word the corpus never contains can never score in BM25, so the index build writes a small
dictionary: every word jieba finds in the corpus plus the lexicon's terms, with jieba's own
frequencies. Queries and chunks are then segmented with that dictionary in milliseconds.
Segmentation uses ``cut_for_search`` without the HMM, so compound terms also yield their
parts and unknown words fall apart into characters instead of inventing new words.

Not here: synonym expansion (``query``) and scoring (``bm25``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_KEEP = re.compile(r"[\w\u3400-\u9fff]")
# Function words and question words carry no legal meaning; dropping them keeps BM25 from
# rewarding chunks for sharing "的" or "什么" with the question.
STOPWORDS = frozenset(
    "的 了 是 吗 呢 吧 啊 在 和 与 或 及 等 把 被 要 会 能 可 可以 需要 应该 有 没有 我 我们 你 你们 "
    "他们 公司 这 那 这个 那个 什么 怎么 怎样 如何 哪些 哪个 多少 多久 几 为什么 是否 请问 一下 "
    "规定 条 a an the of to in on for and or is are be do does did what which how when who "
    "whom why our we us you your it its this that with by from as at".split()
)


def _quiet_jieba() -> None:
    # jieba announces every dictionary load on stderr; that is noise in a CLI.
    logging.getLogger("jieba").setLevel(logging.WARNING)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


class Tokenizer:
    """jieba segmentation with a given dictionary file; created lazily on first use.

    jieba keeps a cache of its parsed dictionary and loads any cache file it finds under the
    expected name; an altered one would silently change segmentation. The cache therefore
    goes to a fresh private folder, so only the checksummed dictionary is ever read (the
    small dictionary parses in milliseconds)."""

    def __init__(self, dictionary: Path):
        if not dictionary.is_file():
            raise FileNotFoundError(f"tokenizer dictionary not found: {dictionary}")
        self._dictionary = dictionary
        self._jieba: Any = None  # a jieba.Tokenizer, which is untyped

    def _engine(self) -> Any:
        if self._jieba is None:
            import tempfile

            import jieba

            _quiet_jieba()
            engine = jieba.Tokenizer(dictionary=str(self._dictionary))
            engine.tmp_dir = tempfile.mkdtemp(prefix="assistant-jieba-")
            engine.initialize()
            self._jieba = engine
        return self._jieba

    def tokens(self, text: str) -> list[str]:
        words = self._engine().cut_for_search(normalize(text), HMM=False)
        return [w for w in (w.strip() for w in words) if w and _KEEP.search(w) and w not in STOPWORDS]


def write_dictionary(texts: Iterable[str], extra_terms: Iterable[str], path: Path) -> None:
    """Segment ``texts`` with jieba's full dictionary and write the words found, plus
    ``extra_terms``, as a jieba dictionary file at ``path``."""
    import jieba

    _quiet_jieba()
    full = jieba.Tokenizer()
    full.initialize()
    freq: dict[str, int] = {}
    for text in texts:
        for word in full.cut_for_search(normalize(text), HMM=False):
            word = word.strip()
            if word and " " not in word:
                freq[word] = max(full.FREQ.get(word) or 0, 1)
    for term in extra_terms:
        term = normalize(term).strip()
        if term and " " not in term:
            # Lexicon terms must win over their parts, so give them a high frequency.
            freq[term] = max(freq.get(term, 0), full.FREQ.get(term) or 0, 50_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} {f}\n" for w, f in sorted(freq.items())), encoding="utf-8")
