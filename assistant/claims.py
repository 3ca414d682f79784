"""Find the plain, unconditional assertions of a transfer mechanism in an answer, and those
that contradict the rules module's decision ("可以签标准合同" when the decision is a security
assessment).

Deliberately not done: conditional sentences ("若超过100万人，则需申报安全评估" is not a claim
about the user's case) and negated claims ("不能签标准合同") are not counted as assertions.
Not here: deciding the mechanism (``rules``) or acting on a conflict (``verify``).
"""

from __future__ import annotations

from .patterns import pattern
from .text import sentence_spans

# The patterns are in data/patterns/claims.toml: a negation, a conditional, and each
# mechanism's claims (tried in this order, each found wherever it occurs in a sentence).
_CLAIMS = {
    "standard_contract_or_certification": ("claims_contract_by_modal", "claims_contract_suffices", "claims_contract_en"),
    "security_assessment": ("claims_assessment_by_modal", "claims_assessment_en"),
    "exempt": (
        "claims_exempt_from_contract",
        "claims_exempt_from_filing",
        "claims_exemption_applies",
        "claims_exempt_en",
        "claims_no_need_for_contract_en",
    ),
}


def _sentences(text: str) -> list[str]:
    return [text[b:e] for b, e in sentence_spans(text) if text[b:e].strip()]


def mechanism_claims(text: str) -> list[tuple[str, str]]:
    """(mechanism, sentence) for each plain, unconditional assertion of a mechanism."""
    claims = []
    for sentence in _sentences(text):
        if pattern("claims_conditional").search(sentence):
            continue
        for mechanism, names in _CLAIMS.items():
            # A negation just before the claim ("不能签标准合同", "无需申报安全评估") denies it.
            if any(
                not pattern("claims_negation").search(sentence[max(0, m.start() - 4) : m.start()])
                for name in names
                for m in pattern(name).finditer(sentence)
            ):
                claims.append((mechanism, sentence.strip()))
    return claims


def decision_conflicts(answer: str, mechanism: str | None) -> list[str]:
    """Sentences of ``answer`` that assert a mechanism other than the decided one."""
    if not mechanism:
        return []
    conflicts = [sentence for claimed, sentence in mechanism_claims(answer) if claimed != mechanism]
    if mechanism == "security_assessment":
        # Saying the assessment is not needed contradicts only a security-assessment decision
        # (it is true of the other two), so it is checked apart from the mechanism claims.
        conflicts += [
            s.strip() for s in _sentences(answer) if pattern("claims_denies_assessment").search(s) and s.strip() not in conflicts
        ]
    return conflicts
