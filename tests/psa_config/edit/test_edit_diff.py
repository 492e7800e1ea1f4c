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


# ---- diffs over regions ----------------------------------------------------------------------------

import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from psa_config.edit.diff import compose_regions  # noqa: E402
from psa_config.edit.splice import Splice, apply  # noqa: E402

HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def patched(old: str, patch: str) -> str:
    """``old`` with a unified diff applied (context lines must match, as ``patch`` requires)."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", old)
    out: list[str] = []
    cursor = 0
    body = patch.splitlines(keepends=True)[2:]
    index = 0
    while index < len(body):
        header = HUNK.match(body[index])
        assert header, body[index]
        start = int(header[1]) - (0 if header[2] == "0" else 1)
        out.extend(lines[cursor:start])
        cursor = start
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            line = body[index]
            index += 1
            text = line[1:]
            if index < len(body) and body[index].startswith("\\"):
                text, index = text[:-1], index + 1  # no newline at end of file
            if line[0] in " -":
                assert lines[cursor] == text, (lines[cursor], text)
                cursor += 1
            if line[0] in " +":
                out.append(text)
    out.extend(lines[cursor:])
    return "".join(out)


LINES = st.lists(st.sampled_from(["a: 1", "b: 2", "", "  c: [3]", "# x"]), max_size=30)
PIECES = st.sampled_from(["", "z\n", "\nnew: 1", "q", "\n", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(lines=LINES, final=st.booleans(), data=st.data())
def test_region_diffs_apply_and_match_the_texts(lines: list[str], final: bool, data: st.DataObject) -> None:
    old = "\n".join(lines) + ("\n" if final and lines else "")
    text, regions = old, ()
    for _ in range(data.draw(st.integers(1, 3))):
        points = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=4)))
        splices = [Splice(a, b, data.draw(PIECES)) for a, b in zip(points[::2], points[1::2])]
        regions = compose_regions(regions, splices)
        text = apply(text, splices)[0]
    rebuilt, cursor = [], 0
    for o1, o2, n1, n2 in regions:
        rebuilt += [old[cursor:o1], text[n1:n2]]
        cursor = o2
    assert "".join(rebuilt) + old[cursor:] == text
    for given_regions in (regions, None):
        patch = unified_diff(old, text, "f", regions=given_regions)
        assert (patch == "") == (old == text)
        if patch:
            assert patched(old, patch) == text
