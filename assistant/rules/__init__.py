"""Deterministic rules: thresholds and deadlines decided from a reviewed table, not a model.

Public surface::

    table = load_rule_table()                 # the packaged rules.toml, or a path
    engine = RuleEngine(corpus, table)        # refuses a table that does not fit the corpus
    result = engine.evaluate(question, as_of) # RuleResult, or None when no rule decides it
    facts = extract_facts(question, as_of)    # what the question states (frozen Facts)

Modules: ``numerals`` and ``dates`` read numbers and dates; ``facts`` reads the facts, with
``asserted``, ``counts``, ``status``, ``scenarios``, ``conflicts`` and ``asked`` (their
regular expressions are ``patterns``, kept with examples in ``patterns/*.toml``);
``table`` loads and checks the rule table; ``transfer`` and ``deadlines`` decide;
``calendar_days`` counts on the official calendar; ``citations`` quotes the law;
``statements`` and ``deadline_statements`` word the result and ``notes`` its notes and
requests for facts; ``engine`` ties them together.
"""

from __future__ import annotations

from .counts import CountMention
from .engine import RuleEngine
from .facts import Facts, extract_facts
from .table import Rule, RuleTable, RuleTableError, check_table, load_rule_table

__all__ = [
    "CountMention",
    "Facts",
    "Rule",
    "RuleEngine",
    "RuleTable",
    "RuleTableError",
    "check_table",
    "extract_facts",
    "load_rule_table",
]
