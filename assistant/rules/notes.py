"""What a rule decision says besides its conclusion, in Chinese or English: the notes and
warnings it carries (by code), the facts it asks for, and the statements that decline to
decide (facts that contradict each other, a count no one can have).

``transfer``, ``deadlines`` and ``engine`` decide which apply and pass their codes; this
module only words them. Not here: deciding whether a note applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .table import Rule, RuleTable, RuleTableError

# The facts a decision may lack, as a request to the user ({c}: the counting period).
MISSING = {
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


def note_text(code: str, rule: Rule, as_of: date, en: bool, table: RuleTable) -> str:
    """One note or warning, by code, in the question's language; ``table`` is the rule table
    ``rule`` is from, for a date a note names."""
    if code == "statutory_duty_not_in_force":
        return _statutory_duty_not_in_force(table, en)
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


def _statutory_duty_not_in_force(table: RuleTable, en: bool) -> str:
    """Network Data Regulation Art. 35(6) is not yet applied: from the first day a rule of the
    table quotes it."""
    since = table.first_quoting("statutory_duty")
    if since is None:
        raise RuleTableError("no rule of the table quotes statutory_duty, so no date can be named for it")
    if en:
        return (
            "The condition of a transfer truly needed to perform a statutory duty or obligation comes from Network "
            f"Data Regulation Art. 35(6), in force from {since.isoformat()}, so it is not applied on this date."
        )
    return (
        f"为履行法定职责或者法定义务确需向境外提供个人信息这一条件，由自{since.isoformat()}起施行的"
        "《网络数据安全管理条例》第三十五条第（六）项规定，截至该日尚未施行，不据此作出判断。"
    )


def conflict_statement(facts: Iterable[str], en: bool) -> str:
    """Ask back about facts the question states both ways, naming them."""
    # counts are named without their period: the two statements may not share one
    named = [MISSING[f][1 if en else 0].format(c="").strip() for f in facts]
    if en:
        return (
            "The question states this both ways, so no transfer path can be decided from it: "
            + "; ".join(named)
            + ". Please confirm which is true."
        )
    return "问题中对以下事实的说法前后矛盾，无法据此确定出境路径：" + "；".join(named) + "。请确认实际情况。"


def impossible_count_statement(written: str, counting: str | None, en: bool) -> str:
    """Ask for a real count instead of one that cannot be a number of people, over the
    period the rule in force counts (``Rule.counting``)."""
    previous = counting == "since_previous_year"
    if en:
        return (
            f"“{written}” is not a clear, possible number of people (negative, written as a power, more people than "
            "live on Earth, or digits split by a separator or a space), so no transfer path can be decided from it. How many people's personal information "
            f"has been (or will be) provided abroad since 1 January of {'the previous year' if previous else 'this year'}? "
            "For example: 150,000 people."
        )
    return (
        f"问题中的人数“{written}”不是明确、可能的人数（为负数、以乘方表示、超过全球人口，或数字被分隔符、空格隔开），"
        "无法据此确定出境路径。"
        f"请说明自{'上年' if previous else '当年'}1月1日起累计向境外提供（或拟提供）个人信息的实际人数，例如“15万人”。"
    )
