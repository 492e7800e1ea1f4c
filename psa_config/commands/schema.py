"""``psa-config schema [-o FILE]``: print or write the draft-07 JSON Schema of the file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from psa_config.errors import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema (draft-07) of attention_config.yaml",
        description="Print the JSON Schema (draft-07) of attention_config.yaml, generated from the typed model.",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from psa_config.schema import render_schema

    text = render_schema()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write(Path(args.output), text)
    return 0


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; an unwritable path is a usage error, not a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
