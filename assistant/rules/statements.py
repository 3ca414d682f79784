"""Word a rule decision for the user: the sentences that open the answer, Chinese or English.

Every threshold and period in the text is the rule table's own string ("10万", "10个工作日"),
so the statement cannot drift from the rule. In English the Chinese figure is kept and its
value added in brackets ("10万 (100,000)"). Counts from the question are echoed as the
question wrote them. Notes and warnings arrive as codes from ``transfer`` / ``deadlines`` and
are worded by ``notes``.

Not here: deciding anything, or choosing citations.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..types import Citation
from .counts import CountMention
from .notes import MISSING, note_text
from .table import Rule, RuleTable
from .transfer import NO_CONTRACT_YET, Branch, TransferDecision

_COUNTING = {
    "current_year": ("自当年1月1日起", "since 1 January of the current year"),
    "since_previous_year": ("自上年1月1日起", "since 1 January of the previous year"),
}
_MECHANISM = {
    "exempt": (
        "免予申报数据出境安全评估、订立个人信息出境标准合同、通过个人信息保护认证",
        "exempt from the security assessment, the standard contract and certification",
    ),
    "standard_contract_or_certification": (
        "应当与境外接收方订立个人信息出境标准合同或者通过个人信息保护认证",
        "a standard contract with the overseas recipient, or personal information protection certification",
    ),
    "security_assessment": (
        "应当通过所在地省级网信部门向国家网信部门申报数据出境安全评估",
        "a data export security assessment, declared through the provincial cyberspace authority to the CAC",
    ),
}


def _n(rule: Rule, name: str, en: bool) -> str:
    text = rule.number(name).text
    return f"{text} ({rule.amount(name):,})" if en else text


def refs_text(citations: Iterable[Citation], en: bool) -> str:
    by_title: dict[str, list[str]] = {}
    for c in citations:
        by_title.setdefault(c.title, []).append(c.locator)
    joiner = "; " if en else "，"
    parts = [f"《{t}》" + ("、".join(locs) if not en else " " + ", ".join(locs)) for t, locs in by_title.items()]
    return joiner.join(parts)


# --- transfer ----------------------------------------------------------------------------


def _reason(rule: Rule, name: str, en: bool) -> str:
    zc, ec = _COUNTING[rule.counting or "current_year"]
    excl_zh = "（不含敏感个人信息）" if rule.counting == "current_year" else ""
    excl_en = " (excluding sensitive)" if rule.counting == "current_year" else ""
    loc = rule.anchor(name).key.split("#", 1)[1]
    n = {k: _n(rule, k, en) for k, _ in rule.numbers}
    zh = {
        "important_data": "向境外提供重要数据的，应当申报安全评估",
        "ciio": "关键信息基础设施运营者向境外提供个人信息的，应当申报安全评估",
        "assessment_processed": f"处理{n.get('assessment_processed')}人以上个人信息的数据处理者向境外提供个人信息"
        f"的，应当申报安全评估",
        "assessment_general": f"{zc}累计向境外提供{n.get('assessment_general')}人以上个人信息{excl_zh}的，"
        f"应当申报安全评估",
        "assessment_sensitive": f"{zc}累计向境外提供{n.get('assessment_sensitive')}人以上敏感个人信息的，"
        f"应当申报安全评估",
        "contract_ciio": "订立标准合同须为非关键信息基础设施运营者",
        "contract_processed_below": f"处理个人信息不满{n.get('contract_processed_below')}人",
        "contract_general_below": (
            f"{zc}累计向境外提供个人信息不满{n.get('contract_general_below')}人"
            if rule.counting != "current_year"
            else f"{zc}累计向境外提供{n.get('contract_general')}人以上、"
            f"不满{n.get('contract_general_below')}人个人信息（不含敏感个人信息）的，应当订立标准合同或者通过认证"
        ),
        "contract_general": "",
        "contract_sensitive_below": (
            f"{zc}累计向境外提供敏感个人信息不满{n.get('contract_sensitive_below')}人"
            if rule.counting != "current_year"
            else f"{zc}累计向境外提供不满{n.get('contract_sensitive_below')}人敏感个人信息的，"
            f"应当订立标准合同或者通过认证"
        ),
        "exempt_general_below": f"关键信息基础设施运营者以外的数据处理者{zc}累计向境外提供不"
        f"满{n.get('exempt_general_below')}人个人信息（不含敏感个人信息）的，免予申报",
        "no_personal_info": "向境外提供的数据不包含个人信息或者重要数据的，免予申报",
        "ftz_outside_list": "自由贸易试验区内数据处理者向境外提供该区负面清单外的数据，免予申报安全评估、"
        "订立标准合同、通过认证",
        "collected_abroad": "在境外收集和产生的个人信息传输至境内处理后向境外提供、"
        "未引入境内个人信息或者重要数据的，免予申报",
        "contract_with_individual": "为订立、履行个人作为一方当事人的合同（如跨境购物、跨境寄递、跨境汇款、"
        "跨境支付、机票酒店预订、签证办理等）确需向境外提供个人信息的，免予申报",
        "hr_management": "按照依法制定的劳动规章制度和依法签订的集体合同实施跨境人力资源管理，"
        "确需向境外提供员工个人信息的，免予申报",
        "emergency": "紧急情况下为保护自然人的生命健康和财产安全，确需向境外提供个人信息的，免予申报",
        "statutory_duty": "为履行法定职责或者法定义务，确需向境外提供个人信息的，可以向境外提供",
        "exempt_excludes_important": "场景豁免所称个人信息不包括重要数据，重要数据仍须申报安全评估",
        "measures_effective": f"《个人信息出境标准合同办法》："
        f"“{rule.quote('measures_effective').text if rule.has('measures_effective') else ''}”",
    }
    en_ = {
        "important_data": "important data going abroad requires a security assessment",
        "ciio": "a CIIO providing personal information abroad requires a security assessment",
        "assessment_processed": f"a processor handling personal information of {n.get('assessment_processed')} "
        f"people or more requires a security assessment",
        "assessment_general": f"{n.get('assessment_general')} people or more{excl_en} provided abroad {ec} "
        f"requires a security assessment",
        "assessment_sensitive": f"sensitive personal information of {n.get('assessment_sensitive')} people or "
        f"more provided abroad {ec} requires a security assessment",
        "contract_ciio": "the standard contract is open only to non-CIIOs",
        "contract_processed_below": f"personal information processed for fewer "
        f"than {n.get('contract_processed_below')} people",
        "contract_general_below": (
            f"fewer than {n.get('contract_general_below')} people provided abroad {ec}"
            if rule.counting != "current_year"
            else f"{n.get('contract_general')} or more but fewer than {n.get('contract_general_below')} people "
            f"(excluding sensitive) provided abroad {ec} requires a standard contract or certification"
        ),
        "contract_general": "",
        "contract_sensitive_below": (
            f"sensitive personal information of fewer than {n.get('contract_sensitive_below')} people provided "
            f"abroad {ec}"
            if rule.counting != "current_year"
            else f"sensitive personal information of fewer than {n.get('contract_sensitive_below')} people "
            f"provided abroad {ec} requires a standard contract or certification"
        ),
        "exempt_general_below": f"a non-CIIO providing personal information (excluding sensitive) of fewer "
        f"than {n.get('exempt_general_below')} people abroad {ec} is exempt",
        "no_personal_info": "data containing no personal information or important data is exempt",
        "ftz_outside_list": "a processor in a free trade zone providing data not on the zone's negative list is "
        "exempt from all three mechanisms",
        "collected_abroad": "personal information collected abroad, processed in China and sent back, with no "
        "domestic personal information or important data added, is exempt",
        "contract_with_individual": "a transfer truly needed to conclude or perform a contract to which the "
        "individual is a party (cross-border shopping, delivery, remittance, payment, "
        "bookings, visas …) is exempt",
        "hr_management": "employee data truly needed for cross-border HR management under lawful labour rules and "
        "collective contracts is exempt",
        "emergency": "a transfer truly needed in an emergency to protect a person's life, health or property is exempt",
        "statutory_duty": "a transfer truly needed to perform a statutory duty or obligation may be made "
        "without a further mechanism",
        "exempt_excludes_important": "the scenario exemptions never cover important data, which still needs a "
        "security assessment",
        "measures_effective": "the Standard Contract Measures are not yet in force: “"
        + (rule.quote("measures_effective").text if rule.has("measures_effective") else "")
        + "”",
    }
    text = (en_ if en else zh)[name]
    if not text:
        return ""
    return f"{text} ({loc})" if en else f"{text}（{loc}）"


def transfer_statement(
    rule: Rule,
    decision: TransferDecision,
    citations: tuple[Citation, ...],
    as_of: date,
    notes: tuple[str, ...],
    en: bool,
    table: RuleTable,
    asked: str | None = None,
) -> str:
    """``table``: the rule table ``rule`` is from, for a date a note names; ``asked``: the
    mechanism a yes/no question asks about (``asked.asked_mechanism``)."""
    refs = refs_text(citations, en)
    facts = _facts_line(decision, rule, en)
    zc, ec = _COUNTING[rule.counting or "current_year"]
    if decision.outcome is None:
        asks = [(MISSING[m][1 if en else 0]).format(c=ec if en else zc) for m in decision.missing]
        possible = [_label(p, en) for p in decision.possible]
        if decision.branches:
            # one fact decides it: the answer under each of its values first, then the request
            branches = _branch_lines(rule, decision, en)
            count = len(decision.missing)
            if en:
                facts_word = "one fact" if count == 1 else f"{count} facts"
                head = (
                    f"As of {as_of.isoformat()}, the governing rules are {refs}. The answer turns on {facts_word} the "
                    f"question does not give. {branches}. Please tell us {'; and '.join(asks)}."
                )
            else:
                head = (
                    f"截至{as_of.isoformat()}，适用{refs}。结论取决于问题未说明的{'一项' if count == 1 else f'{count}项'}事实。"
                    f"{branches}。请补充：{'；'.join(asks)}。"
                )
            return " ".join(p for p in (head, facts, *_notes(notes, rule, as_of, en, table)) if p)
        if en:
            head = (
                f"As of {as_of.isoformat()}, the governing rules are {refs}. The question does not give enough "
                f"facts to decide the transfer path (it could be: {'; '.join(possible)}). Please tell us: "
                + "; ".join(asks)
                + "."
            )
        else:
            head = (
                f"截至{as_of.isoformat()}，"
                f"适用{refs}。仅凭问题中的信息无法确定出境路径（可能为：{'；'.join(possible)}），"
                f"请补充：{'；'.join(asks)}。"
            )
        criteria = [r for r in (_reason(rule, name, en) for name, _ in rule.numbers) if r]
        tail = ("Criteria: " + "; ".join(criteria) + ".") if en else ("判断标准：" + "；".join(criteria) + "。")
        return " ".join(p for p in (head, facts, tail, *_notes(notes, rule, as_of, en, table)) if p)
    outcome = decision.outcome
    short = _short_answer(asked, outcome.label, en)
    reasons = [r for r in (_reason(rule, b, en) for b in outcome.basis) if r]
    if outcome.label == NO_CONTRACT_YET:
        # Say which security-assessment conditions were checked and not met.
        unmet = [_reason(rule, name, en) for name, _ in rule.numbers]
        reasons = [
            ("none of these applies: " if en else "以下情形均不符合：") + ("; " if en else "；").join(unmet),
            *reasons,
        ]
    if en:
        head = f"As of {as_of.isoformat()}, the governing rules are {refs}. Decision: {_label(outcome.label, en)}."
        why = "Basis: " + "; ".join(reasons) + "." if reasons else ""
    else:
        head = f"截至{as_of.isoformat()}，适用{refs}。结论：{_label(outcome.label, en)}。"
        why = "依据：" + "；".join(reasons) + "。" if reasons else ""
    return " ".join(p for p in (short, head, facts, why, *_notes(notes, rule, as_of, en, table)) if p)


def _short_answer(asked: str | None, label: str, en: bool) -> str:
    """Yes or no first, for a question whether one mechanism is needed."""
    if asked is None or label == NO_CONTRACT_YET:
        return ""
    if label == asked:
        return "Short answer: yes." if en else "简答：需要。"
    if label == "security_assessment":
        return ("Short answer: no — a security assessment is required instead." if en
                else "简答：不适用，应当申报数据出境安全评估。")
    return "Short answer: no." if en else "简答：不需要。"


def _count_text(n: int, en: bool) -> str:
    if en:
        return f"{n:,}"
    return f"{n // 10000}万" if n >= 10000 and n % 10000 == 0 else str(n)


_BRANCH_WHAT = {
    "count_general": ("累计向境外提供个人信息（不含敏感个人信息）", "personal information (excluding sensitive) of"),
    "count_sensitive": ("累计向境外提供敏感个人信息", "sensitive personal information of"),
    "count_processed": ("处理个人信息", "personal information processed for"),
}


def _branch_lines(rule: Rule, decision: TransferDecision, en: bool) -> str:
    return _render_branches(rule, decision.branches, en)


def _condition(rule: Rule, b: Branch, en: bool) -> str:
    zc, ec = _COUNTING[rule.counting or "current_year"]
    if b.fact == "ciio":
        if en:
            return "if you are a CIIO" if b.low else "if you are not a CIIO"
        return "若是关键信息基础设施运营者" if b.low else "若不是关键信息基础设施运营者"
    low, high = _count_text(b.low, en), _count_text(b.high, en) if b.high is not None else ""
    if en:
        span = ("none" if b.high == 1 and b.low == 0 else f"fewer than {high} people" if b.low == 0
                else f"{low} people or more" if b.high is None else f"{low} or more but fewer than {high} people")
        return f"if {_BRANCH_WHAT[b.fact][1]} {span}" + ("" if b.fact == "count_processed" else f" went abroad {ec}")
    span = ("为0人" if b.high == 1 and b.low == 0 else f"不满{high}人" if b.low == 0
            else f"{low}人以上" if b.high is None else f"{low}人以上、不满{high}人")
    return f"若{'' if b.fact == 'count_processed' else zc}{_BRANCH_WHAT[b.fact][0]}{span}"


def _render_branches(rule: Rule, branches: tuple[Branch, ...], en: bool, depth: int = 0) -> str:
    """Top-level branches as sentences, a nested fact's branches inside one, each outcome
    with the articles it rests on."""
    lines = []
    for b in branches:
        cond = _condition(rule, b, en)
        if b.outcome is None:
            inner = _render_branches(rule, b.then, en, depth + 1)
            lines.append(f"{cond}: {inner}" if en else f"{cond}：{inner}")
            continue
        where = list(dict.fromkeys(rule.anchor(name).key.split("#", 1)[1] for name in b.outcome.basis))
        cites = f" ({', '.join(where)})" if en else f"（{'、'.join(where)}）"
        lines.append(f"{cond}: {_label(b.outcome.label, en)}{cites}" if en else f"{cond}，{_label(b.outcome.label, en)}{cites}")
    if depth:
        return ("; " if en else "；").join(lines)
    return (". " if en else "。").join(line[0].upper() + line[1:] if en else line for line in lines)


def _label(label: str, en: bool) -> str:
    if label == NO_CONTRACT_YET:
        return (
            "no security assessment is required, and there is not yet a standard-contract mechanism to use"
            if en
            else "无需申报数据出境安全评估；《个人信息出境标准合同办法》尚未施行，尚无标准合同途径"
        )
    return _MECHANISM[label][1 if en else 0]


def _as_stated(c: CountMention, en: bool) -> str:
    """A count with the bound the question gave it: "fewer than 100,000" must not read back
    as 100,000 beside a decision that rests on it being less."""
    if c.high is None:
        words = ("more than ", "超过", "") if c.low > c.value else ("at least ", "", "以上")
    elif c.low == 0 and 0 < c.value and c.high < c.value:
        words = ("fewer than ", "不满", "")
    elif c.low == 0 and 0 < c.value == c.high:
        words = ("at most ", "不超过", "")
    else:
        words = ("about ", "约", "") if c.approximate else ("", "", "")
    # "两批各8万人" was multiplied out: say the total the decision used
    total = (f" ({c.value:,} in all)" if en else f"（合计{c.value}人）") if c.parts > 1 else ""
    return (f"{words[0]}{c.raw}" if en else f"{words[1]}{c.raw}人{words[2]}") + total


def _facts_line(decision: TransferDecision, rule: Rule, en: bool) -> str:
    inputs = decision.inputs
    parts = []
    if inputs.ciio is not None:
        parts.append(("CIIO" if inputs.ciio else "not a CIIO") if en else ("关基" if inputs.ciio else "非关基"))
    names = {
        "general": ("个人信息", "personal information"),
        "sensitive": ("敏感个人信息", "sensitive personal information"),
        "processed": ("处理个人信息", "personal information processed"),
    }
    for count in inputs.stated:
        zh, e = names[count.category]
        if count.high == 0:
            # stated as none ("没有别的个人信息出境"): read back as words, not as a count of people
            if count.category == "general":
                zh, e = "其他个人信息", "other personal information"
            parts.append(f"no {e}" if en else "无" + zh)
        else:
            parts.append(f"{e}: {_as_stated(count, en)}" if en else zh + _as_stated(count, en))
    if inputs.sensitive is not None and inputs.sensitive.high == 0 and not any(
        c.category == "sensitive" for c in inputs.stated
    ):
        parts.append("no sensitive personal information" if en else "不含敏感个人信息")
    if inputs.important_data:
        parts.append("important data" if en else "涉及重要数据")
    for scenario in inputs.scenarios:
        parts.append(scenario.replace("_", " ") if en else _SCENARIO_ZH[scenario])
    if not parts:
        return ""
    return ("Facts read: " + ", ".join(parts) + ".") if en else ("已读取的事实：" + "，".join(parts) + "。")


_SCENARIO_ZH = {
    "contract_with_individual": "订立、履行个人作为一方当事人的合同",
    "hr_management": "跨境人力资源管理",
    "emergency": "紧急情况",
    "statutory_duty": "履行法定职责或者法定义务",
    "no_personal_info": "不包含个人信息",
    "collected_abroad": "境外收集的个人信息",
    "ftz_outside_list": "自由贸易试验区负面清单外的数据",
}


def _notes(codes: Iterable[str], rule: Rule, as_of: date, en: bool, table: RuleTable) -> list[str]:
    return [note_text(code, rule, as_of, en, table) for code in codes]
