"""Which mechanism a yes/no route question asks about, so the answer can say yes or no first.

"需要签标准合同吗？", "要不要申报安全评估？", "Do we need the standard contract?" ask whether
one mechanism is needed; the decision then answers yes or no before its basis. A question
asking which route applies ("走哪条路？") has no yes or no, and gets None.

Not here: deciding the route (``transfer``) or wording the answer (``statements``).
"""

from __future__ import annotations

from ..patterns import pattern

CONTRACT, ASSESSMENT = "standard_contract_or_certification", "security_assessment"
# Each a pattern of patterns/asked.toml (a modal of need, then the mechanism), tried in this
# order: the Chinese forms first, and of each language the contract before the assessment.
_NEEDS = (
    (CONTRACT, "need_contract_zh"),
    (ASSESSMENT, "need_assessment_zh"),
    (CONTRACT, "need_contract_en"),
    (ASSESSMENT, "need_assessment_en"),
)


def asked_mechanism(asked: str, which_path: bool) -> str | None:
    """The mechanism the asking part asks about being needed, or None."""
    if which_path:
        return None
    for mechanism, name in _NEEDS:
        if pattern(name).search(asked):
            return mechanism
    return None
