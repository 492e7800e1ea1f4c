"""The ``psa-config`` command: an argparse dispatcher, one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from psa_config.errors import PsaConfigError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

COMMAND_MODULES: tuple[str, ...] = (
    "psa_config.commands.check",
    "psa_config.commands.rules",
    "psa_config.commands.schema",
    "psa_config.commands.edit",
    "psa_config.commands.model",
    "psa_config.commands.init",
    "psa_config.commands.dryrun",
    "psa_config.commands.tune",
    "psa_config.commands.tui",
)
"""Each module defines ``register(subparsers)``; its parsers set ``handler``.

Command modules must import nothing heavy at module level (torch, triton,
textual): ``check`` runs in pre-commit hooks where start-up time matters.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="psa-config",
        description="Write, check and try out Pyramid Sparse Attention presets.",
    )
    parser.add_argument("--version", action=_LazyVersion)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    prog = f"psa-config {getattr(args, 'command_name', None) or args.command}"
    try:
        return int(handler(args))
    except PsaConfigError as exc:
        print(error_line(prog, exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def error_line(prog: str, message: object) -> str:
    """Every command's one error style: ``psa-config <command>: error: <message>`` on one line."""
    text = " ".join(str(message).split("\n"))
    return f"{prog}: error: {text}"


class _LazyVersion(argparse.Action):
    """``--version`` that looks the version up only when asked: importlib.metadata costs ~30 ms of start-up."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("psa-config")
    except PackageNotFoundError:
        return "0+unknown"


if __name__ == "__main__":
    sys.exit(main())
