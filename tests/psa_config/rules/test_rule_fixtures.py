"""Data-driven: every rule has a bad fixture (code and line asserted) and a clean near miss."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from psa_config import check
from psa_config.rules.registry import all_rules

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"# expect: (PSA\d{3}) @ (\d+)")


def _bad_fixture(code: str) -> Path:
    matches = sorted(FIXTURES.glob(f"{code}-*.yaml"))
    assert len(matches) == 1, f"rule {code} needs exactly one bad fixture, found {matches}"
    return matches[0]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_bad_fixture_reports_rule_at_line(rule) -> None:
    path = _bad_fixture(rule.code)
    code, line = EXPECT.search(path.read_text()).groups()
    assert code == rule.code
    found = [(d.code, d.line) for d in check(path)]
    assert (rule.code, int(line)) in found, found
    assert all(d.name == rule.name for d in check(path) if d.code == rule.code)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_good_fixture_is_clean(rule) -> None:
    path = FIXTURES / "good" / f"{rule.code}.yaml"
    assert path.exists(), f"rule {rule.code} needs a good fixture"
    assert check(path) == []


def test_base_fixture_is_clean() -> None:
    assert check(FIXTURES / "_base.yaml") == []


def test_each_bad_fixture_differs_from_base_only_where_it_says() -> None:
    for path in FIXTURES.glob("PSA*.yaml"):
        codes = {d.code for d in check(path) if d.is_error or d.severity.value == "warning"}
        expected = EXPECT.search(path.read_text()).group(1)
        assert expected in codes, path.name
