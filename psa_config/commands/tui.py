"""``psa-config tui [FILE]``: edit presets in a terminal UI (needs the ``tui`` extra)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

DEFAULT_FILE = str(Path("configs") / "attention_config.yaml")
"""The same default as ``psa-config check``."""
INSTALL_HINT = "the TUI needs the tui extra: pip install 'psa-config[tui]'"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "tui",
        help="edit presets interactively (Textual)",
        description="Edit an attention_config.yaml in a terminal UI: every change keeps the file's formatting.",
    )
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help=f"the file to edit (default: {DEFAULT_FILE})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("textual") is None or importlib.util.find_spec("psa_tui") is None:
        print(f"psa-config tui: error: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from psa_tui.app import run_app  # the module, not the package: a tests/psa_tui folder can shadow the package

    return run_app(args.file)
