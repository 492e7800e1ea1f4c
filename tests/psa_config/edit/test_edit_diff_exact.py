"""Diffs hunk for hunk as ``diff -u`` prints them: Python's ``difflib.unified_diff`` is the oracle
(on texts whose lines are distinct, where the shortest edit is unique), with and without regions."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from psa_config.edit.diff import changed_lines, compose_regions, regions_between, unified_diff
from psa_config.edit.splice import Splice, apply


def oracle(old: str, new: str, context: int = 3, path: str = "f") -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}", n=context))


def numbered(count: int, prefix: str = "l") -> str:
    return "".join(f"{prefix}{i}: {i}\n" for i in range(count))


@st.composite
def line_edits(draw: st.DrawFn) -> tuple[str, str, tuple[Splice, ...]]:
    """A text of distinct lines (LF, CRLF or CR), and whole-line splices (replace, delete, insert) writing new distinct lines."""
    count = draw(st.integers(0, 40))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    old_lines = [f"k{i}: {i}{newline}" for i in range(count)]
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    points = sorted(set(draw(st.lists(st.integers(0, count), max_size=8))))
    splices = []
    fresh = 0
    for a, b in zip(points[::2], points[1::2] + [None] * (len(points) % 2)):
        b = a if b is None else b
        lines = draw(st.integers(0 if b > a else 1, 3))
        splices.append(Splice(offsets[a], offsets[b], "".join(f"new{fresh + i}: x{newline}" for i in range(lines))))
        fresh += lines
    return "".join(old_lines), apply("".join(old_lines), splices)[0], tuple(splices)


@settings(max_examples=300, deadline=None)
@given(edit=line_edits(), context=st.integers(0, 4))
def test_diffs_match_difflib_hunk_for_hunk(edit: tuple[str, str, tuple[Splice, ...]], context: int) -> None:
    old, new, splices = edit
    expected = oracle(old, new, context)
    assert unified_diff(old, new, "f", context) == expected
    assert unified_diff(old, new, "f", context, regions=compose_regions((), splices)) == expected
    assert unified_diff(old, new, "f", context, regions=regions_between(old, new)) == expected


@settings(max_examples=200, deadline=None)
@given(edit=line_edits())
def test_changed_lines_are_difflibs_opcodes(edit: tuple[str, str, tuple[Splice, ...]]) -> None:
    old, new, splices = edit
    codes = [c for c in difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True), autojunk=False)
             .get_opcodes() if c[0] != "equal"]
    expected = ([range(i1 + 1, i2 + 1) for _, i1, i2, _, _ in codes], [range(j1 + 1, j2 + 1) for _, _, _, j1, j2 in codes])
    assert changed_lines(old, new) == expected
    assert changed_lines(old, new, compose_regions((), splices)) == expected


def test_changes_far_apart_are_separate_hunks() -> None:
    old = numbered(20)
    new = old.replace("l3: 3\n", "l3: 30\n").replace("l17: 17\n", "l17: 170\n")
    assert unified_diff(old, new, "c.yaml") == (
        "--- a/c.yaml\n+++ b/c.yaml\n"
        "@@ -1,7 +1,7 @@\n l0: 0\n l1: 1\n l2: 2\n-l3: 3\n+l3: 30\n l4: 4\n l5: 5\n l6: 6\n"
        "@@ -15,6 +15,6 @@\n l14: 14\n l15: 15\n l16: 16\n-l17: 17\n+l17: 170\n l18: 18\n l19: 19\n"
    )


def test_six_unchanged_lines_join_two_hunks_and_seven_split_them() -> None:
    old = numbered(12)
    joined = old.replace("l2: 2\n", "l2: x\n").replace("l9: 9\n", "l9: x\n")  # l3..l8 between: six lines
    assert unified_diff(old, joined, "f").count("@@ -") == 1
    assert unified_diff(old, joined, "f").splitlines()[2] == "@@ -1,12 +1,12 @@"
    split = old.replace("l2: 2\n", "l2: x\n").replace("l10: 10\n", "l10: x\n")  # l3..l9: seven lines
    assert [line for line in unified_diff(old, split, "f").splitlines() if line.startswith("@@")] == [
        "@@ -1,6 +1,6 @@", "@@ -8,5 +8,5 @@",
    ]


def test_context_zero_and_one() -> None:
    old = numbered(6)
    new = old.replace("l2: 2\n", "")
    assert unified_diff(old, new, "f", context=0) == "--- a/f\n+++ b/f\n@@ -3 +2,0 @@\n-l2: 2\n"
    assert unified_diff(old, new, "f", context=1) == "--- a/f\n+++ b/f\n@@ -2,3 +2,2 @@\n l1: 1\n-l2: 2\n l3: 3\n"
    inserted = old.replace("l2: 2\n", "l2: 2\nnew\n")
    assert unified_diff(old, inserted, "f", context=0) == "--- a/f\n+++ b/f\n@@ -3,0 +4 @@\n+new\n"


def test_empty_texts_and_whole_texts() -> None:
    assert unified_diff("", "a\nb\n", "f") == "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    assert unified_diff("a\nb\n", "", "f") == "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-a\n-b\n"
    assert unified_diff("a\n", "b\n", "f") == "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
    assert unified_diff("same\n", "same\n", "f") == ""


def test_the_path_loses_its_leading_slash_and_defaults_to_file() -> None:
    assert unified_diff("a\n", "b\n", "/abs/c.yaml").splitlines()[:2] == ["--- a/abs/c.yaml", "+++ b/abs/c.yaml"]
    assert unified_diff("a\n", "b\n").splitlines()[:2] == ["--- a/file", "+++ b/file"]
    assert unified_diff("a\n", "b\n", "XY/c.yaml").splitlines()[:2] == ["--- a/XY/c.yaml", "+++ b/XY/c.yaml"]


def test_line_breaks_are_kept_as_they_are() -> None:
    assert unified_diff("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", "f") == (
        "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n"
    )
    assert unified_diff("a\rb\rc\r", "a\rB\rc\r", "f") == "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r-b\r+B\r c\r"


def test_a_missing_final_newline_added() -> None:
    assert unified_diff("a\nb", "a\nb\n", "f") == (
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
    )
    assert unified_diff("x\n" * 5 + "b", "x\n" * 5 + "c", "f", context=1) == (
        "--- a/f\n+++ b/f\n@@ -5,2 +5,2 @@\n x\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
    )


def test_hunk_line_numbers_follow_earlier_hunks() -> None:
    old = numbered(30)
    new = old.replace("l2: 2\n", "l2: 2\nA\nB\n").replace("l25: 25\n", "")
    assert [line for line in unified_diff(old, new, "f", context=1).splitlines() if line.startswith("@@")] == [
        "@@ -3,2 +3,4 @@", "@@ -25,3 +27,2 @@",
    ]


def test_regions_given_by_the_edit_are_used() -> None:
    old = numbered(20)
    new = old.replace("l5: 5", "l5: 50")
    at = old.index("l5: 5") + len("l5: 5")
    regions = compose_regions((), [Splice(at, at, "0")])
    assert regions == ((at, at, at, at + 1),)
    assert unified_diff(old, new, "f", regions=regions) == oracle(old, new)
    assert unified_diff(old, new, "f", regions=()) == "--- a/f\n+++ b/f\n"  # nothing said to differ


# ---- regions -------------------------------------------------------------------------------------


def test_regions_between() -> None:
    assert regions_between("abcXdef", "abcYYdef") == ((3, 4, 3, 5),)
    assert regions_between("aa", "aaa") == ((2, 2, 2, 3),)
    assert regions_between("abc", "abc") == ()
    assert regions_between("", "xy") == ((0, 0, 0, 2),)
    assert regions_between("xabcx", "x") == ((1, 5, 1, 1),)
    assert regions_between("1234567890", "1234567_90") == ((7, 8, 7, 8),)
    assert regions_between("q" + "z" * 100, "z" * 100) == ((0, 1, 0, 0),)


def test_compose_regions_of_splices() -> None:
    assert compose_regions((), [Splice(2, 4, "xyz")]) == ((2, 4, 2, 5),)
    assert compose_regions((), [Splice(2, 2, "")]) == ()  # nothing written
    assert compose_regions((), [Splice(5, 6, ""), Splice(1, 2, "ab")]) == ((1, 2, 1, 3), (5, 6, 6, 6))
    assert compose_regions((), [Splice(1, 2, "ab"), Splice(2, 3, "")]) == ((1, 3, 1, 3),)  # touching: merged


def test_compose_regions_over_earlier_regions() -> None:
    # "0123456789" -> "01AB3456789" (region (2, 3, 2, 4)), then "01AB3456789" -> "01AB34Z789" (splice 6..8 -> "Z")
    first = compose_regions((), [Splice(2, 3, "AB")])
    assert apply("0123456789", [Splice(2, 3, "AB")])[0] == "01AB3456789"
    assert compose_regions(first, [Splice(6, 8, "Z")]) == ((2, 3, 2, 4), (5, 7, 6, 7))
    assert apply("01AB3456789", [Splice(6, 8, "Z")])[0] == "01AB34Z789"
    # a splice over the earlier region's end merges with it: "01AB3456789" -> "01Q456789"
    assert compose_regions(first, [Splice(2, 5, "Q")]) == ((2, 4, 2, 3),)
    assert compose_regions(first, []) == first


def test_a_region_wider_than_the_change_gives_the_same_diff() -> None:
    """An edit may report a region that rewrote a character with itself (here the ``X``)."""
    old, new = "aX\nc\n", "bX\nc\n"
    assert unified_diff(old, new, "f", regions=((0, 2, 0, 2),)) == oracle(old, new)
    assert unified_diff(old, new, "f", regions=((0, 3, 0, 3),)) == oracle(old, new)
    assert changed_lines(old, new, ((0, 2, 0, 2),)) == ([range(1, 2)], [range(1, 2)])


def test_regions_on_touching_lines_are_one_change() -> None:
    old, new = "a\nb\nc\n", "a\nB\nC\n"
    assert unified_diff(old, new, "f", regions=((2, 3, 2, 3), (4, 5, 4, 5))) == oracle(old, new)


def test_the_line_a_region_deletes_is_the_one_shown() -> None:
    """The region says the first ``b`` went (difflib alone would pick the second)."""
    assert unified_diff("x\nb\nb\n", "x\nb\n", "f", regions=((2, 4, 2, 2),)) == (
        "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n x\n-b\n b\n"
    )
    assert changed_lines("x\nb\nb\n", "x\nb\n", ((2, 4, 2, 2),)) == ([range(2, 3)], [range(2, 2)])


def test_a_line_repeated_300_times_is_still_matched() -> None:
    """No line is junk, however often it repeats (difflib's autojunk would give up on ``x`` here)."""
    old, new = "a\n" + "x\n" * 300 + "c\n", "b\n" + "x\n" * 300 + "d\n"
    whole = ((0, len(old), 0, len(new)),)
    assert unified_diff(old, new, "f", regions=whole) == (
        "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+b\n x\n x\n x\n@@ -299,4 +299,4 @@\n x\n x\n x\n-c\n+d\n"
    )
    assert changed_lines(old, new, whole) == ([range(1, 2), range(302, 303)], [range(1, 2), range(302, 303)])


def test_a_region_ending_in_a_crlf_gives_a_diff_that_applies() -> None:
    from test_edit_diff import patched

    old, new = "b\nb\na\r\nc\r\n", "b\nb\na\r\nc\r\ncx\n\n"
    diff = unified_diff(old, new, "f", regions=((8, 9, 8, 13),))
    assert patched(old, diff) == new
    assert diff == "--- a/f\n+++ b/f\n@@ -2,3 +2,5 @@\n b\n a\r\n c\r\n+cx\n+\n"


def test_a_deletion_shows_the_lines_its_region_removed() -> None:
    old, new = "a\nx\na\r\nx\nb\n", "a\nx\nb\n"  # the region removes lines 3 and 4, not 2 and 3
    assert unified_diff(old, new, "f", regions=((3, 8, 3, 3),)) == (
        "--- a/f\n+++ b/f\n@@ -1,5 +1,3 @@\n a\n x\n-a\r\n-x\n b\n"
    )
