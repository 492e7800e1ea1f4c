"""Choosing reporters by name, the default format and colour."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from psa_config.errors import UsageError
from psa_config.report import available_formats, default_format, get_reporter, use_color


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_the_four_formats_are_registered() -> None:
    assert available_formats() == ["text", "json", "github", "sarif"]


@pytest.mark.parametrize("name", ["text", "json", "github", "sarif"])
def test_get_reporter_returns_the_named_reporter(name: str) -> None:
    assert get_reporter(name).name == name


def test_unknown_format_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError, match="sarif"):
        get_reporter("xml")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, "text"), ({"GITHUB_ACTIONS": "true"}, "github"), ({"GITHUB_ACTIONS": "false"}, "text"), ({"CI": "true"}, "text")],
)
def test_default_format_is_github_only_inside_actions(environ: dict[str, str], expected: str) -> None:
    assert default_format(environ, io.StringIO()) == expected


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value disables colour
        ({"NO_COLOR": "1"}, False, False),
    ],
)
def test_colour_only_on_a_terminal_without_no_color(environ: dict[str, str], tty: bool, expected: bool) -> None:
    assert use_color(environ, FakeTerminal(tty)) is expected


def test_no_colour_on_a_closed_stream() -> None:
    stream = FakeTerminal(True)
    stream.isatty = lambda: (_ for _ in ()).throw(ValueError("closed"))  # type: ignore[method-assign]
    assert use_color({}, stream) is False


def test_only_the_chosen_reporter_is_imported() -> None:
    code = (
        "import sys; from psa_config.report import get_reporter; get_reporter('text'); "
        "print(sorted(m for m in sys.modules if m.startswith('psa_config.report.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "psa_config.report.text" in out
    assert "psa_config.report.sarif" not in out
    assert "psa_config.report.github" not in out
