"""``psa-config model new/set/rm/rename``: edit model sections like presets.

The same engine, write path, options and exit codes as ``psa-config set``
(see :mod:`psa_config.commands.edit`): untouched bytes stay identical and a
file with new errors is not written without ``--force``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from psa_config.commands import edit

if TYPE_CHECKING:
    from psa_config.edit import Document

DEFAULT_ATTENTION = "default_attention"
VIDEO_SCALE_KEYS = ("width_divisor", "height_divisor", "depth_divisor")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "model", help="add, change, remove or rename a model section",
        description="Edit model sections: add one (a dense baseline, or a copy of another model), set its "
        "default_attention, video_scale or text_length, remove or rename it.",
    )
    actions = parser.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    new = _add(actions, "new", "add a model section (a dense baseline, or a copy with --from)", _new,
               [("name", "NAME", "name of the new model (the runtime wants Wan or CogVideo in it)")])
    new.add_argument("--from", dest="source", metavar="MODEL", help="copy this model (its presets and comments)")
    new.add_argument("--video-scale", metavar="W,H,D", type=_divisors,
                     help="pixels per token along width and height, frames per token (default 16,16,4)")
    new.add_argument("--text-length", metavar="N", type=_non_negative, help="text tokens in the sequence (default 0)")
    _add(actions, "set", "set model fields: KEY=VALUE with dotted keys", _set,
         [("name", "MODEL", "model section")]).add_argument(
        "assignments", nargs="+", metavar="KEY=VALUE",
        help="e.g. text_length=226  video_scale.depth_divisor=4  default_attention=psa_balanced",
    )
    _add(actions, "rm", "remove a model section and its presets", _rm, [("name", "MODEL", "model to remove")])
    _add(actions, "rename", "rename a model section", _rename,
         [("old", "OLD", "current name"), ("new", "NEW", "new name")])


def _add(actions: argparse._SubParsersAction, name: str, help_text: str, operation: edit.Operation,  # type: ignore[type-arg]
         positionals: list[tuple[str, str, str]]) -> argparse.ArgumentParser:
    parser = edit._add(actions, name, help_text, operation, positionals)
    parser.prog = f"psa-config model {name}"
    parser.set_defaults(command_name=f"model {name}")
    return parser


def _divisors(text: str) -> tuple[int, int, int]:
    parts = [part.strip() for part in text.replace("x", ",").split(",")]
    if len(parts) != 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: expected three positive integers W,H,D such as 16,16,4")
    return int(parts[0]), int(parts[1]), int(parts[2])


def _non_negative(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number >= 0")
    return int(text)


# ---- operations ----------------------------------------------------------------------------------


def _new(args: argparse.Namespace, doc: Document) -> Document:
    doc = doc.add_model(args.name, args.source)
    notes = doc.notes
    if args.video_scale is not None:
        for key, value in zip(VIDEO_SCALE_KEYS, args.video_scale):
            doc = doc.set_model_value(args.name, f"video_scale.{key}", value)
    if args.text_length is not None:
        doc = doc.set_model_value(args.name, "text_length", args.text_length)
    return _with_notes(doc, notes)


def _set(args: argparse.Namespace, doc: Document) -> Document:
    from psa_config.edit import typed_value
    from psa_config.edit.values import parse_assignment

    notes: tuple[str, ...] = ()
    for raw in args.assignments:
        key, text = parse_assignment(raw)
        if key == DEFAULT_ATTENTION:
            doc = doc.set_default(args.name, text.strip())
        else:
            doc = doc.set_model_value(args.name, key, typed_value("model", key, text))
        notes += doc.notes
    return _with_notes(doc, notes)


def _rm(args: argparse.Namespace, doc: Document) -> Document:
    return doc.remove_model(args.name)


def _rename(args: argparse.Namespace, doc: Document) -> Document:
    return doc.rename_model(args.old, args.new)


def _with_notes(doc: Document, notes: tuple[str, ...]) -> Document:
    from dataclasses import replace

    return replace(doc, notes=tuple(dict.fromkeys(notes + doc.notes)))
