"""The rule registry and the documentation rendered from it, on throwaway rules in an empty registry.

The real rules are declared once, at import; these tests declare their own so that what `declare`,
`register` and the renderers do is observed directly.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psa_config.diagnostics import Severity
from psa_config.rules import docs, registry
from psa_config.rules.registry import declare, get_rule, register, rule_named

DOCUMENTATION = {
    "summary": "A made-up rule.",
    "explanation": "\n  Indented first line.\nSecond line.\n\n",
    "bad": "\nX: 1\n      mask_mode: TopK\n",
    "good": "\nX: 2\n      mask_mode: topk\n\n",
    "fix": "write topk",
}


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, registry.Rule]]:
    registry.all_rules()  # load the real rules first, so that loading them later adds nothing
    rules: dict[str, registry.Rule] = {}
    monkeypatch.setattr(registry, "_RULES", rules)
    yield rules


def test_declare_keeps_every_field_and_trims_only_blank_lines(empty_registry: dict[str, registry.Rule]) -> None:
    declare("PSA998", "made-up", Severity.WARNING, **DOCUMENTATION)
    rule = rule_named("made-up")
    assert rule == registry.Rule(
        code="PSA998",
        name="made-up",
        severity=Severity.WARNING,
        summary="A made-up rule.",
        explanation="Indented first line.\nSecond line.",
        bad_example="X: 1\n      mask_mode: TopK",
        good_example="X: 2\n      mask_mode: topk",
        fix="write topk",
        check=None,
    )
    assert list(empty_registry) == ["made-up"]


def test_register_declares_the_check_and_returns_it_unchanged(empty_registry: dict[str, registry.Rule]) -> None:
    def check_nothing(ctx: object) -> list[object]:
        return []

    decorated = register("PSA997", "checks-nothing", Severity.ERROR, **DOCUMENTATION)(check_nothing)
    assert decorated is check_nothing
    rule = rule_named("checks-nothing")
    assert (rule.code, rule.name, rule.severity, rule.check) == ("PSA997", "checks-nothing", Severity.ERROR, check_nothing)
    assert (rule.summary, rule.fix, rule.good_example) == ("A made-up rule.", "write topk", "X: 2\n      mask_mode: topk")


@pytest.mark.parametrize(("code", "name"), [("PSA998", "another-name"), ("PSA996", "made-up"), ("PSA998", "made-up")])
def test_a_code_or_name_registered_twice_is_refused(empty_registry: dict[str, registry.Rule], code: str, name: str) -> None:
    declare("PSA998", "made-up", Severity.WARNING, **DOCUMENTATION)
    with pytest.raises(ValueError, match="registered twice"):
        declare(code, name, Severity.WARNING, **DOCUMENTATION)
    assert list(empty_registry) == ["made-up"]


def test_distinct_rules_are_all_kept(empty_registry: dict[str, registry.Rule]) -> None:
    declare("PSA998", "made-up", Severity.WARNING, **DOCUMENTATION)
    declare("PSA996", "other", Severity.INFO, **DOCUMENTATION)
    assert [rule.code for rule in registry.all_rules()] == ["PSA996", "PSA998"]
    assert get_rule("psa998") is empty_registry["made-up"]
    assert get_rule(" other ") is empty_registry["other"]
    assert get_rule("PSA995") is None


def test_rule_table_aligns_names_and_severities(empty_registry: dict[str, registry.Rule]) -> None:
    declare("PSA998", "made-up", Severity.WARNING, **DOCUMENTATION)
    declare("PSA996", "a-much-longer-name", Severity.INFO, **DOCUMENTATION)
    table = docs.rule_table(registry.all_rules())
    assert table == (
        "PSA996  a-much-longer-name  info     A made-up rule.\n"
        "PSA998  made-up             warning  A made-up rule.\n"
    )


def test_explain_indents_the_examples(empty_registry: dict[str, registry.Rule]) -> None:
    declare("PSA998", "made-up", Severity.WARNING, **DOCUMENTATION)
    text = docs.explain(rule_named("made-up"))
    assert "Bad:\n    X: 1\n          mask_mode: TopK\n\nGood:\n    X: 2\n          mask_mode: topk\n\nFix: write topk\n" in text
    assert text.startswith("PSA998 made-up (warning)\n\nA made-up rule.\n\nIndented first line.\nSecond line.\n\n")
