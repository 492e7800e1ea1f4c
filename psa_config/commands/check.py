"""``psa-config check [PATH...]``: every mistake of every file, located."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from psa_config.diagnostics import Diagnostic, Severity, sort_diagnostics

DEFAULT_CONFIG = Path("configs") / "attention_config.yaml"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from psa_config.report import available_formats

    parser = subparsers.add_parser(
        "check",
        help="check attention_config.yaml files",
        description="Check attention_config.yaml files: every mistake, at its line and column, with a code and a fix.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files to check (default: {DEFAULT_CONFIG})")
    parser.add_argument("--format", choices=available_formats(), default=None,
                        help="output format (default: text; github inside GitHub Actions)")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from psa_config.report import default_format, get_reporter, use_color

    paths = _paths(args.paths)
    if paths is None:
        print(f"psa-config check: error: no PATH given and {DEFAULT_CONFIG} does not exist "
              "(psa-config init writes a starter file)", file=sys.stderr)
        return EXIT_USAGE
    diagnostics, unreadable = _check_all(paths)
    if unreadable and not diagnostics:
        return EXIT_USAGE
    name = args.format or default_format(os.environ, sys.stdout)
    output = get_reporter(name).render(sort_diagnostics(diagnostics), color=use_color(os.environ, sys.stdout))
    sys.stdout.write(output)
    return _exit_code(diagnostics, unreadable, strict=args.strict)


def _paths(given: list[str]) -> list[str] | None:
    if given:
        return given
    return [str(DEFAULT_CONFIG)] if DEFAULT_CONFIG.exists() else None


def _check_all(paths: list[str]) -> tuple[list[Diagnostic], bool]:
    from psa_config.api import check
    from psa_config.errors import UnreadableInputError

    diagnostics: list[Diagnostic] = []
    unreadable = False
    for path in paths:
        try:
            diagnostics += check(path)
        except UnreadableInputError as exc:
            print(f"psa-config check: error: {exc}", file=sys.stderr)
            unreadable = True
    return diagnostics, unreadable


def _exit_code(diagnostics: list[Diagnostic], unreadable: bool, *, strict: bool) -> int:
    if unreadable:
        return EXIT_USAGE
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return EXIT_FAILED if any(d.severity in failing for d in diagnostics) else EXIT_OK
