from __future__ import annotations

from psa_config.edit.diff import changed_lines, unified_diff


def test_unified_diff_marks_missing_final_newline() -> None:
    diff = unified_diff("a: 1\nb: 2", "a: 1\nb: 3", "c.yaml")
    assert diff.splitlines() == [
        "--- a/c.yaml", "+++ b/c.yaml", "@@ -1,2 +1,2 @@", " a: 1", "-b: 2", "\\ No newline at end of file",
        "+b: 3", "\\ No newline at end of file",
    ]
    assert unified_diff("x\n", "x\n") == ""


def test_changed_lines() -> None:
    assert changed_lines("a\nb\nc\n", "a\nB\nc\nd\n") == ([range(2, 3), range(4, 4)], [range(2, 3), range(4, 5)])
