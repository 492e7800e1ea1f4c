"""Text splices: the only way the engine changes text. Untouched characters stay byte-identical."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from psa_config.edit.errors import EditError


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` with ``replacement`` (offsets into the text before the edit)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Change:
    """What one operation does: its splices and notes for the user (e.g. an anchor was edited)."""

    splices: tuple[Splice, ...] = ()
    notes: tuple[str, ...] = ()

    def __add__(self, other: Change) -> Change:
        return Change(self.splices + other.splices, self.notes + other.notes)


def apply(text: str, splices: Iterable[Splice]) -> tuple[str, tuple[range, ...]]:
    """The new text, and the 1-based line ranges of the new text that the splices wrote.

    A pure deletion reports an empty range at the line that now follows it.
    """
    ordered = sorted(splices, key=lambda s: (s.start, s.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end:
            raise EditError("internal error: overlapping edits")
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    length = 0
    for splice in ordered:
        if splice.start == splice.end and not splice.replacement:
            continue
        pieces.append(text[cursor : splice.start])
        length += splice.start - cursor
        spans.append((length, length + len(splice.replacement)))
        pieces.append(splice.replacement)
        length += len(splice.replacement)
        cursor = splice.end
    pieces.append(text[cursor:])
    new_text = "".join(pieces)
    return new_text, tuple(_lines(new_text, start, end) for start, end in spans)


def _lines(text: str, start: int, end: int) -> range:
    """Lines written by ``text[start:end]``, not counting a leading or trailing line break."""
    from psa_config.edit.locate import break_before, break_length, count_breaks

    first = count_breaks(text, 0, start) + 1
    if end == start:
        return range(first, first)
    lead = break_length(text, start)
    if lead and end - start > lead:
        start += lead
        first += 1
    trail = break_before(text, end)
    if trail and end - start > trail:
        end -= trail
    return range(first, first + count_breaks(text, start, end) + 1)
