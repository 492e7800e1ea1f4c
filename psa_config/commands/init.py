"""``psa-config init [FILE]``: write a commented starter attention_config.yaml that checks clean."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from psa_config.errors import UsageError

DEFAULT_FILE = Path("configs") / "attention_config.yaml"
"""The file ``check`` and ``tui`` read when given none."""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "init",
        help="write a commented starter attention_config.yaml",
        description="Write a commented starter file: one model, a dense baseline and one PSA preset; it checks "
        "clean. An existing file is never overwritten.",
    )
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), metavar="FILE",
                        help=f"where to write it (default: {DEFAULT_FILE})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from psa_config.commands.starter import STARTER

    target = Path(args.file)
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; name the file to write, e.g. {target / 'attention_config.yaml'}")
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; not overwritten (remove it first, or name another file)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(STARTER)
    except FileExistsError:
        raise UsageError(f"{target} already exists; not overwritten") from None
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"psa-config init: wrote {target}; next: psa-config check {target}", file=sys.stderr)
    return 0
