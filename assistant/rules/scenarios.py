"""Read the scenarios a question states that exempt a transfer from every route.

``scenarios(text)`` names each one stated and not denied, in a fixed order: a contract with
the individual (Provisions Art. 5(1)), human-resources management (Art. 5(2)), an emergency
(Art. 5(3)), a statutory duty (Network Data Regulation Art. 35(6)), no personal information
at all, data outside a free trade zone's negative list (Art. 6), data collected abroad (Art. 4).
A scenario named only to deny it ("不属于紧急情况", "not for an emergency", "不属于合同履行、
人力资源管理等豁免情形") is not stated; a contract scenario beside a purpose of the company's
own (marketing, profiling) is not the contract's need and is dropped.

Deliberately not done here: whether the scenario exempts this transfer (the counts and the
rule table decide, in ``transfer``), or any scenario the texts do not name.
"""

from __future__ import annotations

import re

from ..patterns import pattern

# Each a pattern of patterns/scenarios.toml, in the order they are reported.
SCENARIOS = (
    "contract_with_individual",
    "hr_management",
    "emergency",
    "statutory_duty",
    "no_personal_info",
    "ftz_outside_list",
    "collected_abroad",
)


def scenarios(text: str) -> tuple[str, ...]:
    """The scenarios ``text`` states, by name."""

    def denied(m: re.Match[str]) -> bool:
        if pattern("scenario_denied").search(text, 0, m.start()):
            return True
        return bool(
            pattern("list_negation_before").search(text, 0, m.start())
            and pattern("list_of_exemptions_after").match(text, m.end())
        )

    def stated(name: str) -> bool:
        return any(not denied(m) for m in pattern(name).finditer(text))

    found = tuple(name for name in SCENARIOS if stated(name))
    if "contract_with_individual" in found and stated("own_purpose"):
        found = tuple(name for name in found if name != "contract_with_individual")
    return found
