"""Word a rule decision for the user: the sentences that open the answer, Chinese or English.

Every threshold and period in the text is the rule table's own string ("10万", "10个工作日"),
so the statement cannot drift from the rule. In English the Chinese figure is kept and its
value added in brackets ("10万 (100,000)"). Counts from the question are echoed as the
question wrote them. Notes and warnings arrive as codes from ``transfer`` / ``deadlines`` and
are rendered here, in one place per language.

Not here: deciding anything, or choosing citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..types import Citation
from .calendar_days import CalendarResult, holiday_name_en
from .counts import CountMention
from .deadlines import DeadlineDecision
from .table import Rule
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
_MISSING = {
    "ciio": (
        "是否为关键信息基础设施运营者（关基）",
        "whether you are a critical information infrastructure operator (CIIO)",
    ),
    "sensitive": ("是否包含敏感个人信息", "whether the information includes sensitive personal information"),
    "count_general": (
        "{c}累计向境外提供的个人信息（不含敏感个人信息）人数",
        "how many people's personal information (excluding sensitive) has gone abroad {c}",
    ),
    "count_sensitive": (
        "{c}累计向境外提供的敏感个人信息人数（没有请注明）",
        "how many people's sensitive personal information has gone abroad {c} (say so if none)",
    ),
    "count_processed": ("处理个人信息的总人数", "how many people's personal information you process in total"),
    "contract_effective_date": ("标准合同生效的日期", "the date the standard contract took effect"),
    "submission_date": ("提交备案材料的日期", "the date the filing materials were submitted"),
    "notice_date": ("收到补充完善材料通知的日期", "the date you were told to supplement the materials"),
    "assessment_result_date": ("评估结果出具的日期", "the date the assessment result was issued"),
    "certificate_date": ("认证证书出具的日期", "the date the certificate was issued"),
}


def _n(rule: Rule, name: str, en: bool) -> str:
    text = rule.number(name).text
    return f"{text} ({rule.amount(name):,})" if en else text


def _refs(citations: Iterable[Citation], en: bool) -> str:
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
    asked: str | None = None,
) -> str:
    """``asked``: the mechanism a yes/no question asks about (``asked.asked_mechanism``)."""
    refs = _refs(citations, en)
    facts = _facts_line(decision, rule, en)
    zc, ec = _COUNTING[rule.counting or "current_year"]
    if decision.outcome is None:
        asks = [(_MISSING[m][1 if en else 0]).format(c=ec if en else zc) for m in decision.missing]
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
            return " ".join(p for p in (head, facts, *_notes(notes, rule, as_of, en)) if p)
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
        return " ".join(p for p in (head, facts, tail, *_notes(notes, rule, as_of, en)) if p)
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
    return " ".join(p for p in (short, head, facts, why, *_notes(notes, rule, as_of, en)) if p)


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


def _notes(codes: Iterable[str], rule: Rule, as_of: date, en: bool) -> list[str]:
    return [note_text(code, rule, as_of, en) for code in codes]


def note_text(code: str, rule: Rule, as_of: date, en: bool) -> str:
    """One note or warning, by code, in the question's language."""
    zh_text = {
        "approximate": "问题中的人数为约数；临近门槛时请以准确人数为准。",
        "counts_added": "问题中已提供的人数与再提供的人数按累计相加计算（按不同的人计；同一人只计一次）。",
        "counts_side_by_side": "问题分别给出了同一期间的几个人数，未说明合计：累计人数介于其中最大者与各数之和之间"
        "（同一人只计一次），以上按这一范围判断。",
        "important_data_assumed_none": (
            "问题未提及重要数据：按未被相关部门、地区告知或者公开发布为重要数据处理（第二条）。"
            if rule.has("important_data_notified")
            else "问题未提及重要数据：按不涉及重要数据处理；如涉及重要数据，应当申报数据出境安全评估。"
        ),
        "important_data_not_notified": "问题所述数据未被相关部门、地区告知或者公开发布为重要数据：不需要作为重要数据"
        "申报数据出境安全评估（第二条）。",
        "statutory_duty_not_in_force": "为履行法定职责或者法定义务确需向境外提供个人信息这一条件，由自2025-01-01起施行的"
        "《网络数据安全管理条例》第三十五条第（六）项规定，截至该日尚未施行，不据此作出判断。",
        "scenarios_not_in_force": "问题所述场景豁免（《促进和规范数据跨境流动规定》第三条至第六条）自该规定施行之"
        "日起才适用，截至该日不适用。",
        "period_longer_than_rule": "问题给出的是自上年1月1日起的累计人数，而现行规定按自当年1月1日起累计计算，"
        "该人数只是当年人数的上限。",
        "period_last_year_not_counted": "去年向境外提供的人数不计入自当年1月1日起的累计。",
        "period_shorter_than_rule": "问题给出的人数只覆盖部分计数期间，而当时的规定按自上年1月1日起累计计算，"
        "该人数只是累计人数的下限。",
        "old_terms": "问题按《个人信息出境标准合同办法》第四条的旧口径提问；"
        "《促进和规范数据跨境流动规定》第十三条规定，相关规定与本规定不一致的，适用本规定："
        "计数改为自当年1月1日起累计，且不再以处理个人信息总量为条件。",
        "measures_not_in_force": "截至该日《个人信息出境标准合同办法》尚未施行，标准合同途径尚不可用。",
        # Art. 10 keeps "按照法律、行政法规的规定": where a law lifts consent (an emergency,
        # PIPL Art. 13), so does this note
        "other_duties": "无论适用哪种途径，包括免予申报，向境外提供个人信息仍应当按照法律、行政法规的规定"
        "履行告知、取得个人单独同意、进行个人信息保护影响评估等义务（第十条）。",
        "no_splitting": "不得采取数量拆分等手段规避安全评估：以上结论按问题所述的合计人数作出，"
        "不按拆分后各主体或各批次的人数。",
    }
    en_text = {
        "approximate": "The count in the question is approximate; near a threshold, use the exact figure.",
        "counts_added": "The people already sent and those sent on top are added up, as different people (one "
        "person counts once): the thresholds count cumulatively.",
        "counts_side_by_side": "The question gives several counts for the same period and no total: the cumulative "
        "count lies between the largest of them and their sum (one person counts once), and is judged over that range.",
        "important_data_assumed_none": (
            "The question does not mention important data: treated as none notified or published as important "
            "data (Art. 2)."
            if rule.has("important_data_notified")
            else "The question does not mention important data: treated as none; important data would require a "
            "security assessment."
        ),
        "important_data_not_notified": "The data has not been notified or published as important data, so it "
        "need not be declared as important data for a security assessment (Art. 2).",
        "statutory_duty_not_in_force": "The condition of a transfer truly needed to perform a statutory duty or "
        "obligation comes from Network Data Regulation Art. 35(6), in force from 2025-01-01, so it is not applied on "
        "this date.",
        "scenarios_not_in_force": "The scenario exemptions of the Provisions (Arts. 3-6) apply only from the day "
        "the Provisions took effect, not on this date.",
        "period_longer_than_rule": "The count given runs since 1 January of the previous year, but the Provisions "
        "count since 1 January of the current year; it is only an upper bound for this "
        "year's count.",
        "period_last_year_not_counted": "Last year's transfers do not count towards the total since 1 January of "
        "the current year.",
        "period_shorter_than_rule": "The count given covers only part of the counting period, which then ran "
        "since 1 January of the previous year; it is only a lower bound.",
        "old_terms": "The question uses the terms of Measures Art. 4; under Provisions Art. 13, where earlier "
        "rules differ the Provisions prevail: counts run since 1 January of the current year and "
        "total processing volume is no longer a condition.",
        "measures_not_in_force": "On this date the Standard Contract Measures are not yet in force: no "
        "standard-contract mechanism is available.",
        "other_duties": "Whatever the route, an exemption included, providing personal information abroad still "
        "carries the duties laws and administrative regulations set, such as notice, the individuals' separate "
        "consent and a personal information protection impact assessment (Art. 10).",
        "no_splitting": "A transfer may not be split up to avoid a security assessment: the decision above rests "
        "on the total count the question gives, not on each entity's or batch's share.",
    }
    return (en_text if en else zh_text)[code]


# --- deadlines ---------------------------------------------------------------------------


def calendar_warnings(estimated: tuple[int, ...], weekends: tuple[int, ...], en: bool) -> tuple[str, ...]:
    """What the reader must know about years without a published arrangement."""
    out = []
    if estimated:
        ys = ", ".join(str(y) for y in estimated) if en else "、".join(str(y) for y in estimated)
        out.append(
            f"The State Council has not yet published the holiday arrangement for {ys}: working days in that year "
            "were estimated from the statutory holidays of the Holiday Measures (Art. 2) and their make-up days "
            "(Art. 6), without the year's adjusted working days (调休), so the date may move once the arrangement "
            "is published."
            if en
            else f"{ys}年的放假调休安排（国务院办公厅通知）尚未公布：该年的工作日按《全国年节及纪念日放假办法》第二条"
            "规定的全体公民放假的节日和第六条的补假估算，未计入该年的调休，通知公布后日期可能变动。"
        )
    if weekends:
        ys = ", ".join(str(y) for y in weekends)
        out.append(
            f"No holiday data is available for {ys}: days in that year were counted on weekends alone, so the date "
            "may move."
            if en
            else f"{ys}年没有节假日数据，该年仅按周末推算，日期可能变化。"
        )
    return tuple(out)


def _notices(d: DeadlineDecision, en: bool) -> str:
    if not d.notices:
        return ""
    if en:
        named = "; ".join(f"{a.year}: {a.title} ({a.number}, {a.published.isoformat()})" for a in d.notices)
        return f"Holidays and adjusted working days as published: {named}."
    named = "；".join(f"{a.year}年按《{a.title}》（{a.number}）" for a in d.notices)
    return f"放假调休日期：{named}。"


def _holidays(result: CalendarResult | None, en: bool) -> str:
    if result is None or (not result.holidays_skipped and not result.makeup_days_counted):
        return ""
    groups: dict[str, list[str]] = {}
    for item in result.holidays_skipped:
        day, name = item.split(" ", 1)
        groups.setdefault(name, []).append(day)
    parts = []
    for name, days in groups.items():
        span = days[0] if len(days) == 1 else f"{min(days)}-{max(days)}" if en else f"{min(days)}至{max(days)}"
        parts.append(f"{holiday_name_en(name)} ({span})" if en else f"{name}（{span}）")
    makeup = ", ".join(result.makeup_days_counted) if en else "、".join(result.makeup_days_counted)
    if en:
        out = f"Holidays skipped: {', '.join(parts)}." if parts else ""
        return out + (f" Make-up working days counted: {makeup}." if makeup else "")
    out = f"期间不计入的法定节假日：{'，'.join(parts)}。" if parts else ""
    return out + (f"调休上班日{makeup}计入。" if makeup else "")


def deadline_statement(
    rule: Rule,
    d: DeadlineDecision,
    citations: tuple[Citation, ...],
    as_of: date,
    en: bool,
) -> str:
    refs = _refs(citations, en)
    p = d.period.text
    if d.deadline is None:
        ask = _MISSING[d.missing[0]][1 if en else 0]
        if en:
            return (
                f"As of {as_of.isoformat()}, under {refs}, the period is {p}. To compute the exact date, "
                f"please give {ask}."
            )
        return f"截至{as_of.isoformat()}，依据{refs}，期限为{p}。要计算具体日期，请提供{ask}。"
    rule_zh, rule_en = _RULE_TEXT[rule.logic]
    window = rule.number("window").text if rule.has("window") else ""
    start, end = d.start.isoformat() if d.start else "", d.deadline.isoformat()
    # A start date worked out from words without a year ("上周三", "3月1日", "the day before
    # yesterday") is shown with them, so the reader can check how it was read.
    written = d.start_as_written if d.start_as_written and not re.search(r"\d{4}", d.start_as_written) else ""
    read_from = (f"read from “{written}”; " if en else f"即“{written}”；") if written else ""
    if en:
        parts = [f"As of {as_of.isoformat()}, under {refs}: {rule_en.format(p=p, w=window)}."]
        if d.period.unit == "workday":
            parts.append(
                f"Counting from {start} ({read_from}the first day is not counted) on the official calendar (statutory holidays "
                f"skipped, make-up working days counted), the last day of the {p} is {end}."
            )
        else:
            parts.append(f"Counting from {start} ({read_from}the first day is not counted), the last day is {end}.")
            if d.corresponding_day and d.corresponding_day != d.deadline:
                parts.append(
                    f"The corresponding day {d.corresponding_day.isoformat()} is a rest day, so the period ends "
                    f"on the next working day."
                )
        if d.window is not None:
            parts.append(_WINDOW_TEXT[rule.logic][1].format(w=window, day=d.window.isoformat()))
    else:
        parts = [f"截至{as_of.isoformat()}，依据{refs}：{rule_zh.format(p=p, w=window)}。"]
        if d.period.unit == "workday":
            parts.append(
                f"起算日为{start}（{read_from}开始的当日不计入，自下一日开始计算），按国务院公布的节假日安排计算工作日"
                f"（法定节假日不计入，调休上班日计入），{p}的最后一日为{end}。"
            )
        else:
            parts.append(f"起算日为{start}（{read_from}开始的当日不计入），期间的最后一日为{end}。")
            if d.corresponding_day and d.corresponding_day != d.deadline:
                parts.append(f"对应日{d.corresponding_day.isoformat()}为休息日，顺延至休假日结束的次日。")
        if d.window is not None:
            parts.append(_WINDOW_TEXT[rule.logic][0].format(w=window, day=d.window.isoformat()))
    parts.append(_holidays(d.calendar, en))
    parts.append(_notices(d, en))
    for code in d.notes:
        parts.append(_DEADLINE_NOTES[code][1 if en else 0])
    parts.extend(calendar_warnings(d.estimated_years, d.weekend_years, en))
    return " ".join(x for x in parts if x)


_RULE_TEXT = {
    "filing": (
        "个人信息处理者应当在标准合同生效之日起{p}内备案",
        "the personal information processor must file the standard contract within {p} of it taking effect",
    ),
    "check": (
        "省级网信办应当自个人信息处理者提交备案材料之日起{p}内完成材料查验",
        "the provincial office must finish checking the materials within {p} of their submission",
    ),
    "supplement": (
        "需要补充完善材料的，个人信息处理者应当在{p}内提交补充完善材料",
        "materials to be supplemented must be submitted within {p}",
    ),
    "assessment_validity_extend": (
        "通过数据出境安全评估的结果有效期为{p}，自评估结果出具之日起计算；可以在有效期届满前{w}内申请延长",
        "a security assessment result is valid for {p} from its issue; an extension may be applied for within {w} "
        "before expiry",
    ),
    "assessment_validity_reapply": (
        "通过数据出境安全评估的结果有效期为{p}，自评估结果出具之日起计算；需要继续的，应当在有效期届满{w}前重新申报",
        "a security assessment result is valid for {p} from its issue; to continue, apply again {w} before expiry",
    ),
    "certificate_renewal": (
        "个人信息出境认证证书的有效期为{p}；证书到期需继续使用的，应当在有效期届满前{w}提出认证申请",
        "a personal information export certificate is valid for {p}; to keep using it after expiry, certification "
        "must be applied for {w} before expiry",
    ),
    "remediation": (
        "本办法施行前已经开展、不符合规定的个人信息出境活动，应当自施行之日起{p}内完成整改",
        "transfers begun before the Measures took effect and not compliant must be remedied within {p} of that date",
    ),
}
_WINDOW_TEXT = {
    "assessment_validity_extend": (
        "延长申请可自{day}起提出（有效期届满前{w}）。",
        "An extension can be applied for from {day} ({w} before expiry).",
    ),
    "assessment_validity_reapply": (
        "需要继续出境的，最迟应于{day}重新申报（有效期届满{w}前）。",
        "To continue, apply again no later than {day} ({w} before expiry).",
    ),
    "certificate_renewal": (
        "需要继续使用的，最迟应于{day}提出认证申请（有效期届满前{w}，从有效期最后一日往前数到对应日）。",
        "To keep using it, apply no later than {day} ({w} before expiry, counted back from the last day of "
        "validity to the corresponding day).",
    ),
}
_DEADLINE_NOTES = {
    "start_before_rule": (
        "起算日早于该规定施行之日；以上按截至该日有效的规定计算。",
        "The start date is before this rule took effect; the rule in force on the as-of date was applied.",
    ),
    "certificate_validity_from_issue": (
        "《个人信息出境认证办法》第八条未写明有效期自何日起算；以上按自证书出具之日起算。",
        "Art. 8 of the Certification Measures does not say from which day the validity runs; it was counted "
        "from the certificate's issue.",
    ),
    "signing_date_taken_as_effective": (
        "期限自标准合同生效之日起算；问题只给出签署日期，已按该日生效计算，如生效日不同请以生效日为准。",
        "The period runs from the contract taking effect; the signing date given was taken as that date.",
    ),
}


def conflict_statement(facts: Iterable[str], en: bool) -> str:
    """Ask back about facts the question states both ways, naming them."""
    # counts are named without their period: the two statements may not share one
    named = [_MISSING[f][1 if en else 0].format(c="").strip() for f in facts]
    if en:
        return (
            "The question states this both ways, so no transfer path can be decided from it: "
            + "; ".join(named)
            + ". Please confirm which is true."
        )
    return "问题中对以下事实的说法前后矛盾，无法据此确定出境路径：" + "；".join(named) + "。请确认实际情况。"


def impossible_count_statement(written: str, en: bool) -> str:
    """Ask for a real count instead of one that cannot be a number of people."""
    if en:
        return (
            f"“{written}” is not a clear, possible number of people (negative, written as a power, more people than "
            "live on Earth, or digits split by a separator or a space), so no transfer path can be decided from it. How many people's personal information "
            "has been (or will be) provided abroad since 1 January of this year? For example: 150,000 people."
        )
    return (
        f"问题中的人数“{written}”不是明确、可能的人数（为负数、以乘方表示、超过全球人口，或数字被分隔符、空格隔开），"
        "无法据此确定出境路径。"
        "请说明自当年1月1日起累计向境外提供（或拟提供）个人信息的实际人数，例如“15万人”。"
    )
