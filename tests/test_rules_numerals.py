"""Numerals and facts: every numeral form, qualifiers, categories, periods and negations."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus import load_corpus
from assistant.dates import find_dates
from assistant.numerals import find_numerals, parse_numeral
from assistant.rules.facts import extract_facts

AS_OF = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80000", 80000),
        ("8万", 80000),
        ("1.5万", 15000),
        ("十五万", 150000),
        ("一百万", 1_000_000),
        ("10万", 100_000),
        ("100万", 1_000_000),
        ("1万", 10_000),
        ("150,000", 150_000),
        ("100k", 100_000),
        ("1 million", 1_000_000),
        ("1.2 million", 1_200_000),
        ("两万", 20_000),
        ("三千", 3000),
        ("一万五", 15_000),
        ("一万五千", 15_000),
        ("1万5千", 15_000),
        ("十万", 100_000),
        ("一万零五百", 10_500),
        ("九千九百九十九", 9999),
        ("九万九千九百九十九", 99_999),
        ("百万", 1_000_000),
        ("１０万", 100_000),
        ("one million", 1_000_000),
        ("two hundred thousand", 200_000),
        ("5,000", 5000),
        ("0", 0),
    ],
)
def test_parse_numeral_forms(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("text", ["", "abc", "人", "万人", "万", "万一", "亿"])
def test_parse_numeral_rejects_non_numbers(text):
    assert parse_numeral(text) is None


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """Reference formatter for 0 < n < 10**8, written independently of the parser."""

    def below_10k(x: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit % 10
            if d:
                if zero and out:
                    out += "零"
                out += _DIGITS[d] + name
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low)
    text = below_10k(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10k(low)
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert parse_numeral(_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_with_thousands_separators_round_trip(n):
    assert parse_numeral(f"{n:,}") == n
    assert parse_numeral(str(n)) == n


@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=0, max_value=9))
def test_wan_with_one_decimal(whole, tenth):
    assert parse_numeral(f"{whole}.{tenth}万") == whole * 10_000 + tenth * 1000


def test_find_numerals_spans_point_into_the_text():
    text = "今年提供了１５万人，另有2,000人"
    found = find_numerals(text)
    assert [(n.value, text[n.start : n.end]) for n in found] == [(150_000, "１５万"), (2000, "2,000")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合同2024年9月30日生效", date(2024, 9, 30)),
        ("合同2024-09-30生效", date(2024, 9, 30)),
        ("合同2024/9/30生效", date(2024, 9, 30)),
        ("合同9月30日生效", date(2024, 9, 30)),
        ("effective on September 30, 2024", date(2024, 9, 30)),
        ("today", AS_OF),
        ("今天生效", AS_OF),
        ("昨天刚签好并已生效", date(2024, 5, 31)),
        ("the contract took effect yesterday", date(2024, 5, 31)),
        ("明天生效", date(2024, 6, 2)),
        # relative to the as-of date, Saturday 2024-06-01, whose week runs Monday 05-27 to Sunday 06-02
        ("今年3月1日签的合同", date(2024, 3, 1)),
        ("去年12月20日生效", date(2023, 12, 20)),
        ("明年1月5日生效", date(2025, 1, 5)),
        ("前天生效", date(2024, 5, 30)),
        ("后天生效", date(2024, 6, 3)),
        ("the day after tomorrow", date(2024, 6, 3)),
        ("effective the day before yesterday", date(2024, 5, 30)),
        ("下周一生效", date(2024, 6, 3)),
        ("上星期三签的", date(2024, 5, 22)),
        ("本周日", date(2024, 6, 2)),
        ("这个礼拜一", date(2024, 5, 27)),
        ("下个月5号生效", date(2024, 7, 5)),
        ("上个月底签的", date(2024, 5, 31)),
    ],
)
def test_dates(text, expected):
    assert [d.day for d in find_dates(text, AS_OF)] == [expected]


def test_impossible_date_is_skipped():
    assert find_dates("2023年2月30日", AS_OF) == []


def test_relative_months_cross_year_ends_and_find_month_ends():
    assert [d.day for d in find_dates("下个月3号", date(2024, 12, 15))] == [date(2025, 1, 3)]
    assert [d.day for d in find_dates("上个月底", date(2024, 3, 10))] == [date(2024, 2, 29)]  # a leap February


@pytest.mark.parametrize(
    "text",
    # a bare weekday, an English "next Monday" (which of two?), 大前天, and words that only
    # contain the characters of 前天 / 后天
    ["周五签的", "next Monday", "大前天签的", "提前天数", "今后天天都要传"],
)
def test_vague_relative_dates_are_not_read(text):
    assert find_dates(text, AS_OF) == []


def test_a_relative_day_that_does_not_exist_is_skipped():
    assert find_dates("上个月31号", date(2024, 7, 10)) == []  # June has 30 days


@pytest.mark.parametrize(
    ("question", "category", "low", "high"),
    [
        ("今年向境外提供了8万人的个人信息", "general", 80000, 80000),
        ("敏感个人信息5000人", "sensitive", 5000, 5000),
        ("向境外提供了不满10万人个人信息", "general", 0, 99_999),
        ("向境外提供了10万人以上个人信息", "general", 100_000, None),
        ("向境外提供了超过1万人的敏感个人信息", "sensitive", 10_001, None),
        ("正好10万人的个人信息出境", "general", 100_000, 100_000),
        # a negated qualifier is read whole, not as the word inside it
        ("向境外提供了不超过10万人的个人信息", "general", 0, 100_000),
        ("向境外提供了未超过10万人的个人信息", "general", 0, 100_000),
        ("向境外提供了不低于10万人的个人信息", "general", 100_000, None),
        ("we sent personal information of no more than 100,000 people abroad", "general", 0, 100_000),
        ("we sent personal information of no fewer than 100,000 people abroad", "general", 100_000, None),
        # a count per part: multiplied out when the parts are counted, else a lower bound
        ("拆成两批各8万人的个人信息出境", "general", 160_000, 160_000),
        ("每家子公司各传了5万人的个人信息", "general", 50_000, None),
        ("我们每月向境外传1万人的个人信息", "general", 10_000, None),
        ("刚好1万人的敏感个人信息出境", "sensitive", 10_000, 10_000),
        ("we transferred data of 100k users abroad", "general", 100_000, 100_000),
        ("sensitive personal information of 5,000 people went abroad", "sensitive", 5000, 5000),
        ("我们处理了200万用户的个人信息", "processed", 2_000_000, 2_000_000),
    ],
)
def test_count_category_and_bounds(question, category, low, high):
    facts = extract_facts(question, AS_OF)
    c = facts.count(category)
    assert c is not None, facts.counts
    assert (c.low, c.high) == (low, high)


def test_two_counts_in_one_clause_keep_their_own_categories():
    facts = extract_facts("今年出境1万人敏感个人信息和50万人一般个人信息", AS_OF)
    assert facts.count("sensitive").value == 10_000
    assert facts.count("general").value == 500_000


def test_count_excluding_sensitive_is_general_and_denies_sensitive():
    facts = extract_facts("今年向境外提供8万人个人信息（不含敏感个人信息）", AS_OF)
    assert facts.count("general").value == 80000
    assert facts.count("sensitive") is None
    assert facts.sensitive_denied


@pytest.mark.parametrize(("text", "n"), [("3.2万个车险客户的名字", 32_000), ("5000位付费会员的手机号", 5_000)])
def test_a_word_of_kind_between_classifier_and_people(text, n):
    assert extract_facts(f"今年传了{text}", AS_OF).count("general").value == n


def test_an_annex_number_is_not_a_count():
    assert extract_facts('标准合同附录一"个人信息出境说明"需要填哪些内容？', AS_OF).counts == ()
    assert extract_facts("按附件二的模板，今年有一万人的个人信息要出境", AS_OF).count("general").value == 10_000


@pytest.mark.parametrize("denial", ["没敏感信息", "无敏感个人信息", "没有敏感信息"])
def test_short_denials_of_sensitive_data(denial):
    facts = extract_facts(f"非关基企业，今年出境的个人信息一共3万人，都是姓名和联系方式，{denial}。", AS_OF)
    assert facts.count("general").value == 30_000 and facts.sensitive_denied
    # "无" only denies what it stands before
    assert not extract_facts("今年出境3万人的个人信息，无法确定其中有多少敏感信息", AS_OF).sensitive_denied


@pytest.mark.parametrize(
    ("question", "ciio"),
    [
        ("我们是关基", True),
        ("我们不是关基", False),
        ("我们是非关基企业", False),
        ("关键信息基础设施运营者以外的数据处理者", False),
        ("We are not a CIIO", False),
        ("we are not designated as CII", False),
        ("we are not designated as a critical information infrastructure operator", False),
        ("We are a CIIO", True),
        ("我们公司不属于关键信息基础设施运营者", False),
        ("It has not been designated a critical information infrastructure operator (CIIO).", False),
        ("我们是一家电商公司", None),
    ],
)
def test_ciio(question, ciio):
    assert extract_facts(question, AS_OF).ciio is ciio


@pytest.mark.parametrize(
    ("question", "important"),
    [
        ("涉及重要数据", True),
        ("不涉及重要数据", False),
        ("没有敏感个人信息和重要数据", False),
        ("这批数据", None),
        ("也没被告知有重要数据", False),
        ("从来没有被任何部门告知或公布为重要数据", False),
        ("None of it has been flagged as important data.", False),
        ("The data contains no sensitive personal information and none of it is important data.", False),
        ("8,000 of those records include bank account details. Nothing is important data.", False),
        ("有些数据可能算重要数据，但从没有哪个部门告知过或公开发布过", False),
        ("no personal information at all, and nothing designated as important data", False),
        # 无论 is "whatever", 未来 "in future": neither denies anything
        ("无论是否涉及重要数据都要评估吗", None),
        ("未来可能涉及重要数据", True),
        ("我们没想到这批数据里有重要数据", True),
        # Provisions Art. 2: nobody notified or published it as important data
        ("从来没收到过哪个部门通知说我们的数据属于重要数据，那还要按重要数据申报吗？", False),
        ("有几类数据可能算重要数据，但是主管部门从来没有通知过我们", False),
        ("当地主管部门已经书面告知这部分属于重要数据", True),
        ("我们未被认定为关基，但涉及重要数据", True),
        # a notice to users, or a policy not yet published, says nothing about important data
        ("我们没通知用户，但涉及重要数据", True),
        ("我们还没发布新的隐私政策，但这批数据里有重要数据", True),
        ("The documents contain no personal information or important data.", False),
        # a term asked about, not a fact stated
        ("“重要数据”在数据出境安全评估办法里是怎么定义的？", None),
        # spoken denials with a bare 没
        ("非ciio 今年累计才出境3万人 没敏感没重要数据", False),
        ("没个人信息也没重要数据 出境要申报啥吗", False),
        ("3万人，没涉及重要数据", False),
        # unsure is not denied, even after a negation
        ("尚未确认是否属于重要数据，走哪条路？", None),
        ("还没确定是不是重要数据", None),
        ("我们没法判断有没有重要数据", None),
        # a form's question answered after it
        ("是否涉及重要数据：否", False),
        # the notice denied in the next sentence (Provisions Art. 2)
        ("安全团队担心可能算重要数据。但从来没有哪个主管部门或地区通知过我们。", False),
        ("这批数据可能算重要数据。我们没通知用户。", True),
    ],
)
def test_important_data(question, important):
    assert extract_facts(question, AS_OF).important_data is important


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("自上年1月1日起累计提供了8万人", "since_previous_year"),
        ("自当年1月1日起累计提供了8万人", "current_year"),
        ("今年提供了8万人", "current_year"),
        ("去年提供了8万人", "last_year"),
        ("since January 1 this year we sent 80,000 people's data", "current_year"),
        ("we sent 80,000 people's data last year", "last_year"),
        ("2026年1月1日之前的十二个月里我们向境外传过约40万名用户的信息", "last_year"),
    ],
)
def test_periods(question, period):
    assert extract_facts(question, AS_OF).period == period


@pytest.mark.parametrize(
    ("question", "scenario"),
    [
        ("为跨境购物向境外提供个人信息", "contract_with_individual"),
        ("机票酒店预订需要提供旅客信息给境外酒店", "contract_with_individual"),
        ("跨境人力资源管理需要提供员工个人信息", "hr_management"),
        ("紧急情况下为保护生命健康", "emergency"),
        ("出境数据不包含个人信息", "no_personal_info"),
        ("设备运行数据（不含任何员工或客户的个人信息）要上传到德国总部", "no_personal_info"),
        ("外贸订单物流数据 没个人信息也没重要数据", "no_personal_info"),
        ("在境外收集的个人信息传回境外", "collected_abroad"),
        ("德国客户把在欧洲收集的员工档案传到上海处理，再传回德国", "collected_abroad"),
        ("Data collected in the EU is processed in Shanghai and sent back", "collected_abroad"),
        ("我们是旅行社，给客人订国外酒店、办签证，要把护照信息发过去", "contract_with_individual"),
        ("我们在自贸区，负面清单以外的数据往境外传", "ftz_outside_list"),
        ("Our company is in a free trade zone; the data is not on the zone's negative list", "ftz_outside_list"),
    ],
)
def test_scenarios(question, scenario):
    assert scenario in extract_facts(question, AS_OF).scenarios


@pytest.mark.parametrize(
    "question",
    [
        "美国客户的数据在国内收集后传到美国",  # collected at home, sent to a named country
        "我们把国内收集的数据传到新加坡",
        "负面清单以外的数据往境外传",  # a list, but no free trade zone named
        "我们在自贸区，清单里的数据要出境",  # a zone, but the data is on its list
    ],
)
def test_scenarios_not_read_into_near_misses(question):
    scenarios = extract_facts(question, AS_OF).scenarios
    assert "collected_abroad" not in scenarios and "ftz_outside_list" not in scenarios


@pytest.mark.parametrize(
    "question",
    [
        "今年向境外提供3万人个人信息，不含敏感的个人信息",  # only the sensitive kind is denied
        "无论谁的个人信息，出境都要评估吗",
        "我们没想到会传这么多个人信息",
        # other information denied, or information from home denied, is not none at all
        "800名受检者的基因测序结果，除此之外没有其他的个人信息",
        "境外收集的数据传回国内处理再传回境外，中间没混入境内的个人信息",
    ],
)
def test_personal_information_not_denied_by_near_misses(question):
    assert "no_personal_info" not in extract_facts(question, AS_OF).scenarios


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        # "can we file it ourselves" asks about the procedure, not which mechanism applies
        ("If we use the certification route, can we just file the application ourselves from Germany?", False),
        ("Can we use certification instead of the standard contract?", True),
        ("Do we need a security assessment?", True),
        # doing a mechanism again after a change is not choosing one (as with 重新申报)
        ("Our recipient was acquired by another group. Do we have to re-apply?", False),
        # whether splitting a transfer to stay under a threshold is allowed (Measures Art. 4)
        ("把客户数据分给几家子公司分别往境外传，每家都够不上安全评估的量，就都能签标准合同了，这么做合规吗？", False),
        ("Can we split the transfer across subsidiaries so that each can use the standard contract?", False),
        # a route question that happens to mention batches still asks the route
        ("我们拆成两批各8万人，走哪条路？", True),
        # what some mechanism is, not which one to take
        ("有些境外机构会被列入黑名单，不准向他们提供个人信息，这是什么机制？", False),
        ("今年向境外提供5万人个人信息，需要什么手续？", True),
    ],
)
def test_what_counts_as_asking_the_route(question, asks):
    assert extract_facts(question, AS_OF).asks_path is asks


def test_period_phrase_dates_are_not_start_dates():
    facts = extract_facts("自当年1月1日起累计向境外提供了8万人", AS_OF)
    assert facts.dates == ()


def test_facts_are_json_serialisable():
    import json

    facts = extract_facts("标准合同2024年9月30日生效，今年提供了8万人", AS_OF)
    assert json.loads(json.dumps(facts.to_dict()))["dates"] == [
        {"date": "2024-09-30", "raw": "2024年9月30日", "typed": "2024年9月30日"}
    ]


def test_people_named_before_the_number_are_counted():
    assert [(c.category, c.value) for c in extract_facts("如果人数是20万呢？", AS_OF).counts] == [("general", 200000)]
    sensitive = extract_facts("敏感个人信息人数为2万", AS_OF).counts
    assert [(c.category, c.value) for c in sensitive] == [("sensitive", 20000)]
    assert extract_facts("人数有多少", AS_OF).counts == ()


def test_wan_yi_in_case_is_not_a_count():
    facts = extract_facts("万一用户起诉，我们和境外接收方要一起担责吗？", AS_OF)
    assert facts.counts == ()


def test_a_classifier_before_personal_information_is_not_a_count():
    # "一个个人信息处理者" is "a personal information processor", not one person
    assert extract_facts("国家为什么要专门出一个个人信息出境标准合同办法？", AS_OF).counts == ()
    assert extract_facts("一个个人信息处理者向境外提供数据", AS_OF).counts == ()
    assert [c.value for c in extract_facts("我们只向境外提供了一个人的个人信息", AS_OF).counts] == [1]
    # someone named to do a job is not a person whose information goes abroad
    assert extract_facts("境外客户需不需要指定一个人来处理候选人的投诉？", AS_OF).counts == ()


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("今年以来我们已经把约15万名候选人的简历发给了海外客户", 150_000),
        ("we sent the CVs of 3,000 candidates to the client abroad", 3000),
        ("2万名学生的成绩单传给了国外合作院校", 20_000),
        # 名 counts people whatever the noun after it
        ("约18万名租车客户的驾照号", 180_000),
        ("约8000名工人的姓名和工号", 8000),
        ("about 140,000 such buyers since 1 January 2026", 140_000),
    ],
)
def test_more_nouns_for_people(question, value):
    assert [c.value for c in extract_facts(question, AS_OF).counts] == [value]


@pytest.mark.parametrize("question", ["今年只剩10万名额", "18位身份证号都要传"])
def test_quotas_and_digits_are_not_people(question):
    assert extract_facts(question, AS_OF).counts == ()


def test_a_sensitive_kind_anywhere_in_the_list_of_data():
    listed = extract_facts("海外客户要求把约8000名工人的姓名、工号和人脸照片上传到境外平台", AS_OF)
    assert [(c.category, c.value) for c in listed.counts] == [("sensitive", 8000)]
    negated = extract_facts("今年传了8万人的个人信息（不含人脸）", AS_OF)
    assert [(c.category, c.value) for c in negated.counts] == [("general", 80_000)]
    # a processing volume stays one, whatever kind of information is processed
    processed = extract_facts("我们处理了200万用户的人脸信息，向境外提供了5000人的个人信息", AS_OF)
    assert [(c.category, c.value) for c in processed.counts] == [("processed", 2_000_000), ("general", 5000)]


def _article(doc_id: str, locator: str) -> str:
    root = Path(__file__).resolve().parent.parent
    return load_corpus(root / "corpus").units[f"{doc_id}#{locator}"].text


@pytest.mark.parametrize(
    "question",
    [
        "今年计划给境外合作研究机构传大约8000名患者的诊疗信息",
        "向境外提供了5000名用户的人脸照片",
        "we send the medical records of 3,000 patients to our lab in Boston",
        "the bank account details of 2,000 customers",
    ],
)
def test_a_kind_of_information_pipl_calls_sensitive_makes_the_count_sensitive(question):
    # PIPL Art. 28 names these kinds as sensitive personal information.
    for kind in ("生物识别", "医疗健康", "金融账户", "行踪轨迹", "不满十四周岁未成年人"):
        assert kind in _article("pipl", "第二十八条")
    facts = extract_facts(question, AS_OF)
    assert facts.count("sensitive") is not None and facts.count("general") is None, facts.counts


def test_where_the_people_are_from_does_not_hide_the_count():
    facts = extract_facts("this year we'll send data on about 1.2 million Chinese users (nothing sensitive)", AS_OF)
    assert facts.count("general").value == 1_200_000 and facts.sensitive_denied
    assert extract_facts("今年向境外提供了10万国内用户的个人信息", AS_OF).count("general").value == 100_000
    # a health code is not health information, nor is a medical device maker's customer list
    assert extract_facts("今年传了2000名员工的健康码状态", AS_OF).count("sensitive") is None
    assert extract_facts("今年向境外传了医疗器械业务5万名客户的联系方式", AS_OF).count("sensitive") is None


@pytest.mark.parametrize(
    ("question", "scenario", "article"),
    [
        ("我们做跨境电商，消费者买海外直邮商品，要把收件人地址给境外商家", "contract_with_individual", "跨境购物"),
        ("We run cross-border e-commerce and pass buyers' addresses to overseas sellers",
         "contract_with_individual", "跨境购物"),
        ("报价单、提单里只有货物信息，没有任何人的个人信息", "no_personal_info", "不包含个人信息"),
        ("We send technical drawings. None of it relates to identifiable individuals.", "no_personal_info",
         "不包含个人信息"),
        ("把员工工资数据传给海外总部做薪资核算", "hr_management", "人力资源管理"),
        ("做跨境快递的，要把收件人地址发给国外的派送公司", "contract_with_individual", "跨境寄递"),
        ("境外订房平台替客人订房，要把入住人姓名发给海外预订服务商", "contract_with_individual", "酒店预订"),
        ("A student fell seriously ill abroad and the hospital needs his medical history", "emergency", "紧急情况"),
        ("A policyholder collapsed in Bangkok and is in intensive care", "emergency", "紧急情况"),
        ("We run a cross-border online store shipping from Italy", "contract_with_individual", "跨境购物"),
        ("为了给旅客出票、办值机，把护照号传到境外总部的订座系统", "contract_with_individual", "机票"),
        ("帮用户预订澳大利亚门店的租车，要把驾照发给当地车行", "contract_with_individual", "酒店预订"),
        ("这类数据不在该自贸区经批准备案的负面清单上", "ftz_outside_list", "负面清单"),
    ],
)
def test_everyday_names_of_the_provisions_scenarios(question, scenario, article):
    # Provisions Art. 3 (no personal information), Art. 5 (contract with the individual,
    # cross-border HR management, emergencies) and Art. 6 (free trade zones) name these situations.
    assert article in "".join(_article("provisions_2024", n) for n in ("第三条", "第五条", "第六条"))
    assert scenario in extract_facts(question, AS_OF).scenarios


# --- every form people write, read back: a property over 1 .. 10^12 ---------------------------


def _section_zh(x: int, leading: bool) -> str:
    """x < 10000 in Chinese; ``leading``: nothing of the numeral stands before it."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = x // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if not (unit == "十" and digit == 1 and not out and leading):
            out += _DIGITS[digit]
        out += unit
    return out


def _big_chinese(n: int, leading: bool = True) -> str:
    """The standard Chinese numeral for 1 <= n <= 10^12 (零 where a place is skipped)."""
    for size, unit, gap in ((10**8, "亿", 10**7), (10**4, "万", 1000)):
        if n >= size:
            high, low = divmod(n, size)
            out = _big_chinese(high, leading) + unit
            return out + ("零" if 0 < low < gap else "") + (_big_chinese(low, False) if low else "")
    return _section_zh(n, leading)


def _forms(n: int) -> list[str]:
    standard = _big_chinese(n)
    forms = [str(n), f"{n:,}", str(n).translate({0x30 + i: 0xFF10 + i for i in range(10)}), standard]
    if standard.startswith("二") and len(standard) > 1 and standard[1] in "千百万亿":
        forms.append("两" + standard[1:])  # 两千, 两万, 两亿
    if n % 10**4 == 0:
        forms.append(f"{n // 10**4}万")
        if n < 10**12:
            forms.append(_big_chinese(n // 10**4) + "万")  # 四万万, 十二万万
    if n % 10**8 == 0:
        forms += [f"{n // 10**8}亿", f"{n // 10**8}万万"]  # 4亿, 4万万 (四万万 is the form above)
    if n % 1000 == 0 and 10**4 <= n < 10**8:
        whole, tenth = divmod(n // 1000, 10)
        forms.append(f"{whole}.{tenth}万" if tenth else f"{whole}万")  # 1.2万
    if 20 <= n % 100 < 30 and n < 100:
        forms.append("廿" + (_DIGITS[n % 10] if n % 10 else ""))  # 廿五
    return forms


@settings(max_examples=400, deadline=None)
@given(
    n=st.one_of(
        st.integers(1, 10**12),
        st.integers(1, 10**5).map(lambda k: k * 10**4),
        st.integers(1, 10**4).map(lambda k: k * 10**8),
        st.integers(1, 99),
    )
)
def test_every_written_form_of_a_number_reads_back_as_itself(n):
    for form in _forms(n):
        assert parse_numeral(form) == n, (n, form)


@pytest.mark.parametrize(
    ("written", "value"),
    [("四万万", 400_000_000), ("一万万", 100_000_000), ("两万万", 200_000_000), ("2万万", 200_000_000),
     ("十万万", 1_000_000_000), ("一千万万", 100_000_000_000), ("廿五万", 250_000), ("一万五", 15_000),
     ("一亿五", 150_000_000), ("一万零五", 10_005)],
)
def test_a_second_wan_multiplies_the_group_before_it(written, value):
    assert parse_numeral(written) == value


def test_a_list_of_counts_sent_goes_on_across_a_semicolon_but_not_a_full_stop():
    # a semicolon joins the parallel parts of one sentence; a full stop ends the list
    joined = extract_facts("去年给境外集团发了9万人的会员资料；今年1月1日到现在发了3万人", AS_OF)
    assert [c.sent for c in joined.counts] == [True, True]
    ended = extract_facts("去年给境外集团发了9万人的会员资料。今年1月1日到现在发了3万人", AS_OF)
    assert [c.sent for c in ended.counts] == [True, False]
