"""Tokenizer, BM25, query analysis, chunking and fusion, each on hand-worked inputs."""

import re
from datetime import date
from pathlib import Path

import pytest

from assistant import bm25
from assistant.corpus import load_corpus
from assistant.index import chunk_unit
from assistant.lexicon import Lexicon, load_lexicon
from assistant.numerals import parse_numeral
from assistant.query import analyse, int_to_chinese
from assistant.scope import GBA_CONTRACT
from assistant.text import sentences
from assistant.tokenize import Tokenizer, write_dictionary
from assistant.types import Unit

CORPUS = Path(__file__).parent.parent / "corpus"


def test_bm25_prefers_rare_term_and_shorter_doc():
    docs = [["备案", "工作日"], ["备案", "材料", "材料", "提交", "系统", "网址"], ["罚款"]]
    stats = bm25.fit(docs)
    s = bm25.scores(stats, ["工作日"])
    assert s[0] > 0 and s[1] == 0 and s[2] == 0
    s = bm25.scores(stats, ["备案"])
    assert s[0] > s[1] > 0  # same term frequency, shorter document wins
    assert bm25.scores(stats, ["不存在"]).sum() == 0
    with pytest.raises(ValueError):
        bm25.fit([])


def test_bm25_idf_by_hand():
    stats = bm25.fit([["a"], ["b"], ["b"]])
    import math

    assert stats.idf["a"] == pytest.approx(math.log(1 + (3 - 1 + 0.5) / (1 + 0.5)))
    assert stats.idf["b"] == pytest.approx(math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)))


def test_tokenizer_small_dictionary(tmp_path):
    path = tmp_path / "dict.txt"
    write_dictionary(["个人信息处理者应当在标准合同生效之日起10个工作日内备案"], ["境外接收方"], path)
    tok = Tokenizer(path)
    words = tok.tokens("标准合同生效后多久要备案？")
    assert "标准合同" in words or ("标准" in words and "合同" in words)
    assert "备案" in words
    assert "多久" not in words and "？" not in words  # stop words and punctuation dropped
    assert "境外接收方" in tok.tokens("境外接收方的义务")
    assert tok.tokens("ＡＢＣ Filing") == ["abc", "filing"]  # width and case folded
    with pytest.raises(FileNotFoundError):
        Tokenizer(tmp_path / "missing.txt")


@pytest.mark.parametrize("n", [1, 7, 10, 11, 20, 38, 99, 100, 101, 110, 201, 204])
def test_article_numbers_round_trip(n):
    assert parse_numeral(int_to_chinese(n)) == n  # the rules' numeral reader reads article numbers back


def test_article_numbers_by_hand():
    assert int_to_chinese(7) == "七"
    assert int_to_chinese(38) == "三十八"
    assert int_to_chinese(201) == "二百零一"
    assert int_to_chinese(110) == "一百一十"


def _lexicon():
    return Lexicon(
        expand={"报备": "备案", "file": "备案"},
        instruments={"measures": ("《办法》", "办法"), "standard_contract": ("标准合同",), "pipl": ("个保法", "pipl")},
        domain=("备案", "file"),
        foreign=("gdpr",),
    )


LOCATORS = {"第七条": ("measures", "standard_contract"), "第三条": ("measures", "standard_contract", "pipl"),
            "第三十八条": ("pipl",)}


def test_explicit_references():
    lx = _lexicon()
    assert analyse("《办法》第八条规定了什么", lx, LOCATORS).refs == ("measures#第八条",)
    assert analyse("标准合同第三条", lx, LOCATORS).refs == ("standard_contract#第三条",)
    assert analyse("第七条", lx, LOCATORS).refs == ("measures#第七条",)
    assert analyse("第三十八条讲什么", lx, LOCATORS).refs == ("pipl#第三十八条",)
    assert analyse("What does Article 38 of the PIPL say?", lx, LOCATORS).refs == ("pipl#第三十八条",)
    assert analyse("What does Appendix 1 require?", lx, LOCATORS).refs == ("standard_contract#附录一",)
    # a reference to an article the instrument lacks is kept, so the caller can say so
    assert analyse("《办法》第九十九条", lx, LOCATORS).refs == ("measures#第九十九条",)
    # "安评办法" is the Security Assessment Measures, not the 办法 it ends with
    real = load_lexicon()
    for number in ("第七条", "第九条", "第十九条"):
        q = analyse(f"《安评办法》{number}要求什么？", real, LOCATORS)
        assert q.refs == (f"security_assessment_measures#{number}",)


def test_expansion_scope_and_whole_words():
    lx = _lexicon()
    q = analyse("签完合同多久要报备", lx, LOCATORS)
    assert q.search_text == "签完合同多久要报备 备案"
    assert not q.in_domain  # scope is judged on the question's own words, not on expansions
    assert analyse("update my profile picture", lx, LOCATORS).search_text == "update my profile picture"
    hyphenated = Lexicon(expand={"third party": "第三方"}, instruments={}, domain=(), foreign=())
    assert analyse("a third-party beneficiary", hyphenated, LOCATORS).search_text.endswith("第三方")
    assert analyse("a third  party", hyphenated, LOCATORS).search_text.endswith("第三方")
    assert analyse("thirdparty", hyphenated, LOCATORS).search_text == "thirdparty"
    assert analyse("How do we file?", lx, LOCATORS).in_domain
    assert not analyse("今天天气怎么样", lx, LOCATORS).in_domain
    assert analyse("GDPR要求什么", lx, LOCATORS).foreign_law
    assert analyse("How do we file?", lx, LOCATORS).english


def test_a_phrase_inside_a_longer_match_adds_nothing_but_overlapping_ones_both_count():
    lx = Lexicon(
        expand={"breach": "违约责任", "data breach": "泄露", "往国外传": "向境外提供", "传数据": "传输"},
        instruments={}, domain=(), foreign=(),
    )
    assert analyse("We had a data breach", lx, LOCATORS).search_text == "We had a data breach 泄露"
    assert analyse("a breach of contract", lx, LOCATORS).search_text.endswith("违约责任")
    # 往国外传 and 传数据 share a character; neither lies inside the other
    assert analyse("往国外传数据", lx, LOCATORS).search_text == "往国外传数据 向境外提供 传输"


def test_packaged_lexicon_loads_and_maps_colloquial_terms():
    lx = load_lexicon()
    assert "备案" in lx.expand["报备"]
    assert "境外接收方" in lx.expand["海外总部"]
    assert "第三方" in lx.expand["再给别的公司"]
    assert "向境外提供个人信息" in lx.expand["往国外传"]



def test_personal_information_by_whose_it_is_and_the_article_42_list_are_the_subject():
    lx = load_lexicon()
    for q in ("hr处理员工信息 必须要员工同意吗", "被列进限制提供清单 是啥意思", "同事问个人资料的查阅权利有哪些"):
        assert analyse(q, lx, LOCATORS).in_domain, q
    assert not analyse("员工的社保要去哪里交", lx, LOCATORS).in_domain


def test_foreign_law_alone_is_out_of_scope_but_a_comparison_with_chinas_is_not():
    lx = load_lexicon()
    locators = {"第五条": ("standard_contract",)}
    assert analyse("欧盟GDPR的标准合同条款（SCC）分为哪几个模块？", lx, locators).foreign_law
    assert analyse("What do the EU SCCs require?", lx, locators).foreign_law
    # the EU's clauses pointed at in speech are the EU's, not the corpus's contract
    for q in ("欧盟那个scc 2021版有几个模块来着", "欧盟的SCC有几个模块"):
        eu = analyse(q, lx, locators)
        assert eu.foreign_law and eu.docs == ()
    # a contract signed with an EU customer is still China's
    assert not analyse("跟欧盟客户签标准合同要备案吗", lx, locators).foreign_law
    compare = analyse("Does the Chinese standard contract give individuals rights like the EU SCCs?", lx, locators)
    assert not compare.foreign_law and "standard_contract" in compare.docs
    # "SCC" on its own is China's standard contract
    assert analyse("Which clauses of the SCC protect individuals?", lx, locators).docs == ("standard_contract",)
    # requests from foreign police or courts for data held in China are in scope (PIPL Art. 41)
    assert analyse("外国警方要求我们提供用户的注册信息，可以直接给吗？", lx, locators).in_domain
    assert analyse("A US court sent a subpoena for records on our Shanghai servers.", lx, locators).in_domain
    # a named country's court or agency: in scope, and "美国法院" is a court, not American law
    court = analyse("美国法院要求我们交出存在国内服务器上的用户数据，能直接交吗？", lx, locators)
    assert court.in_domain and not court.foreign_law and "外国司法或者执法机构" in court.search_text
    agency = analyse("A Singapore government agency asked our affiliate for the data", lx, locators)
    assert agency.in_domain and "政府部门" in agency.search_text
    assert analyse("按美国法，隐私政策要写什么？", lx, locators).foreign_law
    # a country's law in general, asked about China's contract: its governing-law clause
    governing = analyse("境外那边希望标准合同适用美国法，这个可以改吗？", lx, locators)
    assert governing.in_domain and not governing.foreign_law
    assert not analyse("我们的海外总部想看员工数据", lx, locators).search_text.count("外国司法")
    assert "外国司法" not in analyse("Please let us know which authority handles filing", lx, locators).search_text
    assert analyse("A US court issued a discovery request to our Beijing office", lx, locators).in_domain
    lawsuit = analyse("美国那边的诉讼要求我们交出存在上海服务器上的员工邮件", lx, locators)
    assert lawsuit.in_domain and "外国司法或者执法机构" in lawsuit.search_text
    assert analyse("A German lawsuit wants emails stored on our Shanghai servers", lx, locators).in_domain
    # an unnamed country's court is a foreign court too
    unnamed = analyse("某国法院直接给我们发函，要我们提供存在国内服务器上的几个客户的资料", lx, locators)
    assert unnamed.in_domain and "外国司法或者执法机构" in unnamed.search_text
    # but 某国企 is a state-owned firm at home
    assert "向境外提供个人信息" not in analyse("我们把客户数据传给某国企", lx, locators).search_text
    # sending to a named place is sending abroad
    sent = analyse("员工想看公司传到新加坡总部的绩效档案，该找谁？", lx, locators)
    assert sent.in_domain and "向境外提供个人信息" in sent.search_text


def test_period_and_standards_questions_are_in_scope():
    lx = load_lexicon()
    assert analyse("期限最后一天正好赶上国庆放假，会往后顺延吗？", lx, {}).in_domain
    assert analyse("Can foreign companies help draft China's cybersecurity technical standards?", lx, {}).in_domain
    assert not analyse("国庆放假去哪里玩比较好？", lx, {}).in_domain
    assert analyse("If a deadline's last day is a public holiday in China, does it move?", lx, {}).in_domain
    # employment law has periods too, and is not this corpus's subject
    assert not analyse("产假期间工资怎么算？", lx, {}).in_domain
    assert not analyse("试用期期间可以辞退员工吗？", lx, {}).in_domain
    assert not analyse("What is the time limit for dismissal during probation?", lx, {}).in_domain


def test_a_place_abroad_is_the_subject_unless_the_matter_is_another_fields():
    lx = load_lexicon()
    assert not analyse("我们每年给境外母公司付的技术服务费，在国内要代扣代缴哪些税？", lx, {}).in_domain
    assert not analyse("我们的加密软件要卖到国外，需要办出口管制许可吗？", lx, {}).in_domain
    assert not analyse("Do we need an export control licence to ship servers overseas?", lx, {}).in_domain
    # a place alone, or with an everyday word of employment, still is the subject
    assert analyse("海外总部可以远程查看国内员工的考勤记录吗？", lx, {}).in_domain
    assert analyse("境外母公司要看我们的客户名单，可以吗？", lx, {}).in_domain
    # the English abbreviation of the impact assessment is the subject's own word
    assert analyse("做完PIA，这个report要保存多久？", lx, {}).in_domain
    # another field's term that holds one of ours is that field's ...
    assert not analyse("我们的App上线，需要办ICP备案还是ICP许可证？", lx, {}).in_domain
    assert analyse("做完ICP备案后，把用户个人信息传到海外要签标准合同吗？", lx, {}).in_domain
    # and a word of the subject outweighs the other field's
    assert analyse("给境外母公司付服务费时要附上客户的个人信息，这算出境吗？", lx, {}).in_domain


def test_a_foreign_law_named_as_a_likeness_is_not_the_subject():
    lx = load_lexicon()
    locators = {"第五条": ("measures",)}
    likened = analyse("走标准合同路径的话，出境前那份影响评估（类似GDPR的DPIA）重点要评估哪些东西？", lx, locators)
    assert likened.in_domain and not likened.foreign_law
    assert not analyse("Is the standard contract's impact assessment similar to a GDPR DPIA?", lx, locators).foreign_law
    # given as an example, the foreign law is still what is asked about
    assert analyse("像GDPR这样的境外法律，标准合同签了以后还要遵守吗？", lx, locators).foreign_law
    # asked about for itself, it still is
    assert analyse("标准合同和GDPR的DPIA有什么要求？", lx, locators).foreign_law
    assert analyse("GDPR的DPIA要评估哪些东西？", lx, locators).foreign_law


def test_every_term_the_lexicon_adds_is_worded_as_in_the_corpus():
    # An expansion that names a term the texts never use cannot help either leg find a unit.
    texts = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md") if p.stem != "timeline")
    lx = load_lexicon()
    added = {t for terms in lx.expand.values() for t in terms.split()}
    assert {t for t in added if t not in texts} == set()


def test_sentences_keep_every_character():
    text = "第一句。第二句；\n\n（一）项；最后"
    assert "".join(sentences(text)) == text
    assert sentences(text)[0] == "第一句。"


def test_chunks_are_verbatim_slices_and_bounded():
    body = "\n\n".join(f"（{i}）" + "境外接收方应当履行义务。" * 6 for i in range(12))
    unit = Unit("x#第三条", "x", "第三条", "第三条 境外接收方的义务", body, 1)
    chunks = chunk_unit(unit, "标准合同", limit=120)
    assert len(chunks) > 5
    for c in chunks:
        assert c.text in body and len(c.text) <= 120
        assert c.context == "标准合同 第三条 境外接收方的义务"
    empty = Unit("x#附录二", "x", "附录二", "附录二 其他条款", "", 9)
    assert [c.text for c in chunk_unit(empty, "标准合同")] == ["附录二 其他条款"]


def test_applicability_labels(tiny_corpus):
    from assistant.applicability import load_applicability

    corpus = load_corpus(tiny_corpus)
    path = tiny_corpus.parent / "app.toml"
    path.write_text('[[superseded]]\nkey = "alpha#第二条"\non = 2024-03-22\nby = "beta#一、备案方式"\nnote = "已调整"\n',
                    encoding="utf-8")
    app = load_applicability(corpus, path)
    assert "尚未施行" in app.label("alpha#第一条", date(2023, 5, 31))
    assert app.label("alpha#第一条", date(2023, 6, 1)) is None
    assert app.label("alpha#第二条", date(2024, 3, 21)) is None
    assert "已调整" in app.label("alpha#第二条", date(2024, 3, 22))
    assert app.instrument_in_force("alpha#第二条", date(2024, 3, 22))
    path.write_text('[[superseded]]\nkey = "alpha#第九条"\non = 2024-03-22\nby = "beta#一、备案方式"\nnote = "x"\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match="unknown citation key"):
        load_applicability(corpus, path)


def test_leg_scores_are_scaled_so_a_wide_margin_survives_fusion():
    from assistant.retrieve import _scaled

    # BM25 36 vs 14 and cosine 0.896 vs 0.918, the least related unit at 2 and 0.78: after
    # scaling, the unit far ahead on words keeps a lead that a small lead in cosine
    # similarity cannot undo (rank fusion would have tied them).
    sparse = _scaled({"a": (36.0, 0), "b": (14.0, 1), "c": (2.0, 2)})
    dense = _scaled({"a": (0.896, 0), "b": (0.918, 1), "c": (0.78, 2)})
    assert sparse == pytest.approx({"a": 1.0, "b": 12 / 34, "c": 0.0})
    assert dense["b"] == pytest.approx(1.0) and dense["c"] == pytest.approx(0.0)
    fused = {k: sparse[k] + dense[k] for k in sparse}
    assert max(fused, key=fused.get) == "a"
    # equal scores carry no information: every unit gets 0, none is preferred
    assert _scaled({"a": (0.0, 0), "b": (0.0, 1)}) == {"a": 0.0, "b": 0.0}


def test_words_other_fields_share_yield_to_those_fields():
    lx = load_lexicon()
    # 备案, 出境, 接收方 and 认证 name other authorities' procedures too
    assert not analyse("去泰国设工厂，境外投资备案要找发改委还是商务部门？", lx, {}).in_domain
    assert not analyse("公司派员工出境参加展会，样机过海关要报关吗？", lx, {}).in_domain
    assert not analyse("给境外接收方付的咨询费要交多少增值税？", lx, {}).in_domain
    assert not analyse("公司计划在境外上市，要先去证监会备案吗？", lx, {}).in_domain
    assert not analyse("How long does an outbound investment filing with the NDRC take?", lx, {}).in_domain
    # the subject's own words still make it the subject
    assert analyse("境外上市前，我们向境外律所提供的员工个人信息要签标准合同吗？", lx, {}).in_domain
    # and without another field's word, a shared word alone still does
    assert analyse("接收方那边要是倒闭了怎么办？", lx, {}).in_domain


def test_instrument_names_in_english_are_whole_words():
    lx = load_lexicon()
    eu = analyse("Can our Munich office use the EU standard contractual clauses for HR data going to China?", lx, {})
    assert eu.docs == ()
    assert analyse("Do both standard contracts need filing?", lx, {}).docs == ("standard_contract",)


@pytest.mark.parametrize(
    "question",
    [
        "Does Singapore's PDPA let us move customer records to our Shenzhen office?",
        "Under Japan's APPI, what consent do we need to send Japanese users' data to China?",
        "Does the DOJ rule on bulk sensitive data cover our transfers to Beijing?",
        "香港的个人资料（私隐）条例对把数据传回内地有什么限制？",
    ],
)
def test_other_jurisdictions_export_rules_are_foreign_law(question):
    assert analyse(question, load_lexicon(), {}).foreign_law


def test_the_texts_set_no_fee_so_a_price_question_is_not_covered():
    # the premise of Query.asks_price: no unit of the corpus that speaks of fees or charges
    # speaks of a filing, an assessment or a certification (the Network Data Regulation has
    # fees only for moving one's data and bars them for inspections)
    corpus = load_corpus(Path(__file__).parent.parent / "corpus")
    fees = [u for u in corpus.units.values() if re.search(r"费用|收费|多少钱|fee|charge", u.text, re.I)]
    assert [u.key for u in fees] == ["network_data_regulation#第二十五条", "network_data_regulation#第五十一条"]
    assert not [u.key for u in fees if re.search(r"备案|申报|认证|评估", u.text)]
    lx = load_lexicon()
    assert analyse("安全评估申报要交多少钱？", lx, {}).asks_price
    assert analyse("标准合同备案收费吗？", lx, {}).asks_price
    assert analyse("How much does the certification cost?", lx, {}).asks_price
    assert analyse("标准合同备案，网信办会不会收取任何费用？", lx, {}).asks_price
    # a price term in the contract's own sense is no question of cost
    assert not analyse("境外接收方可以用自动化决策对不同用户定不同的交易价格吗？", lx, {}).asks_price
    assert not analyse("违约了要赔偿对方的损失吗？", lx, {}).asks_price
    assert not analyse("向境外支付服务费用时要附上客户的个人信息，这算出境吗？", lx, {}).asks_price
    # the amount of a fine is a money question the texts answer (PIPL Art. 66)
    assert not analyse("违规出境被查到，公司最多会被罚多少钱？", lx, {}).asks_price


def test_a_period_counted_from_a_rule_taking_effect_is_the_subject():
    lx = load_lexicon()
    assert analyse("自施行之日起3个月内完成整改，施行那天算不算在内？", lx, {}).in_domain


def test_more_fields_of_their_own():
    lx = load_lexicon()
    for question in (
        "出口退税备案要准备哪些单据？",
        "系统要做等保三级，等级保护备案怎么走？",
        "货物出境报关需要哪些材料？",
        "Which foreign exchange steps apply when we pay dividends out of China?",
        "新厂房要做环境影响评估吗？",
        "Do we need approval from the People's Bank of China for card processing abroad?",
    ):
        assert not analyse(question, lx, {}).in_domain, question
    # an other field's word must not be read inside the subject's ("加密等保护措施" is not 等保)
    assert analyse("境外接收方要采取加密、去标识化等保护措施吗？", lx, {}).in_domain
    assert analyse("客户向境外汇款时，我们要把收款人信息发给境外银行，这算出境吗？", lx, {}).in_domain
    # English "export" is the subject's word; children's information is the subject's too
    assert analyse("For the export thresholds, do we count from 1 January of this year?", lx, {}).in_domain
    assert analyse("学员里很多不满14岁，上课录像给国外外教平台，找谁同意？", lx, {}).in_domain


def test_a_named_countrys_own_instrument_is_foreign_law():
    lx = load_lexicon()
    assert analyse("泰国的个人数据保护法对把员工数据传到中国有什么要求？", lx, {}).foreign_law
    assert analyse("Does Vietnam's personal data protection decree allow transfers to China?", lx, {}).foreign_law
    assert analyse("Is our data covered by Australia's Privacy Act when it lands in Sydney?", lx, {}).foreign_law
    # a bare country law, a transfer of that country's people's data, or "act" the verb is not one
    assert not analyse("新加坡客户的数据出境适用什么条例？", lx, {}).foreign_law
    assert not analyse("Does our American parent act as the overseas recipient?", lx, {}).foreign_law


def test_texts_named_in_title_marks_that_the_corpus_lacks():
    lx = load_lexicon()
    titles = ("个人信息出境标准合同备案指南（第二版）", "中华人民共和国个人信息保护法（节录）")
    assert analyse("《汽车数据安全管理若干规定》怎么定义重要数据？", lx, {}, titles).unknown_titles == ("汽车数据安全管理若干规定",)
    for known in ("《个人信息出境标准合同备案指南（第二版）》", "《个人信息出境标准合同备案指南》", "《个人信息保护法》",
                  "《办法》", "《中华人民共和国个人信息保护法（节录）》"):
        assert analyse(f"{known}里有什么规定？", lx, {}, titles).unknown_titles == (), known


def test_the_greater_bay_areas_own_contract_is_not_the_corpuss():
    lx = load_lexicon()
    other = analyse("听说有个粤港澳大湾区的标准合同，备案流程怎么走？", lx, {})
    assert other.docs == () and other.unknown_titles == (GBA_CONTRACT,)
    # a company in the area asking about the standard contract asks about the corpus's
    ours = analyse("我们在大湾区，往香港传客户数据要签标准合同吗？", lx, {})
    assert ours.docs == ("standard_contract",) and ours.unknown_titles == ()
    # named with a demonstrative or in quotation marks
    for q in ("粤港澳大湾区那份「个人信息跨境流动标准合同」适用条件是什么？", "大湾区那个港澳版标准合同咋备案",
              "粤港澳大湾区有个专门的简化版合同，要交的材料少吗", "粤港澳大湾区专用的个人信息跨境标准合同怎么备案",
              "粤港澳大湾区有个内地和香港之间个人信息跨境的标准合同，能用吗", "Can we sign the GBA contract instead?"):
        query = analyse(q, lx, {})
        assert query.unknown_titles == (GBA_CONTRACT,) and query.other_contract, q
    # words that are not about the contract between the area and 合同: a company in the area
    ours = analyse("大湾区内的企业签标准合同要备案吗？", lx, {})
    assert ours.unknown_titles == () and not ours.other_contract


def test_a_title_the_corpus_lacks_does_not_name_an_instrument_inside_it():
    lx = load_lexicon()
    titles = ("个人信息出境标准合同办法",)
    q = analyse("按《个人信息保护合规审计管理办法》，多久要做一次合规审计？", lx, {}, titles)
    assert q.docs == () and q.unknown_titles == ("个人信息保护合规审计管理办法",)
    # Japan's 个人信息保护法 is not the PIPL, in either language
    japan = analyse("日本的个人信息保护法对接收来自中国的数据有什么要求？", lx, {})
    assert japan.docs == () and japan.foreign_law
    english = analyse(
        "Our Tokyo affiliate gets Chinese data under the China SCC. Does Japan's Act on the Protection of "
        "Personal Information require consent for an onward transfer?", lx, {})
    assert english.foreign_law


def test_the_asking_clause_decides_whether_another_field_is_asked_about():
    lx = load_lexicon()
    assert analyse("除了标准合同，是否还要按《出口管制法》申请出口许可？", lx, {}).asks_elsewhere
    assert analyse("传给境外药企的数据里有基因测序结果，除了个人信息出境，人类遗传资源审批要怎么走？", lx, {}).asks_elsewhere
    assert analyse("研发图纸要发给海外客户 需要办出口许可证吗", lx, {}).asks_elsewhere
    # the subject's own words in the asking clause, or a unit named, keep it this corpus's
    assert not analyse("为缴纳个税向境外提供员工工资数据要不要申报安全评估？", lx, {}).asks_elsewhere
    assert not analyse("出口管制之外，向境外提供个人信息要签标准合同吗？", lx, {}).asks_elsewhere
    assert not analyse("附录一《个人信息出境说明》具体要填哪些项目？", lx, {}).asks_elsewhere


def test_a_last_clause_that_points_back_asks_about_the_clause_before_it():
    lx = load_lexicon()
    # "那个审批" is the human-genetic-resources approval of the clause before
    assert analyse("诊所要把血样寄到国外做测序，听说还要找科技部批人类遗传资源，那个审批要多久", lx, {}).asks_elsewhere
    # a last clause that does not point back is read alone
    assert not analyse("听说还要找科技部批人类遗传资源，我们要签标准合同吗", lx, {}).asks_elsewhere


def test_naming_chinas_regulator_makes_a_foreign_contract_a_comparison():
    lx = load_lexicon()
    assert not analyse("HQ legal想拿他们的EU SCC template，把CAC标准合同的wording改一改再签，这样行吗？", lx, {}).foreign_law
    assert analyse("Under the Korean PIPA, must our HQ obtain consent again from the data subjects?", lx, {}).foreign_law


def test_a_lawsuit_abroad_named_in_english_is_a_foreign_body():
    lx = load_lexicon()
    q = analyse("美国那边一个labour lawsuit，法院要求我们提交几名员工的HR records，可以直接给吗？", lx, {})
    assert q.in_domain and "司法机构" in q.search_text


def test_vocabulary_of_small_firms():
    lx = load_lexicon()
    # the contract's own term and the filing's supplement request are the subject's words
    assert analyse("客户是第三方受益人，30天内不拒绝就享有权利，最后一天是假期怎么算？", lx, {}).in_domain
    assert analyse("材料交上去以后多久能有结果？要是让我们补材料，给多长时间补？", lx, {}).in_domain
    # outbound tourism licences, games' anti-addiction checks, apostilles are other fields'
    for question in (
        "申请出境旅游业务经营许可要什么条件，要交多少质量保证金",
        "游戏服务器在海外，未成年人防沉迷的实名认证要接哪个系统",
        "毕业证翻译件拿去国外用，需要海牙认证吗，去哪办",
    ):
        assert not analyse(question, lx, {}).in_domain, question


def test_matters_none_of_the_texts_deals_with_are_not_covered():
    # the premise of Query.asks_absent: the texts are silent on the language of a contract
    corpus = load_corpus(CORPUS)
    texts = {u.key: u.text for u in corpus.units.values()}
    assert not [k for k, t in texts.items() if re.search(r"英文|英语|译本|翻译|English", t)]
    lx = load_lexicon()
    for question in (
        "标准合同可以只签英文版吗？",
        "Can the CAC contract be signed in an English version only?",
        # the part that asks names nothing of its own: the matter named before it is asked
        "标准合同的英文版，我们和外方各执一份，这样行吗？",
    ):
        assert analyse(question, lx, {}).asks_absent, question
    assert not analyse("我们的外方只看得懂英文版，标准合同生效后多久要备案？", lx, {}).asks_absent


def test_matters_the_full_texts_deal_with_are_in_scope():
    # The full PIPL, the Data Security Law, the Network Data Regulation and the Cybersecurity
    # Law articles answer these; none is refused before retrieval.
    corpus = load_corpus(CORPUS)
    texts = {u.key: u.text for u in corpus.units.values()}
    assert "指定个人信息保护负责人" in texts["pipl#第五十二条"]
    assert "合规审计" in texts["pipl#第五十四条"]
    lx = load_lexicon()
    for question in (
        "处理多少人的个人信息以上必须指定个人信息保护负责人？",
        "Does our subsidiary have to appoint a data protection officer, and above what volume?",
        "个人信息保护合规审计多久做一次？",
        "数据安全法对重要数据出境是怎么规定的？",
        "网络安全法第三十七条讲的是什么？",
        "What does the Network Data Security Management Regulation say about cross-border transfers?",
    ):
        q = analyse(question, lx, {})
        assert q.in_domain and not q.asks_absent and not q.asks_elsewhere and not q.other_field, question


def test_one_name_for_two_texts_of_a_law_resolves_an_article_to_the_text_that_has_it():
    lx = load_lexicon()
    locators = {"第三十七条": ("cybersecurity_law_2016_excerpt", "pipl"), "第三十九条": ("cybersecurity_law_excerpt", "pipl")}
    assert analyse("网络安全法第三十七条", lx, locators).refs == ("cybersecurity_law_2016_excerpt#第三十七条",)
    assert analyse("网络安全法第三十九条", lx, locators).refs == ("cybersecurity_law_excerpt#第三十九条",)
    assert analyse("Article 39 of the Cybersecurity Law", lx, locators).refs == ("cybersecurity_law_excerpt#第三十九条",)
    both = analyse("网络安全法对关基的数据本地化有什么要求", lx, locators).docs
    assert set(both) == {"cybersecurity_law_excerpt", "cybersecurity_law_2016_excerpt"}


def test_questions_in_a_row_all_ask_and_a_last_clause_naming_its_own_field_is_asked():
    lx = load_lexicon()
    # the export licence is asked in the first of two questions
    assert analyse("我们要把带加密功能的软件源代码发给越南子公司，需不需要办出口许可？这类软件出口归哪个部门管？", lx, {}).asks_elsewhere
    # "这笔收入" points back, but the clause names the tax it asks about
    assert analyse("我们向境外关联方提供个人信息并收取服务费，这笔收入在增值税上怎么处理？", lx, {}).asks_elsewhere
    # a clause pointing back with no matter of its own still asks about the one before it
    assert analyse("除了个人信息出境这一块，人类遗传资源审批要怎么走？那个审批要多久", lx, {}).asks_elsewhere
    # questions in a row about the subject stay the subject's
    q = analyse("标准合同要备案吗？技术出口这块我们已经办好了，备案要多久？", lx, {})
    assert not q.asks_elsewhere and q.in_domain


def test_chinas_gdpr_is_the_pipl_and_a_countrys_new_rule_is_foreign_law():
    lx = load_lexicon()
    pipl = analyse("Under China's GDPR, does our subsidiary need the CAC contract for 200,000 customers?", lx, {})
    assert not pipl.foreign_law and "pipl" in pipl.docs and "standard_contract" in pipl.docs
    assert analyse("Does China's privacy law reach a shop abroad selling to Chinese consumers?", lx, {}).docs == ("pipl",)
    assert analyse("Does the GDPR require a DPIA before sending data to China?", lx, {}).foreign_law
    assert analyse("听说美国出了新规，限制把美国人的敏感数据传给中国企业，我们从美国拿数据受影响吗？", lx, {}).foreign_law


def test_more_wordings_of_sending_to_a_place_and_of_other_fields():
    lx = load_lexicon()
    assert "向境外提供个人信息" in analyse("客户资料去年传给了马来西亚的合作方，怎么删？", lx, {}).search_text
    for question in ("技术图纸带去德国总部，技术出口这块要办许可证吗？", "患者样本信息给境外药企，要向科技主管部门办什么审批？"):
        assert analyse(question, lx, {}).other_field, question


def test_an_instrument_named_only_as_signed_or_not_needed_is_incidental():
    lx = load_lexicon()
    for question in (
        "既然我们可以不签标准合同了，那告知和单独同意也不用了吗？",
        "我们属于免于订立标准合同的情形，影响评估还要做吗？",
        "集团想把数据拆给三家子公司各自签标准合同，这样可以吗？",
        "If we are exempt from the standard contract, do we still need consent?",
        "Could we sign the standard contract through two entities to stay under the threshold?",
    ):
        q = analyse(question, lx, {})
        assert q.docs == ("standard_contract",) and q.incidental == ("standard_contract",), question
    # named as a text anywhere, its words are asked about
    for question in ("标准合同里境外接收方有什么义务？", "不用签标准合同的话，标准合同第三条还适用吗？",
                     "What does the standard contract say about onward transfers?"):
        assert analyse(question, lx, {}).incidental == (), question
