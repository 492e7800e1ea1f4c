"""Unified diffs of edits, as ``diff -u`` and ``git diff`` print them, computed only where the text changed.

An edit knows where it wrote: a :data:`Region` maps a span of the old text to
the span of the new text that replaced it. Only the lines around those
regions are compared (``difflib`` on a few lines), so the cost follows the
size of the change, not of the file. Without regions, the changed span is
found by trimming the common prefix and suffix (memory comparisons).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence

from psa_config.edit.locate import after_line_break, break_before, count_breaks, line_start
from psa_config.edit.splice import Splice

NO_NEWLINE = "\\ No newline at end of file\n"
Region = tuple[int, int, int, int]
"""``(old_start, old_end, new_start, new_end)``: ``old[old_start:old_end]`` became ``new[new_start:new_end]``."""

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


# ---- regions -------------------------------------------------------------------------------------


def compose_regions(regions: Sequence[Region], splices: Iterable[Splice]) -> tuple[Region, ...]:
    """Regions from the original text to the text after ``splices`` (given on the current text).

    Both the earlier regions and the splices are spans of the current text, each
    with the length it adds: an earlier region relative to the original, a
    splice relative to the result. Overlapping or touching spans merge into one
    region; a region's ends follow from the additions of the spans before it.
    """
    spans = [(n1, n2, (n2 - n1) - (o2 - o1), 0) for o1, o2, n1, n2 in regions]
    spans += [(s.start, s.end, 0, len(s.replacement) - (s.end - s.start)) for s in splices if s.start < s.end or s.replacement]
    spans.sort(key=lambda span: (span[0], span[1]))
    merged: list[Region] = []
    added_before = written_before = 0  # what the earlier groups added: since the original, by the splices
    index = 0
    while index < len(spans):
        start, end, added, written = spans[index]
        index += 1
        while index < len(spans) and spans[index][0] <= end:
            end = max(end, spans[index][1])
            added += spans[index][2]
            written += spans[index][3]
            index += 1
        old_start, new_start = start - added_before, start + written_before
        merged.append((old_start, old_start + (end - start) - added, new_start, new_start + (end - start) + written))
        added_before += added
        written_before += written
    return tuple(merged)


def regions_between(old: str, new: str) -> tuple[Region, ...]:
    """One region covering everything between the common prefix and the common suffix."""
    if old == new:
        return ()
    shortest = min(len(old), len(new))
    prefix = _largest(shortest, lambda n: old[:n] == new[:n])
    suffix = _largest(shortest - prefix, lambda n: old[len(old) - n :] == new[len(new) - n :])
    return ((prefix, len(old) - suffix, prefix, len(new) - suffix),)


def _largest(limit: int, holds: Callable[[int], bool]) -> int:
    """Largest ``n <= limit`` for which ``holds(n)`` (true up to some n, false after), by bisection:
    ``log2(limit)`` slice comparisons, each a memory comparison."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


# ---- line blocks ---------------------------------------------------------------------------------

Block = tuple[int, int, int, int, int]
"""``(first_line, old_start, old_end, new_start, new_end)``: whole lines (0-based first line of old)."""


def _at_line_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] in "\r\n" and not text.startswith("\r\n", index - 1)


def _line_blocks(old: str, new: str, regions: Sequence[Region]) -> list[Block]:
    """Regions grown to whole lines, merged where they meet.

    Outside the regions the texts are identical, so growing the old span by ``d``
    characters grows the new span by the same ``d``.
    """
    blocks: list[Block] = []
    cursor_offset = cursor_line = 0
    for o1, o2, n1, n2 in (_start_outside_crlf(old, region) for region in regions):
        a1 = line_start(old, o1)
        a2 = o2 if _at_line_start(old, o2) and _at_line_start(new, n2) and (o2 > a1 or n2 > n1) else after_line_break(old, o2)
        b1, b2 = n1 - (o1 - a1), n2 + (a2 - o2)
        if blocks and a1 <= blocks[-1][2]:
            first, start, _, new_start, _ = blocks.pop()
            blocks.append((first, start, a2, new_start, b2))
            continue
        first = cursor_line + count_breaks(old, cursor_offset, a1)
        cursor_offset, cursor_line = a1, first
        blocks.append((first, a1, a2, b1, b2))
    return [trimmed for block in blocks if (trimmed := _trim(old, new, block)) is not None]


def _start_outside_crlf(old: str, region: Region) -> Region:
    """The region started one character earlier when it starts between the CR and the LF of a CRLF
    of the old text: that CRLF is one line break in the old text but not in the new one, so the
    lines around it must be read with the CR (which both texts share: touching regions are merged)."""
    o1, o2, n1, n2 = region
    if o1 > 0 and old[o1 - 1] == "\r" and old[o1 : o1 + 1] == "\n":
        return o1 - 1, o2, n1 - 1, n2
    return region


def _trim(old: str, new: str, block: Block) -> Block | None:
    """The block without the unchanged whole lines it starts or ends with (``None`` if all are),
    so that every hunk has the same context before and after its changes."""
    first, a1, a2, b1, b2 = block
    while a1 < a2 and b1 < b2:
        length = min(after_line_break(old, a1), a2) - a1
        if old[a1 : a1 + length] != new[b1 : b1 + length] or not _at_line_start(new, b1 + length):
            break
        a1, b1, first = a1 + length, b1 + length, first + 1
    while a2 > a1 and b2 > b1:
        start = max(line_start(old, a2 - 1), a1)
        length = a2 - start
        if (b2 - length < b1 or old[start:a2] != new[b2 - length : b2]
                or not (_at_line_start(old, start) and _at_line_start(new, b2 - length))):
            break
        a2, b2 = start, b2 - length
    return None if a1 == a2 and b1 == b2 else (first, a1, a2, b1, b2)


def _lines(text: str) -> list[str]:
    return _LINE.findall(text)


def _opcodes(old: str, new: str, regions: Sequence[Region]) -> list[tuple[str, int, int, int, int]]:
    """Non-equal opcodes (0-based line indices of the whole texts), found block by block."""
    return [code for code, _ in _changes(old, new, regions)]


def _changes(old: str, new: str, regions: Sequence[Region]) -> list[tuple[tuple[str, int, int, int, int], Block]]:
    """Each non-equal opcode with its lines as a block: unchanged lines inside a region (a region
    may span several changes) are left out, so that hunks split where ``diff -u`` splits them."""
    changes: list[tuple[tuple[str, int, int, int, int], Block]] = []
    delta = 0
    for first, a1, a2, b1, b2 in _line_blocks(old, new, regions):
        before, after = _lines(old[a1:a2]), _lines(new[b1:b2])
        old_ends, new_ends = _ends(a1, before), _ends(b1, after)
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                code = (tag, first + i1, first + i2, first + delta + j1, first + delta + j2)
                changes.append((code, (first + i1, old_ends[i1], old_ends[i2], new_ends[j1], new_ends[j2])))
        delta += len(after) - len(before)
    return changes


def _ends(start: int, lines: list[str]) -> list[int]:
    """Offsets where each of ``lines`` (read from ``start``) starts, and where the last ends."""
    ends = [start]
    for line in lines:
        ends.append(ends[-1] + len(line))
    return ends


# ---- public --------------------------------------------------------------------------------------


def unified_diff(old: str, new: str, path: str = "file", context: int = 3, regions: Sequence[Region] | None = None) -> str:
    """The unified diff from ``old`` to ``new`` ('' when equal); line endings are kept as they are.

    ``regions`` (e.g. ``Document.regions``) says where the texts differ; without
    it the common prefix and suffix are trimmed first.
    """
    if old == new:
        return ""
    regions = regions_between(old, new) if regions is None else regions
    out = [f"--- a/{path.lstrip('/')}\n", f"+++ b/{path.lstrip('/')}\n"]
    delta = 0
    for hunk in _hunks([block for _, block in _changes(old, new, regions)], old, context):
        body, old_count, new_count = _hunk_body(old, new, hunk)
        first = hunk[0][0]
        out.append(f"@@ -{_range(first, old_count)} +{_range(first + delta, new_count)} @@\n")
        out.extend(line if line.endswith(("\n", "\r")) else line + "\n" + NO_NEWLINE for line in body)
        delta += new_count - old_count
    return "".join(out)


def _hunks(cores: list[Block], old: str, context: int) -> list[list[Block]]:
    """Core blocks grouped into hunks, each led and followed by ``context`` lines (as blocks of
    unchanged lines: ``old_start == old_end`` pairs marking where context starts and ends)."""
    hunks: list[list[Block]] = []
    for block in cores:
        first, a1, a2, b1, b2 = block
        start, line = a1, first
        for _ in range(context):
            if start == 0:
                break
            start, line = line_start(old, start - break_before(old, start)), line - 1  # CRLF: before its \r
        lead = (line, start, a1, b1 - (a1 - start), b1)
        if hunks and start <= hunks[-1][-1][2]:
            hunks[-1].pop()  # the trailing context of the previous hunk runs into this block
            previous = hunks[-1][-1]
            gap = previous[2]
            hunks[-1].append((previous[0], gap, a1, previous[4], b1))
            hunks[-1].append(block)
        else:
            hunks.append([lead, block])
        end = a2
        for _ in range(context):
            end = after_line_break(old, end) if end < len(old) else end
        hunks[-1].append((first, a2, end, b2, b2 + (end - a2)))
    return hunks


def _hunk_body(old: str, new: str, hunk: list[Block]) -> tuple[list[str], int, int]:
    """Lines of a hunk: context pieces (even positions) as ' ', core blocks (one change each, no
    line in common: see :func:`_changes`) as '-' then '+'."""
    body: list[str] = []
    old_count = new_count = 0
    for index, (_, a1, a2, b1, b2) in enumerate(hunk):
        before = _lines(old[a1:a2])
        if index % 2 == 0:  # unchanged lines
            body.extend(" " + line for line in before)
            old_count += len(before)
            new_count += len(before)
            continue
        after = _lines(new[b1:b2])
        body.extend("-" + line for line in before)
        body.extend("+" + line for line in after)
        old_count += len(before)
        new_count += len(after)
    return body, old_count, new_count


def _range(first: int, count: int) -> str:
    """A hunk range as ``diff -u`` writes it (1-based; a count of 1 left out; empty: the line before)."""
    if count == 1:
        return str(first + 1)
    return f"{first if count == 0 else first + 1},{count}"


def changed_lines(old: str, new: str, regions: Sequence[Region] | None = None) -> tuple[list[range], list[range]]:
    """1-based line ranges that differ: (ranges of ``old``, ranges of ``new``)."""
    regions = regions_between(old, new) if regions is None else regions
    codes = _opcodes(old, new, regions)
    return [range(i1 + 1, i2 + 1) for _, i1, i2, _, _ in codes], [range(j1 + 1, j2 + 1) for _, _, _, j1, j2 in codes]
