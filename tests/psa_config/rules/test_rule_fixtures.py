"""Data-driven: every rule has a bad fixture (code and line asserted) and a clean near miss."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from psa_config import check
from psa_config.diagnostics import Severity
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


MOST_CHANGED_LINES = 3
"""A bad fixture is `_base.yaml` with one small edit (a fixture may need a second line to reach its rule)."""


def _body(path: Path) -> list[str]:
    """The fixture's lines after its `# expect:` header."""
    return path.read_text().splitlines()[1:]


def _changed_lines(path: Path) -> int:
    matcher = difflib.SequenceMatcher(a=_body(FIXTURES / "_base.yaml"), b=_body(path), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def _is_empty_document(path: Path) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in _body(path))


BAD_FIXTURES = sorted(FIXTURES.glob("PSA*.yaml"))


@pytest.mark.parametrize("path", BAD_FIXTURES, ids=lambda path: path.stem)
def test_each_bad_fixture_differs_from_base_only_where_it_says(path: Path) -> None:
    """The edit is small, and everything check reports beyond the (clean) base is the one stated diagnostic."""
    assert _is_empty_document(path) or _changed_lines(path) <= MOST_CHANGED_LINES, _changed_lines(path)
    code, line = EXPECT.search(path.read_text()).groups()
    reported = {(d.code, d.line) for d in check(path) if d.severity in (Severity.ERROR, Severity.WARNING)}
    assert reported == {(code, int(line))}


def test_the_base_fixture_is_what_the_bad_ones_differ_from() -> None:
    assert len(BAD_FIXTURES) >= len(all_rules())
    assert _changed_lines(FIXTURES / "_base.yaml") == 0
    assert all(_changed_lines(path) > 0 for path in BAD_FIXTURES)
