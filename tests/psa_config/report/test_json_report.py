"""The ``json`` format: exactly one object with a version and the diagnostics."""

from __future__ import annotations

import json

from hypothesis import given

from psa_config.diagnostics import Diagnostic
from psa_config.report import get_reporter

from report_samples import diagnostics_strategy

KEYS = {"path", "line", "column", "severity", "code", "name", "message", "model", "preset", "field"}


def test_exactly_one_object_with_version_1(mixed: list[Diagnostic]) -> None:
    document = json.loads(get_reporter("json").render(mixed, color=True))
    assert document["version"] == 1
    assert set(document) == {"version", "diagnostics"}
    assert [set(entry) for entry in document["diagnostics"]] == [KEYS] * len(mixed)


def test_entries_are_the_diagnostics_in_order(mixed: list[Diagnostic]) -> None:
    document = json.loads(get_reporter("json").render(mixed, color=False))
    assert document["diagnostics"] == [d.to_json() for d in mixed]
    assert document["diagnostics"][1]["severity"] == "warning"


def test_colour_is_ignored(mixed: list[Diagnostic]) -> None:
    reporter = get_reporter("json")
    assert reporter.render(mixed, color=True) == reporter.render(mixed, color=False)


@given(diagnostics_strategy)
def test_any_diagnostics_round_trip(diagnostics: list[Diagnostic]) -> None:
    text = get_reporter("json").render(diagnostics, color=False)
    assert json.loads(text) == {"version": 1, "diagnostics": [d.to_json() for d in diagnostics]}
