"""``psa-config set/new/rm/rename/default``: scriptable edits that keep the file's formatting.

Exit codes as ``check``: 0 written (or nothing to do), 1 refused because of
errors (the edit would add errors, the file is malformed or changed on disk),
2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psa_config.diagnostics import Diagnostic
    from psa_config.edit import Document

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
Operation = Callable[[argparse.Namespace, "Document"], "Document"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _add(subparsers, "set", "set preset fields: KEY=VALUE with dotted keys", _set, [
        ("model", "MODEL", "model section, e.g. Wan2.1_14b"),
        ("preset", "PRESET", "preset name"),
    ]).add_argument(
        "assignments", nargs="+", metavar="KEY=VALUE",
        help="e.g. block_size.n=64  mask_ratios.8=0.6,0.8  use_sim_mask=false  tile_size=2,8,8",
    )
    new = _add(subparsers, "new", "add a preset (the template, or a copy with --from)", _new, [
        ("model", "MODEL", "model section"), ("name", "NAME", "name of the new preset")])
    new.add_argument("--from", dest="source", metavar="PRESET", help="copy this preset (comments and all)")
    _add(subparsers, "rm", "remove a preset", _rm, [
        ("model", "MODEL", "model section"), ("name", "PRESET", "preset to remove")])
    _add(subparsers, "rename", "rename a preset (default_attention follows)", _rename, [
        ("model", "MODEL", "model section"), ("old", "OLD", "current name"), ("new", "NEW", "new name")])
    _add(subparsers, "default", "set a model's default_attention", _default, [
        ("model", "MODEL", "model section"), ("preset", "PRESET", "the preset to use by default")])


def _add(
    subparsers: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help_text: str,
    operation: Operation,
    positionals: list[tuple[str, str, str]],
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name, help=help_text,
        description=f"{help_text[0].upper()}{help_text[1:]}, editing the file in place: untouched bytes stay "
        "identical. The edited file is checked first; a file with new errors is not written.",
    )
    parser.add_argument("file", metavar="FILE", help="the attention_config.yaml to edit")
    for dest, metavar, text in positionals:
        parser.add_argument(dest, metavar=metavar, help=text)
    parser.add_argument("--dry-run", action="store_true", help="print the unified diff instead of writing")
    parser.add_argument("--force", action="store_true",
                        help="write even if the edit introduces errors or the file is read-only")
    parser.add_argument("--break-links", action="store_true",
                        help="write a file that has other hard links (they keep the old text)")
    parser.add_argument("--edit-anchor", action="store_true",
                        help="when a value is shared through an anchor or merge key, edit the anchor's definition")
    parser.set_defaults(handler=run, operation=operation, command_name=name)
    return parser


# ---- operations ----------------------------------------------------------------------------------


def _set(args: argparse.Namespace, doc: Document) -> Document:
    from psa_config.edit import EditError, typed_value
    from psa_config.edit.values import parse_assignment

    for raw in args.assignments:
        key, text = parse_assignment(raw)
        try:
            doc = _keep_notes(doc, doc.set_value(args.model, args.preset, key, typed_value("preset", key, text)))
        except EditError as exc:
            exc.document_text = doc.text  # type: ignore[attr-defined]  # which text its line numbers are in
            raise
    return doc


def _keep_notes(before: Document, after: Document) -> Document:
    from dataclasses import replace

    return replace(after, notes=tuple(dict.fromkeys(before.notes + after.notes)))


def _new(args: argparse.Namespace, doc: Document) -> Document:
    return doc.add_preset(args.model, args.name, from_preset=args.source)


def _rm(args: argparse.Namespace, doc: Document) -> Document:
    return doc.remove_preset(args.model, args.name)


def _rename(args: argparse.Namespace, doc: Document) -> Document:
    return doc.rename_preset(args.model, args.old, args.new)


def _default(args: argparse.Namespace, doc: Document) -> Document:
    return doc.set_default(args.model, args.preset)


# ---- running -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from psa_config.edit import Document, EditError, MalformedYamlError, read_text
    from psa_config.errors import UnreadableInputError

    prog = f"psa-config {args.command_name}"
    try:
        text = read_text(args.file)
    except UnreadableInputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    original = Document.from_text(text, args.file, edit_anchor=args.edit_anchor)
    try:
        edited = args.operation(args, original)
    except MalformedYamlError:
        print(f"{prog}: error: cannot edit {args.file}: {_syntax_error(text, args.file)}", file=sys.stderr)
        return EXIT_FAILED
    except EditError as exc:
        where = getattr(exc, "document_text", text)
        origin = "line numbers of the file on disk" if where == text else "line numbers of the text as edited so far"
        message = f"{exc} ({origin})" if _mentions_line(str(exc)) else str(exc)
        print(f"{prog}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    for note in edited.notes:
        print(f"{prog}: {note}", file=sys.stderr)
    if edited.text == text:
        print(f"{prog}: nothing to change in {args.file}", file=sys.stderr)
        return EXIT_OK
    if args.dry_run:
        return _dry_run(prog, edited, text, force=args.force)
    return _write(prog, edited, text, args)


def _mentions_line(message: str) -> bool:
    import re

    return re.search(r"\bline \d", message) is not None


def _syntax_error(text: str, path: str) -> str:
    """The located message ``check`` gives for the first YAML error (tab hint included)."""
    from psa_config import check_text

    for diagnostic in check_text(text, path):
        if diagnostic.is_error:
            return f"{diagnostic.line}:{diagnostic.column}: {diagnostic.code} {diagnostic.message}"
    return "malformed YAML"


def _dry_run(prog: str, edited: Document, text: str, *, force: bool) -> int:
    from psa_config.edit import unified_diff, validate

    sys.stdout.write(unified_diff(text, edited.text, edited.path, regions=edited.regions))
    result = validate(edited, text)
    _report_new_warnings(prog, result.new_warnings, written=False)
    fresh = result.new_errors
    if fresh:
        _report(fresh)
        verdict = "would be written anyway (--force)" if force else "would be refused"
        print(f"{prog}: the edit introduces {len(fresh)} error(s) (positions in the edited text); {verdict}",
              file=sys.stderr)
        return EXIT_OK if force else EXIT_FAILED
    return EXIT_OK


def _write(prog: str, edited: Document, text: str, args: argparse.Namespace) -> int:
    from psa_config.edit import EditError, FileChangedError, RefusedError, save
    from psa_config.edit.diff import changed_lines
    from psa_config.edit.writing import Interrupted

    try:
        result = save(edited, edited.path, original_text=text, force=args.force, break_links=args.break_links)
    except RefusedError as exc:
        _report(exc.new_errors)
        print(f"{prog}: not written: the edit introduces {len(exc.new_errors)} error(s), located in the edited "
              "text, not the file on disk (--force writes anyway, --dry-run shows the diff)", file=sys.stderr)
        return EXIT_FAILED
    except FileChangedError as exc:
        print(f"{prog}: not written: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except EditError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Interrupted:
        print(f"{prog}: interrupted; {edited.path} was not written", file=sys.stderr)
        return 143
    _report_new_warnings(prog, result.new_warnings, written=True)
    if result.new_errors:
        _report(result.new_errors)
        print(f"{prog}: written with {len(result.new_errors)} new error(s) (--force)", file=sys.stderr)
    lines = ", ".join(_span(r) for r in changed_lines(text, edited.text, edited.regions)[1] if len(r)) or "removed"
    print(f"{prog}: wrote {edited.path} (lines {lines})", file=sys.stderr)
    return EXIT_OK


def _report_new_warnings(prog: str, warnings: list[Diagnostic], *, written: bool) -> None:
    """Warnings never block a write, but one the edit brings in is worth knowing about."""
    if warnings:
        _report(warnings)
        what = "added" if written else "would add"
        where = "" if written else " (positions in the edited text)"
        print(f"{prog}: the edit {what} {len(warnings)} warning(s){where}", file=sys.stderr)


def _span(lines: range) -> str:
    return str(lines.start) if len(lines) == 1 else f"{lines.start}-{lines.stop - 1}"


def _report(diagnostics: list[Diagnostic]) -> None:
    from psa_config.report import get_reporter

    sys.stderr.write(get_reporter("text").render(diagnostics, color=False))
