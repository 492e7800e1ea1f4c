"""The ``text`` format: located lines, optional ANSI colour, a summary."""

from __future__ import annotations

import re

from hypothesis import given

from psa_config.diagnostics import Diagnostic
from psa_config.report import get_reporter

from report_samples import diagnostics_strategy

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) (?P<code>\S+) (?P<name>\S+): (?P<msg>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(diagnostics: list[Diagnostic], color: bool = False) -> list[str]:
    return get_reporter("text").render(diagnostics, color=color).splitlines()


def test_each_diagnostic_is_one_located_line(mixed: list[Diagnostic]) -> None:
    lines = render(mixed)
    assert len(lines) == len(mixed) + 1
    for line, diagnostic in zip(lines, mixed):
        match = LINE.match(line)
        assert match, line
        assert (match["path"], int(match["line"]), int(match["col"])) == (diagnostic.path, diagnostic.line, diagnostic.column)
        assert (match["sev"], match["code"], match["name"]) == (diagnostic.severity.value, diagnostic.code, diagnostic.name)


def test_fix_is_part_of_the_message(mixed: list[Diagnostic]) -> None:
    assert render(mixed)[1].endswith("level 8 reads wrong rows: n=64, tile_n=32 (fix: use n: 128)")


def test_summary_counts_severities_and_files(mixed: list[Diagnostic]) -> None:
    assert render(mixed)[-1] == "Found 1 error, 1 warning, 1 info in 2 files."
    assert render(mixed[:1])[-1] == "Found 1 error in 1 file."


def test_no_problems_summary() -> None:
    assert render([]) == ["No problems found."]


def test_plain_output_has_no_escape_codes(mixed: list[Diagnostic]) -> None:
    assert "\x1b" not in "\n".join(render(mixed))


def test_coloured_output_differs_only_by_escape_codes(mixed: list[Diagnostic]) -> None:
    coloured = render(mixed, color=True)
    assert any(ANSI.search(line) for line in coloured)
    assert [ANSI.sub("", line) for line in coloured] == render(mixed)
    assert "\x1b[1;31merror" in coloured[0]


@given(diagnostics_strategy)
def test_one_line_per_diagnostic_whatever_the_message(diagnostics: list[Diagnostic]) -> None:
    assert len(render(diagnostics)) == len(diagnostics) + 1
