"""The ``github`` format: workflow-command annotations with escaping."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from psa_config.diagnostics import Diagnostic
from psa_config.report import get_reporter
from psa_config.report.github import escape_data, escape_property

from report_samples import diagnostics_strategy, make

ANNOTATION = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: bytes.fromhex(m[1]).decode(), text)


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = ANNOTATION.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return match["cmd"], {key: unescape(value) for key, value in props.items()}, unescape(match["msg"])


def test_annotation_per_severity(mixed: list[Diagnostic]) -> None:
    lines = get_reporter("github").render(mixed, color=False).splitlines()
    assert [parse(line)[0] for line in lines] == ["error", "warning", "notice"]


def test_exact_annotation_line() -> None:
    line = get_reporter("github").render([make(message="50% off,\nnow")], color=False)
    assert line == (
        "::error file=configs/attention_config.yaml,line=3,col=7,title=PSA102 wrong-type::50%25 off,%0Anow\n"
    )


def test_properties_escape_colon_and_comma() -> None:
    assert escape_property("C:\\a,b%\r\n") == "C%3A\\a%2Cb%25%0D%0A"
    assert escape_data("a:b,c") == "a:b,c"


def test_no_output_without_diagnostics() -> None:
    assert get_reporter("github").render([], color=False) == ""


@given(diagnostics_strategy)
def test_annotations_parse_back_to_the_diagnostics(diagnostics: list[Diagnostic]) -> None:
    lines = get_reporter("github").render(diagnostics, color=False).split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == len(diagnostics)
    for line, diagnostic in zip(lines, diagnostics):
        _, props, message = parse(line)
        assert props == {
            "file": diagnostic.path,
            "line": str(diagnostic.line),
            "col": str(diagnostic.column),
            "title": f"{diagnostic.code} {diagnostic.name}",
        }
        assert message == diagnostic.full_message()


@given(st.text())
def test_escaped_text_has_no_line_breaks(text: str) -> None:
    assert not {"\r", "\n"} & set(escape_property(text))
    assert unescape(escape_property(text)) == text
