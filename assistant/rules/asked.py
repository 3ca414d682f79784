"""Which mechanism a yes/no route question asks about, so the answer can say yes or no first.

"需要签标准合同吗？", "要不要申报安全评估？", "Do we need the standard contract?" ask whether
one mechanism is needed; the decision then answers yes or no before its basis. A question
asking which route applies ("走哪条路？") has no yes or no, and gets None.

Not here: deciding the route (``transfer``) or wording the answer (``statements``).
"""

from __future__ import annotations

import re

CONTRACT, ASSESSMENT = "standard_contract_or_certification", "security_assessment"

_NEED_ZH = r"(?:需要|要不要|是否需要|需不需要|是否要|是否必须|必须|还要|还需要|还得|得|要)"
_MECHANISMS_ZH = (
    (CONTRACT, r"标准合同|签(?:订|署)?(?:个|一份)?合同|订立合同|认证|scc"),
    (ASSESSMENT, r"安全评估|申报|安评"),
)
_NEED_EN = (
    r"\b(?:do|does|will|would|must|should|shall)\s+(?:we|i|they|it|you|the company|our [a-z]+)\s+(?:still\s+)?"
    r"(?:need|have|require)\b|\bis\s+(?:a|an|the)\s+[a-z ]{0,30}(?:required|needed|necessary|mandatory)\b|"
    r"\b(?:need|required)\s+(?:to\s+)?"
)
_MECHANISMS_EN = (
    (CONTRACT, r"standard contract|scc|certification"),
    (ASSESSMENT, r"security assessment|security review"),
)
_BEFORE = 12  # characters (Chinese) or 60 (English) between the modal and the mechanism


def asked_mechanism(asked: str, which_path: bool) -> str | None:
    """The mechanism the asking part asks about being needed, or None."""
    if which_path:
        return None
    for mechanism, words in _MECHANISMS_ZH:
        if re.search(rf"{_NEED_ZH}[^，。；,;？?]{{0,{_BEFORE}}}?(?:{words})", asked, re.I):
            return mechanism
    for mechanism, words in _MECHANISMS_EN:
        if re.search(rf"(?:{_NEED_EN})[^.?!;]{{0,60}}?(?:{words})", asked, re.I):
            return mechanism
    return None
