"""Word a deadline decision for the user, Chinese or English: the period, the last day, the
holidays skipped and the calendar notices the count rests on, or the date still needed.

Every period is the rule table's own string ("10个工作日"). Not here: counting days
(``calendar_days``, ``deadlines``) or choosing citations.
"""

from __future__ import annotations

import re
from datetime import date

from ..types import Citation
from .calendar_days import CalendarResult, holiday_name_en
from .deadlines import DeadlineDecision
from .notes import MISSING
from .statements import refs_text
from .table import Rule


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
    refs = refs_text(citations, en)
    p = d.period.text
    if d.deadline is None:
        ask = MISSING[d.missing[0]][1 if en else 0]
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
