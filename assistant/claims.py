"""Find the plain, unconditional assertions of a transfer mechanism in an answer, and those
that contradict the rules module's decision ("可以签标准合同" when the decision is a security
assessment).

Deliberately not done: conditional sentences ("若超过100万人，则需申报安全评估" is not a claim
about the user's case) and negated claims ("不能签标准合同") are not counted as assertions.
Not here: deciding the mechanism (``rules``) or acting on a conflict (``verify``).
"""

from __future__ import annotations

import re

from .text import sentence_spans

_NEGATION = re.compile(
    r"(?:不|无|非|未|没|勿|毋|禁止|\bnot\b|\bno\b|n't\b|\bcannot\b|\bnever\b|\bneither\b|\bnor\b)", re.I
)
_CONDITIONAL = re.compile(
    r"如果|假如|倘若|若|一旦|如若|否则|达到|超过|\bif\b|\bwhen\b|\bonce\b|\bunless\b|\botherwise\b|\bexceed", re.I
)
_CLAIMS = {
    "standard_contract_or_certification": [
        r"(?:可以|可|应当|应|需要|需|须|只需|仅需|只要|能够|能)(?:直接|就|只|也|仍)?(?:通过|签订|签署|签|订立|采用|选择|适用|走|使用|以)+"
        r"(?:个人信息出境)?(?:标准合同|个人信息保护认证)",
        r"(?:签订|签署|签|订立)(?:个人信息出境)?标准合同(?:即可|就可以|就行|便可)",
        r"\b(?:can|may|should|must|need to|only need to)\s+(?:simply\s+|just\s+)?(?:sign|use|rely on|conclude|adopt)"
        r"\s+(?:a |the )?(?:\w+\s+)?standard contract",
    ],
    "security_assessment": [
        r"(?:应当|应|需要|需|须|必须)(?:向[^。；，,]{0,20})?(?:通过|申报|进行|办理)?(?:数据出境)?安全评估",
        r"\b(?:must|needs? to|should|is required to|are required to)\s+(?:apply for|undergo|pass|file for|go through"
        r"|declare)\s+(?:a |the )?(?:\w+\s+){0,2}security assessment",
    ],
    "exempt": [
        r"(?:免予|免于|无需|无须|不需要|不必|不用)[^。；，,]{0,16}(?:标准合同|个人信息保护认证|认证)",
        r"免予申报",
        r"(?:可以|可|属于)豁免",
        r"\b(?:is|are)\s+exempt(?:ed)?\b",
        r"\bno need to\b[^.]{0,40}\bstandard contract",
    ],
}
_CLAIM_RES = {mechanism: [re.compile(p, re.I) for p in patterns] for mechanism, patterns in _CLAIMS.items()}


def _sentences(text: str) -> list[str]:
    return [text[b:e] for b, e in sentence_spans(text) if text[b:e].strip()]


def mechanism_claims(text: str) -> list[tuple[str, str]]:
    """(mechanism, sentence) for each plain, unconditional assertion of a mechanism."""
    claims = []
    for sentence in _sentences(text):
        if _CONDITIONAL.search(sentence):
            continue
        for mechanism, patterns in _CLAIM_RES.items():
            # A negation just before the claim ("不能签标准合同", "无需申报安全评估") denies it.
            if any(
                not _NEGATION.search(sentence[max(0, m.start() - 4) : m.start()])
                for pattern in patterns
                for m in pattern.finditer(sentence)
            ):
                claims.append((mechanism, sentence.strip()))
    return claims


# Saying the assessment is not needed contradicts only a security-assessment decision (it is
# true of the other two), so it is checked apart from the mechanism claims.
_DENIES_ASSESSMENT = re.compile(r"(?:免予|免于|无需|无须|不需要|不必|不用)[^。；，,]{0,6}(?:申报)?(?:数据出境)?安全评估")


def decision_conflicts(answer: str, mechanism: str | None) -> list[str]:
    """Sentences of ``answer`` that assert a mechanism other than the decided one."""
    if not mechanism:
        return []
    conflicts = [sentence for claimed, sentence in mechanism_claims(answer) if claimed != mechanism]
    if mechanism == "security_assessment":
        conflicts += [
            s.strip() for s in _sentences(answer) if _DENIES_ASSESSMENT.search(s) and s.strip() not in conflicts
        ]
    return conflicts
