"""Unified diffs of edits, as ``diff -u`` and ``git diff`` print them."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(old: str, new: str, path: str = "file", context: int = 3) -> str:
    """The unified diff from ``old`` to ``new`` ('' when equal); line endings are kept as they are."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), fromfile=f"a/{path.lstrip('/')}", tofile=f"b/{path.lstrip('/')}", n=context
    )
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) if text else []


def changed_lines(old: str, new: str) -> tuple[list[range], list[range]]:
    """1-based line ranges that differ: (ranges of ``old``, ranges of ``new``), matched by difflib."""
    matcher = difflib.SequenceMatcher(None, _lines(old), _lines(new), autojunk=False)
    before: list[range] = []
    after: list[range] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before.append(range(i1 + 1, i2 + 1))
            after.append(range(j1 + 1, j2 + 1))
    return before, after
