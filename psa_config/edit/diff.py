"""Unified diffs of edits, as ``diff -u`` and ``git diff`` print them."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(old: str, new: str, path: str = "file", context: int = 3) -> str:
    """The unified diff from ``old`` to ``new`` ('' when equal); line endings are kept as they are."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), fromfile=f"a/{path}", tofile=f"b/{path}", n=context
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
