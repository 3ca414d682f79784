"""Read the facts a rule needs from a question, in Chinese or English.

``extract_facts(question, as_of)`` returns a frozen ``Facts``: CIIO status, the counts of
people whose personal information goes abroad (ordinary / sensitive) and of people whose
information is processed, the period each count covers, important data, the scenario
exemptions, dates, and what kind of question it is (asks for a transfer path, or for a
deadline of some kind). Every fact the question does not state is ``None`` — never a default.

How counts are read: a numeral counts people only when a people word follows it (人, 名,
用户, people, records …). Its category comes from the words around it within its clause:
first the words after it up to the next connective (和, 、, and …), then the words before it
back to the previous one; 敏感 / sensitive makes it a sensitive count unless negated
(不含敏感…); 处理 / process without any word of transfer makes it a processing volume.
Qualifiers turn a count into a bound: 不满/不到/less than → below, 以上/超过/more than →
at or above; 约/左右/about keep the value and mark it approximate.

Deliberately not done here: deciding anything. Nothing in this module knows a threshold or
a date on which law changed; ``transfer`` and ``deadlines`` do.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from .. import places
from .asked import asked_mechanism
from .asserted import asserted
from .dates import DateMention, find_dates
from .numerals import Numeral, find_numerals, fold_digits, parse_numeral

# --- words ---------------------------------------------------------------------------------

_PEOPLE_AFTER = re.compile(
    r"\s*[\"”'」』]?\s*(?:多|余|来)?\s*(?:以上|及以上|以下|左右)?\s*"
    # 名 counts people whatever noun follows ("18万名租车客户", "8000名工人"), but not 名额, 名单 ...
    r"(?:名(?![额单次称字下义片誉])|"
    r"(?:个|名|位|条|份)?\s*"
    # a word of kind between a classifier and the people ("3.2万个车险客户", "5000位付费会员")
    # but not a verb of someone's job ("指定一个对接用户投诉的联系人" is one contact person)
    r"(?:(?<=[个位])(?!对接|负责|处理|服务|联系|管理|接待)[\u4e00-\u9fff]{1,3}"
    r"(?=用户|客户|员工|患者|病人|顾客|会员|乘客|旅客|游客|消费者|学生|玩家|车主))?"
    # where the people are from may stand between ("10万国内用户", "1.2 million Chinese users")
    r"(?:(?:中国|国内|境内)(?=[\u4e00-\u9fff])|(?:such|Chinese|PRC|mainland|domestic)\s+)?"
    # and an English word of kind ("15,000 app users", "3,000 hotel guests")
    r"(?:(?!(?:of|per|for|to|in|and|or)\b)[a-z]+[\s-]+)?"
    # or they are some of those already counted ("8,000 of those records include bank details")
    r"(?:of (?:those|these|the|them)\s+)?"
    r"(?:个人|人|用户|客户|员工|职工|工人|消费者|会员|患者|乘客|旅客|学员|学生|校友|家长|候选人|求职者|"
    r"应聘者|住客|住户|业主|租客|居民|投保人|被保险人|玩家|车主|司机|自然人|病人|病患|顾客|客人|游客|买家|粉丝|医生|护士|"
    r"(?:people|persons?|individuals?|users?|customers?|employees?|workers?|data subjects?|records?|"
    r"consumers?|patients?|members?|clients?|students?|alumni|candidates?|applicants?|guests?|buyers?|"
    r"shoppers?|passengers?|travell?ers?|policyholders?|residents?|tenants?|players?|drivers?|doctors?|nurses?|physicians?|"
    # "…sensitive personal information on about 15,000 of them"
    r"subscribers?|visitors?|of (?:them|those|these))\b))",
    re.I,
)
# "40,000 patients, of whom 15,000 also have health information": the people come first.
# "…of whom 3,000", "人数是20万", "出境人数达到约15万": the people are named before the number.
_PEOPLE_BEFORE = re.compile(
    r"\b(?:of|among) (?:whom|them)\s+$|"
    r"人数\s*(?:是|为|有|达|达到|到|变成|变为|增加到|涨到|共|共计|合计|总共|约|大约|大概|超过|不到|不满|将近|接近)*\s*$",
    re.I,
)
# "第一", and an annex by its number ("附录一“个人信息出境说明”").
_NOT_A_COUNT_BEFORE = re.compile(r"(?:第|附录|附件|appendix|annex)\s*$", re.I)
# "一个个人信息处理者", "出一个个人信息出境标准合同办法": a classifier and then the noun 个人信息
# is "a" thing about personal information, not a number of people.
# "指定一个人来处理投诉": a person named to do something, not a person whose data goes abroad.
_NOT_A_COUNT_AFTER = re.compile(r"\s*个个人信息|\s*个?人\s*(?:来|去)?(?:处理|负责|对接|担任)")
# "一位老客户说…要求删掉": one person the story is about, not a number of people sent abroad.
_ONE_WHO_ACTS = re.compile(
    r"[位名个][\u4e00-\u9fff]{0,3}?(?:客户|员工|用户|会员|患者|游客|旅客|乘客|顾客|消费者|同事|团员|住客)"
    r"(?:说|要求|提出|投诉|反映|问|来|想|打电话|找|申请|称|表示)"
)
_CLAUSE_BREAK = re.compile(r"[。；;！？!?\n，]|,(?!\d{3})|(?<=[a-z])\.\s")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]|(?<=[a-z])\.\s")
# Holding rather than sending: "公司有15万用户" ("没有" is no holding)
_HAVING = re.compile(r"(?<![没沒])有|\b(?:have|has|had)\b", re.I)
_CONNECTIVE = re.compile(
    r"和|及|以及|与|、|另有|另外|此外|其中|\band\b|\bplus\b|\bas well as\b|\bof which\b|\bincluding\b", re.I
)
_INFO_NOUN = re.compile(r"个人信息|信息|数据|information|data|\bPI\b", re.I)
_SENSITIVE = re.compile(r"敏感|sensitive", re.I)
# The kinds PIPL Art. 28 names as sensitive (biometric, religious belief, specific identity,
# medical and health, financial account, whereabouts, children under 14), in everyday words:
# "8000名患者的诊疗信息" is a count of sensitive personal information though it never says so.
# A kind of business is not a kind of information: "医疗器械公司的5万名客户" names no health data.
_SENSITIVE_KIND = re.compile(
    r"生物识别|人脸|刷脸|面部|指纹|虹膜|声纹|宗教|特定身份|医疗健康|(?:医疗|健康)(?:信息|数据|状况|档案|记录|报告)|"
    r"病历|病史|诊疗|病情|体检|就诊|化验|基因|金融账户|银行账户|银行卡|信用卡|行踪|轨迹|"
    r"不满十四周岁|不满14周?岁|未满14|未满十四|14岁以下|十四岁以下|儿童的?(?:个人)?(?:信息|数据)|"
    r"biometric|facial|fingerprint|religio|(?:medical|health|treatment|clinical) (?:records?|history|data|information|conditions?)|"
    r"diagnos|genetic|financial account|bank account|card number|whereabouts|location history|"
    r"health[\s-]?checks?|check-?ups?|medical (?:exam|examination|test)s?|"
    r"children(?:'s)? (?:data|information)|under 14",
    re.I,
)
# "非敏感" makes one count ordinary; only the stronger forms deny sensitive data altogether.
_NON_SENSITIVE = re.compile(r"非敏感|non-?sensitive", re.I)
_KIND_NEGATED = re.compile(r"(?:不含|不包括|不涉及|没有|无|非|\bno|\bnot|without)\s*$", re.I)
_SENSITIVE_NEGATED = re.compile(
    # "没有任何sensitive PI": the English term inside a Chinese sentence
    r"(?:不含|不包含|不包括|不涉及|没有|没|并无|无任何|无|均不是|都不是|不属于|不(?:会)?(?:传|发|提供|给))(?:任何|其他)?\s*(?:敏感|sensitive)|"
    # the negation governing a short list: "不涉及重要数据和敏感个人信息"
    r"(?:不含|不包含|不包括|不涉及|没有|并无|无)[^，。；,;、和及或]{1,8}(?:和|及|以及|、|或者?)(?:任何|其他)?敏感|"
    r"敏感(?:个人)?信息(?:为|是)?(?:零|0|无)|"
    # examples of sensitive kinds, then 敏感 as their kind: "没有身份证号银行卡那种敏感的"
    r"(?:不含|不包含|不包括|不涉及|没有|并无|无)[^，。；,;]{0,10}(?:那种|这种|那类|这类|之类的?|等)敏感|"
    r"\b(?:no|non-?|not|nothing|without|excluding|exclude|excludes|"
    r"none of (?:it|them|which|the (?:personal )?(?:data|information))(?: is| are)?)\s*(?:any\s+)?sensitive|"
    r"仅(?:涉及|包括|有|为)?一般个人信息|只(?:涉及|包括|有)?一般个人信息|\bonly (?:ordinary|general|non-sensitive)\b",
    re.I,
)
# Sensitive information said to be included; a match inside a denial ("不包含敏感") does not count.
_SENSITIVE_STATED = re.compile(
    r"(?<![不没无非未])(?:含有?|包含|包括|涉及|有)(?:部分|少量|一些|大量)?敏感|"
    r"\b(?:includ(?:es|ing)|contain(?:s|ing)?|with|involv(?:es|ing))\s+(?:some\s+)?sensitive",
    re.I,
)
_OTHER_INFO_DENIED = re.compile(
    r"(?:没有|无|不涉及|不含|不包括)(?:其他|别的)(?:的)?(?:一般)?个人信息|no other personal (?:information|data)", re.I
)
MAX_PEOPLE = 9_000_000_000  # more than everyone alive
# Not 新增 ("新增用户" are often part of a total given), and nothing after 其中 (a part of the
# count before it).
_ADDITIONAL_BEFORE = re.compile(
    r"(?<!其中)(?:再|又|另外|另行|额外|追加)(?:(?!其中)[^，。；,;\d]){0,8}$|"
    r"\b(?:another|an additional|additional|a further|further)\s+$",
    re.I,
)
_ADDITIONAL_AFTER = re.compile(r"\s*(?:more|additional|extra)\b", re.I)
# A count per part: "拆成两批各8万人" (the number of parts given), "每家各报8万人" (not given).
_PER_PART = re.compile(r"(?P<n>[两二三四五六七八九十\d]+)\s*(?:批|次|家|个|份|组)[^，。；,;\d]{0,8}?各[^，。；,;\d]{0,2}$")
# (Not 每年: "每年约50万名买家" is a year's count, which is what the thresholds count.)
_EACH = re.compile(r"各[^，。；,;\d]{0,2}$|每(?:家|批|次|个|月|个月|周)[^，。；,;]{0,20}$|\beach\s+$", re.I)
_TOTAL = re.compile(
    r"(?:合计|共计|总计|总共|一共|加起来|(?<![一总合公])共(?![享同有用])|in total|a total of|altogether)[^，。；,;\d]{0,4}$",
    re.I,
)
# Said to be all there is, further from the count: "今年累计一共只向境外提供了3万人", "only sent 30,000"
# (but not after 其中: "其中只有3万人是员工" is a part of the count before it).
_ONLY = re.compile(r"(?:只|仅|一共|总共)[^，。；,;\d]{0,12}$|\bonly\b[^,;.\d]{0,30}$", re.I)
_PART_OF = re.compile(r"其中|\bof (?:them|whom|which)\b", re.I)
_OF_THEM_AFTER = re.compile(r"\s*(?:people\s+)?of (?:them|whom|which)\b", re.I)
# Just before a count: a minus sign, 负/减, or a power ...
_IMPOSSIBLE_BEFORE = re.compile(r"(?:负|减|[-\u2212\uff0d\ufe63]|\^|\*\*|(?<=[0-9])[eE][+-]?)\s*$")
# ... unless the dash joins a range ("10-20万人").
_RANGE_FROM = re.compile(r"[0-9零\u3007一二两三四五六七八九十百千万亿]\s*[-\u2212\uff0d\ufe63]\s*$")
_PROCESSED = re.compile(
    r"处理|持有|掌握|拥有|共有|存储了?|用户总数|\bprocess(?:es|ed|ing)?\b|\bhold(?:s|ing)?\b|\bhandle[sd]?\b", re.I
)
_TRANSFER_WORD = re.compile(
    r"出境|境外|跨境|海外|国外|外方|提供给|传输|传到|传至|传给|发往|往[^，。；]{0,8}传|传了?\s*(?=[\d一二两三四五六七八九十百千万])|\babroad\b|\boverseas\b|outside (?:mainland )?China|"
    r"cross-border|offshore|\bforeign\b|\btransfer|\bexport|\bsen[dt]\b|\bsending\b|\bprovid",
    re.I,
)
_TRANSFER_CONTEXT = _TRANSFER_WORD
# A verb of handing data over, which in a question about transfers is the transfer itself
# ("今年1月1日以来又提供了5万人"), unlike holding it ("公司有15万用户").
_SENDING_VERB = re.compile(r"提供|共享|发送|传|\bshar(?:e|ed|ing)\b|\bpass(?:ed)? on\b", re.I)
# "…一共有120万人左右，都要传给新加坡的母公司": the next clause sends all of those counted abroad,
# so a total held is the total sent.
_ALL_SENT_NEXT = re.compile(r"[，,]\s*(?:这些|他们的?|其)?(?:数据|信息)?(?:都|全部|全都)[^，。；,;？?]{0,6}?(?:传|发|提供|出境)")

_BELOW = re.compile(r"(?:不满|不到|不足|少于|低于|未满|未达到?|未超过|less than|under|fewer than|below)\s*$", re.I)
_ABOVE_STRICT = re.compile(r"(?:超过|多于|大于|高于|逾|超|more than|over|above|exceeding|in excess of)\s*$", re.I)
_AT_LEAST = re.compile(r"(?:至少|不少于|不低于|at least|no fewer than|no less than)\s*$", re.I)
_AT_MOST = re.compile(r"(?:至多|最多|不超过|不多于|at most|up to|no more than)\s*$", re.I)
_APPROX_BEFORE = re.compile(r"(?:约|大约|大概|approximately|about|around|roughly)\s*$", re.I)
# Approaching from below: "近10万人", "将近10万", "nearly 100,000" are fewer than that.
_JUST_BELOW = re.compile(r"(?:接近|将近|(?<!最)近|nearly|almost|close to|just under)\s*$", re.I)
_AFTER_ABOVE = re.compile(r"^\s*(?:多|余|\+|以上|及以上|or more)", re.I)
_AFTER_BELOW = re.compile(r"^\s*(?:以下|以内|or (?:less|fewer))", re.I)
_AFTER_APPROX = re.compile(r"^[^，。；,;]{0,8}?左右")

_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "since_previous_year",
        re.compile(
            r"自?(?:上年|上一年|去年)\s*1\s*月\s*1\s*[日号]起?|since (?:1 )?January 1(?:st)?,? (?:of )?(?:last"
            r"|the previous|the prior) year|"
            r"since the start of (?:last|the previous) year",
            re.I,
        ),
    ),
    (
        "current_year",
        re.compile(
            r"自?(?:当年|今年|本年)\s*1\s*月\s*1\s*[日号]起?|今年以来|今年|当年|本年度?|年初以来|年初至今|"
            r"since (?:1 )?January 1(?:st)?(?:,? (?:of )?this year)?|this year|year to date|so far this year|"
            r"since the start of (?:the|this) year",
            re.I,
        ),
    ),
    (
        "last_year",
        re.compile(
            r"去年|上一年度?|上年|(?:last|the previous|the prior) year|"
            # the months before 1 January of this year ("2026年1月1日之前的十二个月里")
            r"1\s*月\s*1\s*[日号]之?前|年初之?前|before (?:1 )?January 1(?:st)?",
            re.I,
        ),
    ),
)
_OLD_TERMS = re.compile(
    r"上年|《?(?:个人信息出境标准合同)?办法》?第四条|标准合同办法|处理(?:了"
    r"|过)?\s*[\d一二两三四五六七八九十百千万.]+\s*万?人?以上|"
    r"Measures,? Art(?:icle|\.)? ?4|Article 4 of the Measures",
    re.I,
)

_CIIO = re.compile(
    r"关键信息基础设施运营者|关键信息基础设施|关基|(?<![A-Za-z])CIIO?s?(?![A-Za-z])|"
    r"critical information infrastructure(?: operators?)?",
    re.I,
)
_CIIO_NEG_BEFORE = re.compile(
    # "肯定不是什么关键信息基础设施", "不是一家关基": a filler word may follow the negation
    r"(?:(?:不是|并非|非|不属于|不算|不为|不构成|(?:没有?|未|从未|并未)被?(?:认定|列|确定|划)(?:为|成|入))(?:什么|啥|一家|一个|任何|所谓的?)?"
    r"|\bnot(?: an?)?|\bnon-?|aren't(?: an?)?"
    r"|\bnot (?:been )?(?:designated|classified|identified|recogni[sz]ed)(?: as)?(?: an?)?"
    r"|isn't(?: an?)?)\s*$",
    re.I,
)
_CIIO_NEG_AFTER = re.compile(r"^(?:运营者)?(?:以外|之外)")
# The asker says it of themselves: "我们是关基", "本公司属于关键信息基础设施运营者", "we are a CIIO".
_CIIO_SELF_BEFORE = re.compile(
    r"(?:我们|我司|本公司|我公司|我们公司|我单位|本单位|我行|本行)(?:已经|已)?(?:是|属于|被认定为|被列为|作为)(?:一家|一个)?\s*$|"
    r"\b(?:we are|we're|our company is|we have been designated as)(?: an?)?\s*$",
    re.I,
)
_CIIO_QUESTION_BEFORE = re.compile(
    r"(?:是否|是不是|是否属于|算不算|whether(?: we are)?(?: an?)?|if we are(?: an?)?|are we(?: an?)?)\s*$", re.I
)

_IMPORTANT = re.compile(r"重要数据|important data", re.I)
# An English negation governing a list that ends just here: "contain no personal information
# or important data", "no contract-performance or HR purpose".
_EN_LIST_NEGATED = r"(?:\bno\b|\bnot\b|\bnor\b|without|none of it contains?)[^,.;]{0,40}\b(?:or|nor)\s+(?:any\s+)?$"
# A negation right before the words, or one a few characters earlier that governs a list or a
# verb ("不含个人信息或者重要数据", "没被告知有重要数据", "从来没有被任何部门告知或公布为重要数据")
# but not across a comma or a 但.
_IMPORTANT_NEG_BEFORE = re.compile(
    r"(?:非|不属于|不是|不算是?|不构成|未被认定为|\bno\b|\bnot?\b(?: involve| include| contain| any)?|without(?: any)?"
    r"|none of (?:which|it|them|the data|this) (?:is|are|counts? as)|nothing (?:here |in it )?(?:is|counts as)|"
    r"(?:does|do|did)n't (?:involve|include|contain)(?: any)?)\s*(?:任何)?\s*$|"
    + _EN_LIST_NEGATED + "|"
    r"(?:不涉及|没有|没被|并无|无(?!论)|不含|不包含|不包括|未(?!来))[^，。；,;但]{0,14}$|"
    # a longer list the negation governs, ending just here: "没有混入任何国内用户的个人信息或者重要数据"
    r"(?:不涉及|没有|并无|不含|不包含|不包括)[^，。；,;但]{0,30}(?:或者?|和|及|以及|、)\s*$|"
    # a bare 没 only right before ("没敏感没重要数据"): further back it is "没想到…有重要数据"
    r"没(?:涉及|包含|包括|含|有)?\s*$",
    re.I,
)
# Provisions Art. 2: data nobody has notified or published as important data need not be
# declared as such. "从来没收到过通知说…属于重要数据" and "…可能算重要数据，但主管部门从来没有通知过
# 我们" deny it: the notice not given is about important data, or was not given to the company
# ("我们没通知用户" is not one).
# A notice denied, not about the company itself ("未被认定为关基" is about the company).
_NOTICE_DENIED = (
    r"(?:没|未|从未|从来没|\bnever\b|\bnot been\b|\bno one has\b|\bnobody has\b|"
    r"\bno (?:authority|regulator|department|agency|body)\b|\bnothing\b|\bnone of (?:it|them|the data)\b)"
    r"[^。；;？?!！\n]{0,16}?(?:告知|通知|公布|认定|点名|notif|told|inform|flagg|designat|identif|classif)"
    r"(?![^，,。]{0,6}(?:关基|关键信息|CII|critical information))"
)
_NOT_NOTIFIED = re.compile(
    # "从没有哪个部门告知过": an authority named as the one that never told
    r"(?:没|未|从未|从来没)有?(?:哪个|哪一个|任何)?(?:部门|机关|监管|网信|政府|地区)[^。；;？?!！\n，,]{0,10}?"
    r"(?:告知|通知|公布|认定|点名)|"
    + _NOTICE_DENIED
    + r"(?=[^。；;？?!！\n，,但]{0,24}(?:重要数据|important data)|过?(?:我们|我司|本公司|\s*us\b))",
    re.I,
)
# The denial may also follow the data it is about: "…“可能属于重要数据”，但至今未收到任何部门或
# 地区的告知" (``_not_notified`` looks for it after the mention).
_NOTICE_DENIED_AFTER = re.compile(_NOTICE_DENIED, re.I)
_SENTENCE = re.compile(r"[^。；;？?!！\n]+")
# A term asked about: "“重要数据”是怎么定义的？"
_TERM_QUOTED = re.compile(r"[“\"「『]\s*$")
_IMPORTANT_NEG_AFTER = re.compile(r"^\s*(?:[:：])?\s*(?:无|没有|不涉及|否|none|no\b)", re.I)
# Asked or unsure, not denied, even after a negation: "尚未确认是否属于重要数据", "没法判断有没有
# 重要数据" leave the status open (the rules then assume Provisions Art. 2 and say so).
_IMPORTANT_QUESTION_BEFORE = re.compile(
    r"(?:是否|是不是|有没有|有无|算不算|属不属于|whether|if)\s*(?:涉及|包括|包含|属于|算|involves?|includes?)?\s*$",
    re.I,
)

# Purposes that are the company's own, not what a contract with the individual needs: a
# cross-border shop sending its customers' data abroad for profiling or marketing is not
# "为订立、履行个人作为一方当事人的合同…确需" (Provisions Art. 5(1)).
_OWN_PURPOSE = re.compile(
    r"用户画像|画像|营销|广告|精准推送|市场分析|数据分析|行为分析|用户分析|建模|模型训练|训练模型|"
    r"profiling|marketing|advertising|analytics",
    re.I,
)
# Provisions Art. 6: a free trade zone, and data outside its negative list.
_ZONE = r"(?:自由贸易试验区|自贸区|自贸试验区|free[\s-]trade (?:pilot )?zone|\bFTZ\b)"
_OFF_LIST = (
    r"(?:清单(?:以外|之外|外)|不在[^，。；,;？?]{0,16}(?:清单|negative list)|清单[^，。；,;？?]{0,6}(?:没有|未列|不包括)|"
    r"(?:outside|not (?:on|in|covered by)) (?:the |its |their |our )?(?:[\w']+ )?negative list)"
)
_SCENARIOS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "contract_with_individual",
        re.compile(
            # the article's own examples, and the same services by their everyday names
            r"跨境购物|跨境(?:进口|出口)?电商|跨境网购|海外直邮|海淘|跨境寄递|跨境快递|国际快递|跨境汇款|跨境支付|跨境开户|"
            # a sale performed: "为了履约发货"
            r"(?:为了?|用于)履约|"
            r"机票|订机票|买机票|购买机票|航班预订|值机|出票|"
            r"酒店预订|预订酒店|订(?!单)[^，。；,;]{0,8}酒店|订房|客房预订|(?:预订|预定)[^，。；,;]{0,12}租车|租车预订|"
            r"签证办理|办(?:理)?[^，。；,;]{0,2}签证|考试服务|"
            r"个人作为一方当事人的合同|为订立、履行.{0,12}合同|"
            r"cross-border (?:shopping|e-?commerce|online (?:store|shop)|delivery|parcels?|remittance|payment)|"
            r"car rental (?:booking|reservation)|international (?:express|courier)|hotel (?:booking|reservation)|"
            r"flight booking|(?:book|booking|reserve|reserving) (?:\w+ ){0,2}(?:trips?|flights?|hotels?|rooms?|tickets?)|"
            r"(?:make|making|complete|completing|handle|handling) (?:the |their |its )?(?:hotel |flight |travel )?bookings?|"
            r"visa (?:application|processing)|contract (?:to which|with) the individual",
            re.I,
        ),
    ),
    (
        "hr_management",
        re.compile(
            r"人力资源管理|人事管理|员工.{0,10}(?:人事|薪酬|薪资|工资|考勤|人力)|(?<![A-Za-z])HR(?![A-Za-z])|"
            # Art. 5(2)'s own basis, and pay and performance run under it
            r"集体合同|劳动规章制度|薪酬发放|工资发放|绩效管理|"
            r"human resources?|payroll|employee (?:data|records|personal information)",
            re.I,
        ),
    ),
    (
        "emergency",
        re.compile(
            r"紧急情况|紧急救助|生命健康|抢救|急救|突发(?:重病|疾病|急病)|生命安全|\bemergenc(?:y|ies)\b|"
            # someone taken ill on a trip: "突然晕倒送医院了，医院要她以前的病史"
            r"晕倒|昏倒|昏迷|送医|送(?:往|到|进)?医院|"
            r"protect (?:the )?(?:life|lives|health)|(?:seriously|critically) ill|life-threatening|"
            r"\bcollapsed\b|\bunconscious\b|heart attack|"
            r"urgent (?:medical|treatment|care)|intensive care|(?<![A-Za-z])ICU(?![A-Za-z])|重症监护|病危",
            re.I,
        ),
    ),
    (
        # Network Data Regulation Art. 35(6): only as the transfer's purpose ("为履行法定义务…",
        # "to meet a statutory obligation"), not a question about one's duties
        "statutory_duty",
        re.compile(
            r"(?:为了?|用于|出于)(?:履行|遵守|满足)[^，。；,;？?]{0,10}?法定(?:职责|义务)|"
            r"履行[^，。；,;？?]{0,10}?法定(?:职责|义务)(?:所需|需要|而|的需要)|"
            r"\b(?:to|in order to) (?:fulfil|fulfill|perform|discharge|meet|comply with) (?:a |an |our |its |their |the )?"
            r"(?:statutory|legal) (?:duty|duties|obligations?)\b|"
            r"\b(?:statutory|legal) (?:duty|obligation) to (?:provide|report|disclose|send|transfer)\b",
            re.I,
        ),
    ),
    (
        "no_personal_info",
        re.compile(
            # "不含任何员工或客户的个人信息", "没个人信息也没重要数据"; only whose information it
            # would be may stand between, never "没有其他的" or "没混入境内的"
            r"(?:不(?:包含|含|涉及|包括)|没有|没|无(?!论))(?:任何)?"
            r"(?:(?:员工|客户|用户|消费者|会员|患者|自然人|人)(?:或者?|和|及|与|、)?){0,3}的?"
            r"(?:个人信息|个信)|并非个人信息|不是个人信息|"
            r"(?:no|not contain any|does not contain|doesn't contain|without any?|none of it contains?(?: any)?) "
            # "no personal information of people in China" is Art. 4's condition, not Art. 3's
            r"personal (?:information|data)(?! (?:of|about|from) (?:people|persons|individuals|users|residents) "
            r"(?:in|from) (?:mainland )?china)|"
            # PIPL Art. 4: personal information relates to identified or identifiable natural persons
            r"(?:none of it|nothing|no data) (?:relates|refers) to (?:any )?identifi(?:ed|able) "
            r"(?:natural )?(?:individuals?|persons?|people)",
            re.I,
        ),
    ),
    (
        # Provisions Art. 6: a free trade zone's own list; data outside it is exempt.
        "ftz_outside_list",
        re.compile(
            # matched where the zone or the list is first named, so that a zone named only to
            # deny it ("不属于…或自贸区负面清单外等豁免情形") is found denied like any other scenario
            rf"{_ZONE}(?=.*{_OFF_LIST})|{_OFF_LIST}(?=.*{_ZONE})|"
            rf"不在[^，。；,;？?]{{0,16}}?{_ZONE}[^，。；,;？?]{{0,16}}清单",
            re.I | re.S,
        ),
    ),
    (
        "collected_abroad",
        re.compile(
            # "在欧洲收集的": a named place counts as abroad, unless the clause brings the
            # collecting back home ("美国客户的数据在国内收集").
            places.pattern_zh() + r"(?:(?!境内|国内|中国|本地)[^，。；,;？?]){0,8}?(?:收集|采集)|"
            # "日韩员工数据在当地收集后传到大连处理": 当地 is the place named before it
            + places.pattern_zh() + r"[^。；;？?]{0,40}?当地(?:收集|采集)|(?:境外|海外|国外)(?:收集|采集)|"
            r"(?:collected|gathered) (?:abroad|overseas|outside (?:mainland )?China|in "
            + places.pattern_en() + ")",
            re.I,
        ),
    ),
)

# "通过什么途径维权": the way an individual enforces rights, not a route for the transfer.
_NOT_REMEDY = r"(?!(?:来|去|进行|寻求)?(?:维权|救济|投诉|举报|起诉|申诉|索赔))"
# "Which route?" in so many words: a question about the path whatever else it says; not the
# procedure to be gone through again after a change ("重新走什么流程" is Measures Art. 8).
_ASKS_WHICH_PATH = re.compile(
    r"(?<!重新)(?<!重)(?:走|选)(?:哪|什么)|(?:用|适用|采用|采取)(?:哪|什么)(?:条|种|个)?(?:路|途径|路径|机制|出境方式|程序|手续)|"
    r"哪(?:条|种|个|一种|一条)(?:路|途径|路径|机制|方式|程序|手续|通道)" + _NOT_REMEDY + "|"
    # not "什么手续都没办" (having done none at all), which states a fact and asks nothing, nor
    # "这是什么机制" (what some mechanism is)
    r"(?<!这是)(?<!那是)(?<!个是)什么(?:程序|途径|路径|机制|手续|方式(?!让|使|向|告知|通知|公开|公布|告诉|联系|送达|提交|备案|报送)|合规)(?![都也](?:没|不|未))" + _NOT_REMEDY + "|"
    r"\bwhich (?:mechanism|path|route|procedure|option)|\bwhat (?:mechanism|path|route|procedure)",
    re.I,
)
_ASKS_PATH = re.compile(
    _ASKS_WHICH_PATH.pattern + "|"
    # Whether a mechanism is needed: a modal of necessity, then the mechanism (not one to be
    # done again: "重新备案/重签合同" after a change is Measures Art. 8, not a choice of route)...
    # (not the 要 of 重要数据 or 主要)
    r"(?:需要|要不要|是否需要|需不需要|是否要|必须|应当|应该|得|(?<![重主只])要|是否应当|是否必须)"
    r"(?:(?!重新|重签|重做)[^，。；,;?？]){0,8}(?<!重新)(?<!重)"
    # (the consular legalisation of a signature, "使领馆认证", is not the certification route)
    r"(?:申报|安全评估|标准合同|签(?:订|署)?(?:标准)?合同|订立|(?<!使领馆)(?<!领事)(?<!公证)认证|豁免|免予|免于|免除)|"
    r"(?:需要|要不要|是否需要|需不需要|必须|应当|应该|得)(?:先|再|去)?签|"
    # ...or whether one may be used; "can we terminate the contract" or "can the group file
    # for us" mention a mechanism without asking which one applies.
    r"(?:能不能|能否|可否|可以|可不可以|是否可以|能)[^，。；,;?？]{0,6}(?:用|走|采用|适用|选择|选|通过|签|订立)"
    r"[^，。；,;?？]{0,8}(?:申报|安全评估|标准合同|合同|认证)|"
    r"(?:是否|能否|可否|可以)[^，。；,;?？]{0,4}(?:免予|免于|豁免)|"
    r"\b(?:do|does|must|should|would|shall) (?:we|I|they|it|the company)\b[^.?]{0,40}"
    r"(?:security assessment|standard contract|certification|exempt|(?<!re-)(?<!re)(?:file|apply))|\bexempt\b|"
    r"\brequired to\b|"
    # "can we file the application ourselves?" asks about the procedure, not the route.
    r"\b(?:can|could) (?:we|I|they|it|the company)\b[^.?]{0,30}\b(?:use|rely on|choose|go with|opt for|"
    r"sign|take)\b[^.?]{0,25}(?:security assessment|standard contract|scc|certification)",
    re.I,
)

# Splitting a transfer up to stay under a threshold (Measures Art. 4 para. 2 forbids it):
# asking whether that is allowed is not asking which route the transfer takes.
_SPLITTING = re.compile(
    r"数量拆分|拆分|分拆|拆成|拆开|化整为零|分成几(?:批|次|份|家|个)|分给几家|分几(?:批|次|个主体)|分批|"
    r"\bsplit(?:ting)?\b",
    re.I,
)

# Arranging a transfer so as to stay under a threshold, which Measures Art. 4 para. 2 forbids:
# the route is decided on the total and that rule is quoted beside it. Batches alone
# ("拆成两批各8万人，走哪条路？") are not this.
_CIRCUMVENTS = re.compile(
    # an aim of avoiding the threshold (not 以免: "可以免予签标准合同" holds it) ...
    r"(?:避免|规避|绕开|绕过|避开|为了不)(?:触及|达到|超过|触发)?[^，。；,;]{0,8}(?:门槛|标准(?!合同)|那条线|红线|安全评估|申报)|"
    r"化整为零|(?:压在|压到|压低)[^，。；,;]{0,6}(?:门槛|线)|"
    # ... or one transfer spread over several companies ("拆到两家子公司名下各报75万人"; not "够不上",
    # which also asks innocently whether a count reaches a threshold)
    r"(?:拆|分|分摊)(?:到|给|成|分给)[^，。；,;]{0,3}(?:两|三|四|五|几|多|各|\d)[^，。；,;]{0,4}(?:子公司|公司|主体|名下)|"
    r"\b(?:split|spread|divid\w*|rout\w*)\b[^.?]{0,40}\b(?:across|through|among|between)\s+(?:[\w-]+\s+){0,3}"
    r"(?:companies|entities|subsidiaries)\b|"
    r"\bso that each\b[^.?]{0,30}\b(?:exports?|sends?|transfers?|stays?|falls?|remains?)\b[^.?]{0,20}"
    r"(?:under|below|fewer|less)|\bavoid(?:ing)? (?:the |a )?(?:threshold|security assessment)",
    re.I,
)

# PIPL Art. 4: anonymised information is not personal information, so whether it needs a
# route is a question about that definition, not about thresholds.
_ANONYMISED = re.compile(
    r"(?<!未经)(?<!没有)(?<!未)(?<!没)(?<!不)(?<!无法)匿名化|(?<!not )(?<!non-)\banonymi[sz](?:ed|ation)\b", re.I
)
# A certification body, named by whoever asks: a question about the certification procedure
# or the body's own duties (Certification Measures), not about which route a transfer takes,
# nor about the processor's filing period.
_CERTIFICATION_BODY = re.compile(
    r"认证机构|认证公司|认证资质|certification (?:bod(?:y|ies)|organi[sz]ations?|agenc(?:y|ies))", re.I
)
# The duties Provisions Art. 10 keeps whatever the route: telling people, their separate
# consent, the impact assessment ("被告知为重要数据" is the company being told, not a duty).
_DUTIES = re.compile(
    r"(?:告知|告诉)(?:义务|用户|个人|员工|客户|本人|主体)|(?:向|对)(?:个人|用户|员工|客户)告知|单独同意|"
    r"(?:让|经|经过)(?:用户|个人|员工|客户|本人)[^，。；,;？?]{0,4}同意|"
    r"(?:取得|征得|获得)[^，。；,;？?]{0,6}同意|影响评估|\bnotice\b|\bnotify (?:the |our )?(?:individuals|users|"
    r"data subjects|employees|customers|people)|\bconsent\b|impact assessment|\b(?:PIA|PIPIA|DPIA)\b",
    re.I,
)
# The counts given are of different people, so they add up: "（不同的人）", "用户不重叠",
# "50,000 other customers", "no overlap".
_DISTINCT_PEOPLE = re.compile(
    r"不同的?(?:人|用户|客户|员工|个人)|(?:互不|没有|并不|不)重(?:叠|合|复)|各不相同|"
    r"\b(?:different|other|separate|distinct) (?:people|persons|individuals|users|customers|employees)\b|"
    r"\bno overlap|\b(?:do|does|did)(?: not|n't) overlap",
    re.I,
)
# A treaty or agreement between states: PIPL Art. 38 para. 3 and Regulation Art. 36 let its
# conditions for transfers be followed, and what it says is outside the rule table.
_TREATY = re.compile(
    r"(?:国际)?条约|(?:国家|两国|双边|多边|政府)[^，。；,;？?]{0,12}协定|协定[^，。；,;？?]{0,12}(?:国家|两国|双边|多边)|"
    r"\btreat(?:y|ies)\b|\b(?:international|bilateral|multilateral) agreements?\b",
    re.I,
)
# A concessive clause ("even if we need no contract, ...") takes the route as given; what
# is asked comes after it.
_CONCESSIVE = re.compile(
    r"(?:即使|就算|哪怕|即便|既然)[^，。；,;?？]*[，,]|\beven (?:if|though)\b[^,.;?]*,|"
    # "If we're exempt from the contract because…, can we also skip…?"
    r"\b(?:if|since|given that|as) (?:we(?:'re| are)|our transfer is|the transfer is|it is|it's) exempt\b[^,.;?]*,",
    re.I,
)

# An information question (what, how long, who...) rather than a yes/no one.
_WH_QUESTION = re.compile(
    r"哪些|哪个|哪里|哪儿|哪天|哪一天|什么|何时|多久|多长|多少|几年|几天|几个|怎么|怎样|如何|谁|为什么|为何|为啥|"
    r"\b(?:what|which|how|who|whom|when|where|why)\b",
    re.I,
)

_SUPPLEMENT = re.compile(
    r"补充完善|补正|补充材料|补交|补充提交|supplement|missing (?:documents|materials)|incomplete (?:filing|materials)",
    re.I,
)
# A personal-information export certificate's validity or renewal (Certification Measures Art. 8).
_CERTIFICATE = re.compile(
    r"认证证书.{0,24}(?:有效期|到期|届满|继续使用|续|过期|重新申请|重新认证)|"
    r"证书.{0,8}(?:有效期|到期|届满|继续使用|过期)|"
    r"certificate\b.{0,60}(?:expir|valid|renew)|(?:renew|expir)\w*.{0,30}certificate",
    re.I,
)
_VALIDITY = re.compile(
    r"评估结果.{0,6}(?:有效期|到期|届满|延长|延期)|有效期.{0,6}(?:延长|延期|届满|到期)|(?:延长|延期).{0,6}有效期|"
    r"通过(?:了)?(?:数据出境)?安全评估.{0,20}(?:有效|到期|届满|延)|assessment result|validity|"
    # "安全评估结果是去年3月5日出具的，有效期到哪天": the validity asked in the next clause
    r"安全评估[^。？?！!；;]{0,30}有效期",
    re.I,
)
# The Security Assessment Measures' own transition (Art. 20) is not the rule's: the texts answer it.
_ASSESSMENT_MEASURES = re.compile(r"安全评估办法|security assessment measures", re.I)
# Only the Measures' transitional remediation (Art. 13), not an order to remedy (Art. 11).
_REMEDIATION = re.compile(
    r"整改期|施行前.{0,20}整改|整改.{0,10}(?:6个月|六个月)|过渡期|remediation period|grace period", re.I
)
_CHECK = re.compile(
    r"材料查验|查验|备案编号|备案结果|出结果|反馈|审核|(?:提交|递交)(?:了)?(?:备案)?材料|"
    r"(?:check|review) (?:of|the) (?:filing|materials)|filing number|after (?:we )?submit",
    re.I,
)
_FILING = re.compile(r"备案|报备|\bfil(?:e|ing)\b|\bregist(?:er|ration)\b", re.I)
_ASKS_DATE = re.compile(
    r"最晚|最迟|截止|截至哪|哪天|哪一天|几号|几月几[日号]|什么时候|何时|到期日?|届满|之前|以前|前要|期限是"
    r"|具体日期|日期|"
    r"deadline|by when|which (?:day|date)|what (?:day|date)|\bwhen\b|\bdue\b|last day|latest|expire|until",
    re.I,
)
# Asking for a date, not for the length of a period ("多久要备案" is answered by the article).
_ASKS_SPECIFIC_DATE = re.compile(
    # "最晚要提前多久" asks how long before, not which day
    r"(?:最晚|最迟)(?![^，。；,;？?]{0,6}(?:多久|多长时间|几个?(?:月|天|年|工作日)|多少个?(?:天|日|月|年|工作日)))|"
    r"截止日期|截止到?哪|哪天|哪一天|几号|几月几[日号]|具体日期|什么日期|哪个日期|"
    # "when is the last day", not "if the last day falls on a holiday, does it move?"
    r"which (?:day|date)|what date|exact date|(?:what|which|when)(?: is| was)? the last day|last day to|"
    r"by what date|by which date|due date",
    re.I,
)
_SIGNED_NOT_EFFECTIVE = re.compile(r"签署|签订|签了|signed|executed", re.I)
# "如果那天刚好是法定假日呢？": the question raises a last day on a holiday (Civil Code Art. 203)
_HOLIDAY = re.compile(r"假日|放假|holiday", re.I)
_EFFECTIVE = re.compile(r"生效|effective|takes? effect|took effect", re.I)


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountMention:
    """One count of people read from the question.

    ``low``/``high`` bound the true count (``high`` None = unbounded): an exact "15万人" is
    (150000, 150000); "不满10万人" is (0, 99999); "10万人以上" is (100000, None).
    """

    category: str  # "general" | "sensitive" | "processed"
    value: int
    low: int
    high: int | None
    approximate: bool
    period: str | None  # "current_year" | "since_previous_year" | "last_year" | None
    raw: str
    # Not a possible number of people: negative ("-5万"), written as a power ("10^12",
    # "1e12"), more people than live on Earth, or glued to other digits by a separator the
    # reader does not join ("1'500'000"). No rule may decide from such a count.
    impossible: bool = False
    # More on top of a count already given ("已提供9万人，7月拟再提供3万人", "another
    # 30,000"): the thresholds count cumulatively, so the two add up.
    additional: bool = False
    # Said to be the total ("合计约120万人", "in total"): it outweighs per-part counts beside it.
    total: bool = False
    # A count per part multiplied by the parts stated ("两批各8万人": 2); the value is the product.
    parts: int = 1
    # A part of the count before it ("其中3万人是员工", "20,000 of them").
    part: bool = False
    # Its own clause, or the next one of all it counts, speaks of sending abroad ("B业务向境外提供
    # 了8万人"); "公司有15万用户" does not.
    sent: bool = False


@dataclass(frozen=True)
class Facts:
    """What a question states. ``None`` always means "not stated"."""

    ciio: bool | None
    counts: tuple[CountMention, ...]
    important_data: bool | None
    important_data_status_asked: bool  # the question is whether its data counts as important data
    important_data_not_notified: bool  # says no one notified or published it as important data (Art. 2)
    scenarios: tuple[str, ...]
    period: str | None  # the counting period named anywhere in the question
    old_terms: bool  # framed in the Measures' pre-2024 terms (上年, 《办法》第四条, 处理…人)
    transfer_context: bool
    asks_path: bool  # asks which path, or whether a mechanism is needed or usable
    asks_which_path: bool  # asks which path in so many words
    wh_question: bool  # asks what, how, who... rather than yes or no
    sensitive_denied: bool  # the question says there is no sensitive personal information
    deadline_topic: str | None  # "filing" | "check" | "supplement" | "assessment_validity" | "certificate_validity"
    # | "remediation"
    asks_date: bool
    asks_specific_date: bool
    dates: tuple[DateMention, ...]
    signed_not_effective: bool  # the date given is a signing date and 生效 is not mentioned
    # A date can be the contract's only when the question speaks of it taking effect or being
    # signed: "2026年1月1日到现在传了3.2万人…还要备案吗" dates the count, not a contract.
    contract_dated: bool = False
    anonymised: bool = False  # the data is said to be anonymised (PIPL Art. 4: not personal information)
    names_certifier: bool = False  # a certification body is named (the asker or the subject)
    circumvents: bool = False  # plans a transfer so as to stay under a threshold (Measures Art. 4)
    asks_duties: bool = False  # speaks of notice, separate consent or the impact assessment
    names_treaty: bool = False  # a treaty or agreement between states may set the conditions
    distinct_people: bool = False  # the counts given are said to be of different people
    mentions_holiday: bool = False  # raises a last day on a holiday, so Art. 203 is quoted
    asked_mechanism: str | None = None  # a yes/no question whether this mechanism is needed (``asked``)
    conflicts: tuple[str, ...] = ()  # facts the asker stated both ways ("ciio"): asked back, never chosen

    def count(self, category: str) -> CountMention | None:
        """The first count of that category, if any."""
        return next((c for c in self.counts if c.category == category), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, for ``RuleResult.facts``."""
        out = asdict(self)
        out["dates"] = [{"date": d.day.isoformat(), "raw": d.raw} for d in self.dates]
        out["counts"] = [asdict(c) for c in self.counts]
        out["scenarios"] = list(self.scenarios)
        return out


# --- extraction ----------------------------------------------------------------------------


def extract_facts(question: str, as_of: date) -> Facts:
    """Read every fact the rules use from ``question``; unstated facts are ``None``. Only the
    asker's own statements count: reported, disowned and system-addressed words are blanked
    first (``asserted``)."""
    question = asserted(question)
    text = fold_digits(question)
    period_spans = [(m.start(), m.end()) for _, p in _PERIODS for m in p.finditer(text)]
    # A date is the start of a counting period when a period's words hold it whole ("自今年1月1日
    # 起"); "今年3月1日签的" only begins with one.
    dates = tuple(d for d in find_dates(question, as_of) if not any(s <= d.start and d.end <= e for s, e in period_spans))
    date_spans = [(d.start, d.end) for d in dates]
    counts = tuple(_counts(text, date_spans))
    if not any(c.category == "general" for c in counts):
        denied = _OTHER_INFO_DENIED.search(text)
        if denied and any(c.category == "sensitive" for c in counts):
            # "500人的敏感个人信息，没有其他个人信息出境": the ordinary count is stated as zero.
            counts += (CountMention("general", 0, 0, 0, False, _period(text), denied.group(0)),)
    asked = _CONCESSIVE.sub("", text)
    important = _important_data_mentions(text)
    not_notified = _not_notified(text)
    which_path = bool(_ASKS_WHICH_PATH.search(asked))
    ciio, ciio_conflict = _ciio(text)
    return Facts(
        ciio=ciio,
        conflicts=(("ciio",) if ciio_conflict else ())
        + (("sensitive",) if _sensitive_conflict(text, counts) else ())
        + tuple(f"count_{c}" for c in _counts_conflicting(counts, _period(text), _none_sent_periods(text))),
        counts=counts,
        important_data=_important_data(important, not_notified),
        # "从来没有被通知过哪些是重要数据，还要按重要数据申报吗？": whether the data counts as important data
        important_data_status_asked=not_notified or ("denied" in important and "stated" in important),
        important_data_not_notified=not_notified,
        scenarios=_scenarios(text),
        period=_period(text),
        old_terms=bool(_OLD_TERMS.search(text)) or any(c.category == "processed" for c in counts),
        transfer_context=bool(_TRANSFER_CONTEXT.search(text)),
        asks_path=bool(_ASKS_PATH.search(asked)) and (which_path or not _SPLITTING.search(asked)),
        anonymised=bool(_ANONYMISED.search(text)),
        names_certifier=bool(_CERTIFICATION_BODY.search(text)),
        circumvents=bool(_CIRCUMVENTS.search(text)),
        asks_duties=bool(_DUTIES.search(text)),
        names_treaty=bool(_TREATY.search(text)),
        distinct_people=bool(_DISTINCT_PEOPLE.search(text)),
        mentions_holiday=bool(_HOLIDAY.search(text)),
        asks_which_path=which_path,
        asked_mechanism=asked_mechanism(asked, which_path),
        wh_question=bool(_WH_QUESTION.search(text)),
        sensitive_denied=bool(_SENSITIVE_NEGATED.search(text)),
        deadline_topic=_deadline_topic(text),
        asks_date=bool(_ASKS_DATE.search(text)),
        asks_specific_date=bool(_ASKS_SPECIFIC_DATE.search(text)),
        dates=dates,
        signed_not_effective=bool(_SIGNED_NOT_EFFECTIVE.search(text)) and not _EFFECTIVE.search(text),
        contract_dated=bool(_SIGNED_NOT_EFFECTIVE.search(text) or _EFFECTIVE.search(text)),
    )


# A scenario named only to deny it: "也不是紧急救治", "不属于跨境人力资源管理", "no
# contract-performance or HR purpose", "not for an emergency".
_ZH_DENIAL = r"(?:不是|并非|不属于|不涉及|不符合|不为|不做|不用于|不用来|没有|无(?!论))"
_SCENARIO_DENIED = re.compile(
    # at most two characters between: "也不是紧急救治", but not "非关基的跨境电商公司"
    _ZH_DENIAL + r"[^，。；,;]{0,2}$|"
    # a purpose denied: "不是为了给旅客出票值机"
    r"(?:不是|并非|不)(?:为了|用于|用来)[^，。；,;]{0,10}$|"
    + _EN_LIST_NEGATED + "|"
    r"(?:\bno\b|\bnot\b|\bnot for\b|without|isn't|is not|aren't)\s+(?:an?\s+|the\s+|any\s+)?$|"
    # "…run by the parent, not something needed for HR management"
    r"\bnot\s+(?:something\s+|anything\s+)?(?:needed|necessary|required|essential)\s+(?:for|to|by)\s+"
    r"(?:the\s+|our\s+|its\s+)?$",
    re.I,
)


# A Chinese negation governing a list of exemptions that ends in its kind, the scenario
# anywhere in the list: "不属于合同履行、人力资源管理或紧急情况等豁免场景". Without that ending a
# negation further back need not govern the scenario ("不含敏感信息的订单和员工人事数据").
_LIST_NEGATION_BEFORE = re.compile(_ZH_DENIAL + r"[^，。；,;]{0,40}$")
_LIST_OF_EXEMPTIONS_AFTER = re.compile(
    r"[^，。；,;]{0,40}?(?:等|之类的?)(?:豁免|例外)?(?:场景|情形|情况|情景|事由|条件)"
)


def _scenarios(text: str) -> tuple[str, ...]:
    def denied(m: re.Match[str]) -> bool:
        if _SCENARIO_DENIED.search(text, 0, m.start()):
            return True
        return bool(_LIST_NEGATION_BEFORE.search(text, 0, m.start()) and _LIST_OF_EXEMPTIONS_AFTER.match(text, m.end()))

    def stated(pattern: re.Pattern[str]) -> bool:
        return any(not denied(m) for m in pattern.finditer(text))

    found = tuple(name for name, p in _SCENARIOS if stated(p))
    if "contract_with_individual" in found and stated(_OWN_PURPOSE):
        found = tuple(name for name in found if name != "contract_with_individual")
    return found


def _deadline_topic(text: str) -> str | None:
    """Which period the question is about; the more specific topics are tested first."""
    if _SUPPLEMENT.search(text):
        return "supplement"
    if _CERTIFICATE.search(text):
        return "certificate_validity"
    if _VALIDITY.search(text):
        return "assessment_validity"
    if _REMEDIATION.search(text) and not _ASSESSMENT_MEASURES.search(text):
        return "remediation"
    if _CERTIFICATION_BODY.search(text):
        return None  # a certification body's own filing (Certification Measures Art. 12): the texts answer
    if _FILING.search(text) and _EFFECTIVE.search(text):
        return "filing"  # counted from the contract taking effect, whatever else is said
    if _CHECK.search(text):
        return "check"
    if _FILING.search(text):
        return "filing"
    return None


def _period(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for name, pattern in _PERIODS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    m = _CLAUSE_BREAK.search(text, pos)
    return start, (m.start() if m else len(text))


# A count given only roughly with 几: "几万人" (1万 to under 10万), "十几万" (11万 to under 20万),
# "几十万" (10万 to under 100万), "几百人".
_VAGUE = re.compile(r"([一二两三四五六七八九]?十)?几([十百千]?[万亿]?)")


def _vague_numerals(text: str) -> dict[Numeral, tuple[int, int]]:
    """Each 几 count as a numeral (its value the lower bound) with its (low, high)."""
    out = {}
    for m in _VAGUE.finditer(text):
        scale = parse_numeral("一" + m.group(2)) or 1  # 几十万: units of 十万
        if m.group(1):  # 十几 (or 二十几): the tens are given, the units are not
            tens = parse_numeral(m.group(1)) or 10
            low, high = (tens + 1) * scale, (tens + 10) * scale - 1
        else:
            low, high = scale, 10 * scale - 1
        out[Numeral(low, m.start(), m.end(), m.group(0))] = (low, high)
    return out


def _counts(text: str, date_spans: list[tuple[int, int]]) -> list[CountMention]:
    vague = _vague_numerals(text)
    found = sorted(
        [n for n in find_numerals(text) if not any(v.start <= n.start < v.end for v in vague)] + list(vague),
        key=lambda n: n.start,
    )
    numerals = [
        n
        for n in found
        if (_PEOPLE_AFTER.match(text, n.end) or _PEOPLE_BEFORE.search(text, max(0, n.start - 16), n.start))
        and not _NOT_A_COUNT_BEFORE.search(text, 0, n.start)
        and not _NOT_A_COUNT_AFTER.match(text, n.end)
        and not (n.value == 1 and _ONE_WHO_ACTS.match(text, n.end))
        and not any(s <= n.start < e for s, e in date_spans)
    ]
    out = []
    for i, n in enumerate(numerals):
        c_start, c_end = _clause_bounds(text, n.start)
        prev_end = max(c_start, numerals[i - 1].end if i > 0 else 0)
        next_start = min(c_end, numerals[i + 1].start if i + 1 < len(numerals) else len(text))
        before, after = text[prev_end : n.start], text[n.end : next_start]
        all_sent = bool(_ALL_SENT_NEXT.match(text, c_end))
        clause = text[c_start:c_end]
        m = _mention(text, n, before, after, clause, all_sent)
        if not m.sent and out and _continues_what_was_sent(text, clause, out[-1], numerals[i - 1], m, n):
            m = replace(m, sent=True)
        glued = _GLUED_BEFORE.search(text, max(0, n.start - 16), n.start)
        if glued and not any(s <= glued.start() < e for s, e in date_spans) and not (
            len(glued.group(1)) == 4 and glued.group(1)[:2] in ("19", "20") and glued.group(2).isspace()
        ):
            # "1'500'000", "1.200.000", "1 5万": digits the reader did not join stand before the
            # count, so what was meant is unclear; asked back, never read as "000" or "5万"
            start = glued.start()
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] in "'’.,·・"):
                start -= 1  # the whole run: "1.200.000", not "200.000"
            m = replace(m, impossible=True, raw=text[start : n.end])
        if n in vague and m.low == m.high == n.value:
            m = replace(m, low=vague[n][0], high=vague[n][1], approximate=True)
        start = _range_start(text, found, n)
        if start is not None and m.low == m.high == n.value and m.parts == 1:
            m = replace(m, low=start.value, raw=text[start.start : n.end])
        out.append(m)
    return out


def _continues_what_was_sent(
    text: str, clause: str, previous: CountMention, previous_at: Numeral, mention: CountMention, at: Numeral
) -> bool:
    """Whether a count with no word of sending of its own continues a list of counts sent
    ("A业务线向境外提供了3万人，B业务线4万人") or totals it ("…，合计9万人"): it follows a count
    of its kind that was sent, in the same sentence, and its clause holds no word of holding
    ("公司有15万用户")."""
    if not previous.sent or previous.category != mention.category:
        return False
    if mention.total:
        return True
    return not (_PROCESSED.search(clause) or _HAVING.search(clause) or _SENTENCE_BREAK.search(text, previous_at.end, at.start))


# Digits, then separators or blanks, just before a count (a year and a space are fine: "in 2024 150,000 people").
_GLUED_BEFORE = re.compile(r"(\d+)([\s'’.,·・\u2800]+)$")
# Between the two ends of a range: "5万到15万人", "8至12万人", "5-15万人", "between 50,000 and 150,000".
_RANGE_BETWEEN = re.compile(r"\s*(?:到|至|~|～|-|\u2013|\u2014|—|\bto\b|\band\b)\s*", re.I)


def _range_start(text: str, found: list[Numeral], end: Numeral) -> Numeral | None:
    """The lower end of a range whose upper end is ``end``, if ``end`` closes one. A lower end
    written without the unit takes the upper end's ("5-15万" is 5万 to 15万); "and" joins a
    range only after "between". The ends must rise: "15万到5万" is no range."""
    before = [p for p in found if p.end <= end.start]
    if not before:
        return None
    start = before[-1]
    joint = _RANGE_BETWEEN.fullmatch(text, start.end, end.start)
    if joint is None or (joint.group(0).strip().lower() == "and" and not re.search(
            r"\bbetween\s+$", text[max(0, start.start - 12) : start.start], re.I)):
        return None
    value = start.value
    unit = end.raw.strip()[-1:]
    scale = parse_numeral("一" + unit) if unit in ("千", "万", "亿") else None
    if scale and start.raw.strip()[-1:] not in ("千", "万", "亿") and value * scale <= end.value:
        value *= scale
    return replace(start, value=value) if 0 < value < end.value else None


def _mention(text: str, n: Numeral, before: str, after: str, clause: str, all_sent: bool) -> CountMention:
    after_near = _CONNECTIVE.split(after, maxsplit=1)[0]
    before_near = _CONNECTIVE.split(before)[-1]
    # The noun right after the count ("1万人敏感个人信息") wins; else the one before it
    # ("敏感个人信息1万人", "sensitive personal information of 5,000 people").
    words = after_near if _INFO_NOUN.search(after_near) else before_near
    negated = _SENSITIVE_NEGATED.search(words) or _NON_SENSITIVE.search(words)
    if _SENSITIVE.search(words) and not negated:
        category = "sensitive"
    elif _PROCESSED.search(before + after_near) and not _TRANSFER_WORD.search(before_near + after_near) and not all_sent:
        category = "processed"
    elif not negated and (_sensitive_kind_listed(after) or _sensitive_kind_listed(before_near)):
        # "8000名患者的诊疗信息", "8000名工人的姓名、工号和人脸照片": a kind PIPL Art. 28 calls sensitive
        category = "sensitive"
    else:
        category = "general"
    low, high, approximate = _bounds(n.value, text[: n.start], text[n.end :])
    value, raw, parts = n.value, n.raw, 1
    # "拆成两批各8万人" is 16万 in all; "每家各8万人" with no number of parts is at least 8万.
    per_part = _PER_PART.search(before)
    if per_part and (k := parse_numeral(per_part.group("n"))):
        value, low, high, parts = value * k, low * k, None if high is None else high * k, k
        raw = text[n.start - len(before) + per_part.start() : n.end]
    elif _EACH.search(before):
        high = None
    period = None if category == "processed" else _period(clause)
    sign = _IMPOSSIBLE_BEFORE.search(text, max(0, n.start - 4), n.start)
    if sign is not None and _RANGE_FROM.search(text, 0, n.start):
        sign = None
    if sign is not None:
        start = sign.start()
        while start > 0 and text[start - 1].isdigit():  # the base of "10^12"
            start -= 1
        raw = text[start : n.end]
    impossible = sign is not None or n.value > MAX_PEOPLE
    additional = bool(_ADDITIONAL_BEFORE.search(before) or _ADDITIONAL_AFTER.match(text, n.end))
    total = bool(_TOTAL.search(before) or (_ONLY.search(before) and not _PART_OF.search(before)))
    part = bool(_PART_OF.search(before)) or bool(_OF_THEM_AFTER.match(text, n.end))
    sent = all_sent or bool(_TRANSFER_WORD.search(clause) or _SENDING_VERB.search(clause))
    return CountMention(
        category, value, low, high, approximate, period, raw, impossible, additional, total, parts, part, sent
    )


def _sensitive_kind_listed(words: str) -> bool:
    """A sensitive kind named in ``words`` and not itself negated ("不含人脸")."""
    return any(
        not _KIND_NEGATED.search(words, max(0, m.start() - 4), m.start()) for m in _SENSITIVE_KIND.finditer(words)
    )


def _bounds(value: int, before: str, after: str) -> tuple[int, int | None, bool]:
    before = before[-16:]
    after_unit = _PEOPLE_AFTER.sub("", after[:24], count=1)
    if _BELOW.search(before):
        return 0, max(value - 1, 0), False
    if _JUST_BELOW.search(before):
        return 0, max(value - 1, 0), True
    if _ABOVE_STRICT.search(before):
        return value + 1, None, False
    if _AT_LEAST.search(before) or _AFTER_ABOVE.match(after) or _AFTER_ABOVE.match(after_unit):
        return value, None, False
    if _AT_MOST.search(before) or _AFTER_BELOW.match(after) or _AFTER_BELOW.match(after_unit):
        return 0, value, False
    approximate = bool(_APPROX_BEFORE.search(before) or _AFTER_APPROX.match(after))
    return value, value, approximate


def _ciio(text: str) -> tuple[bool | None, bool]:
    """(the CIIO status stated, whether the asker said both that they are one and that they
    are not). A denial outweighs a mention that is not about the asker ("我们不是关基，听说
    关基运营者必须…"); only the asker's own "we are" against a "not" is a conflict."""
    denied = mentioned = claimed = False
    for m in _CIIO.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        after = text[m.end() : m.end() + 6]
        if _CIIO_QUESTION_BEFORE.search(before):
            continue  # "是否属于关基", "不确定是不是关基" ask; they state nothing (是不是 holds 不是)
        if _CIIO_NEG_BEFORE.search(before) or _CIIO_NEG_AFTER.match(after):
            denied = True
        else:
            mentioned = True
            claimed = claimed or bool(_CIIO_SELF_BEFORE.search(before))
    if denied and claimed:
        return None, True
    return (False if denied else True if mentioned else None), False


def _counts_conflicting(
    counts: tuple[CountMention, ...], period: str | None = None, none_sent: tuple[str | None, ...] = ()
) -> list[str]:
    """The categories in which two statements of a count cannot both hold:

    - a part ("其中8万人") above the count just before it that it is part of (of its own
      kind, or the ordinary count a sensitive part is drawn from);
    - a count said to be all there is ("今年累计一共只提供了3万人", "合计6万人") below another
      count of the same period that is not on top of it, or above a bound stated for all
      ("不到10万人"). Counts compare when their own clauses date them to the same period, or
      when both are said to be sent over the question's period; "公司有15万用户" with no period
      of its own may count something else;
    - none sent over a period ("今年没有向境外提供任何个人信息") beside a count sent over it.

    ``period``: the counting period named anywhere in the question; ``none_sent``: the periods
    of the denials of any transfer."""
    out: list[str] = []

    def add(category: str) -> None:
        if category not in out:
            out.append(category)

    for i, part in enumerate(counts):
        wholes = [c for c in counts[:i] if not c.part and (c.category == part.category or
                  (part.category, c.category) == ("sensitive", "general"))]
        if part.part and wholes and wholes[-1].high is not None and part.low > wholes[-1].high:
            add(part.category)

    def same_period(a: CountMention, b: CountMention) -> bool:
        if a.period is not None and a.period == b.period:
            return True
        return a.sent and b.sent and (a.period or period) == (b.period or period)

    for whole in counts:
        if not whole.total or whole.high is None:
            continue
        for other in counts:
            if other is whole or other.category != whole.category or other.additional or not same_period(whole, other):
                continue
            bounded_above = other.low == 0 and other.high is not None and 0 < other.value
            if other.low > whole.high or (bounded_above and other.high is not None and other.high < whole.low):
                add(whole.category)
    for denied in none_sent:
        if any(c.low > 0 and c.sent and c.category in ("general", "sensitive") and (c.period or period) == (denied or period)
               for c in counts):
            add("general")
    return out


# "今年1月1日以来没有向境外提供任何个人信息", "we have not sent any personal information abroad";
# not a denial of one kind ("没有向境外提供敏感个人信息") or of other information.
_NONE_SENT = re.compile(
    r"(?:没有|没|未|从未|并未)(?:向境外|往境外|出境)?(?:提供|传输|传|发送)(?:过|了)?(?:任何)?(?:的)?"
    r"(?:个人信息|个人数据|数据)(?!出境安全评估)|"
    r"\b(?:have|has|had|did)\s*(?:not|n't|never)\s+(?:sent|transferred|provided|exported)\s+any\s+"
    r"(?:personal\s+)?(?:information|data)\b",
    re.I,
)


def _none_sent_periods(text: str) -> tuple[str | None, ...]:
    """The counting period of each denial that anything was sent (None: no period of its own)."""
    return tuple(_period(_clause_around(text, m.start())) for m in _NONE_SENT.finditer(text))


def _sensitive_conflict(text: str, counts: tuple[CountMention, ...]) -> bool:
    """Whether the asker says both that sensitive information is included ("含敏感个人信息",
    or a count of it above zero) and that none is ("不含敏感个人信息"); a stated inclusion is
    one no denial covers, and a denial of *other* sensitive information is no denial."""
    found = [m for m in _SENSITIVE_NEGATED.finditer(text) if not _OTHER.search(m.group(0))]
    if not found:
        return False
    # Against a count of sensitive information only a denial standing alone counts ("我们提供的
    # 不含敏感个人信息"): one in a clause with a count qualifies that count ("non-sensitive PI
    # of 200,000 individuals", "15万人（不含敏感个人信息）") and denies nothing else.
    standalone = any(not _HAS_COUNT.search(_clause_around(text, m.start())) for m in found)
    if standalone and any(c.category == "sensitive" and c.low > 0 for c in counts):
        return True
    denials = [m.span() for m in found]
    return any(
        not any(s < m.end() and m.start() < e for s, e in denials) for m in _SENSITIVE_STATED.finditer(text)
    )


_OTHER = re.compile(r"其他|其它|别的|\bother\b", re.I)
_HAS_COUNT = re.compile(r"\d|[万亿千百]")
_CLAUSE_END = re.compile(r"[，。；,;.!?！？\n]")


def _clause_around(text: str, at: int) -> str:
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, at)]
    end = _CLAUSE_END.search(text, at)
    return text[starts[-1] if starts else 0 : end.start() if end else len(text)]


def _important_data_mentions(text: str) -> list[str]:
    """Each mention of important data: "denied", "asked" ("是否涉及重要数据") or "stated"."""
    out = []
    for m in _IMPORTANT.finditer(text):
        before = text[max(0, m.start() - 48) : m.start()]
        after = text[m.end() : m.end() + 6]
        if _IMPORTANT_NEG_AFTER.match(after):
            out.append("denied")
        elif _IMPORTANT_QUESTION_BEFORE.search(before) or _TERM_QUOTED.search(before):
            out.append("asked")
        elif _IMPORTANT_NEG_BEFORE.search(before):
            out.append("denied")
        else:
            out.append("stated")
    return out


def _not_notified(text: str) -> bool:
    """A sentence names important data and says nobody notified or published any, or the
    sentence after it does ("…可能算重要数据。但从来没有哪个主管部门通知过我们")."""
    sentences = [m.group() for m in _SENTENCE.finditer(text)]
    for i, sentence in enumerate(sentences):
        named = _IMPORTANT.search(sentence)
        if not named:
            continue
        if _NOT_NOTIFIED.search(sentence) or _NOTICE_DENIED_AFTER.search(sentence, named.end()):
            return True
        if i + 1 < len(sentences) and _NOT_NOTIFIED.search(sentences[i + 1]):
            return True
    return False


def _important_data(mentions: list[str], not_notified: bool) -> bool | None:
    if "denied" in mentions or not_notified:
        return False  # a stated "no important data" settles it
    return True if "stated" in mentions else None
