"""``docs/rules.md`` is the map of the rules: every ID, its meaning, source and where it is done."""

from __future__ import annotations

import re

from tests.rules_map import RULES_DOC, cited, cited_anywhere, declared_rules, with_table

REFRESH = "python -m tests.rules_map --write docs/rules.md"


def test_where_each_rule_is_done_matches_a_fresh_search() -> None:
    doc = RULES_DOC.read_text()
    assert with_table(doc) == doc, f"docs/rules.md disagrees with the code and tests: run `{REFRESH}`"


def test_every_rule_family_is_declared() -> None:
    rules = declared_rules(RULES_DOC.read_text())
    counts = {
        family: sum(r.startswith(f"R-{family}-") for r in rules)
        for family in ("IN", "WA", "DI", "OS", "NW", "FU", "TR")
    }
    assert counts == {"IN": 6, "WA": 9, "DI": 9, "OS": 6, "NW": 3, "FU": 6, "TR": 5}


def test_every_cited_id_is_a_declared_rule() -> None:
    """A typo (``R-DI-10``) or a rule nobody wrote down fails here."""
    unknown = cited_anywhere() - set(declared_rules(RULES_DOC.read_text()))
    assert unknown == set(), f"cited but not in docs/rules.md: {sorted(unknown)}"


def test_every_declared_rule_has_a_source() -> None:
    rows = re.findall(r"^\| (R-[A-Z]{2}-\d+) \| .+ \| (.+) \|$", RULES_DOC.read_text(), re.M)
    assert rows and all(source.strip() for _, source in rows)


def test_the_search_matches_test_names_but_not_longer_ids() -> None:
    assert cited("R-FU-3").search("def test_report_due_r_fu_3() -> None:")
    assert cited("R-DI-1").search("(R-DI-1, R-DI-2)")
    assert not cited("R-DI-1").search("R-DI-10")
    assert not cited("R-WA-1").search("XR-WA-1")
