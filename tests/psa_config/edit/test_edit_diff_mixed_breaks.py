"""Diffs of files that mix CR, LF and CRLF: an edit that splits a CRLF still shows a diff that applies.

Where an edit lands between the CR and the LF of a CRLF, the old text has one line break there and the
new text two (or the reverse), so whole lines have to be read with the CR and the LF together.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psa_config.edit.diff import Region, unified_diff
from test_edit_diff import patched

PIECES = ["a\n", "b\n", "x\n", "\r\n", "c", "a\r\n", "\r", "a\r"]


@pytest.mark.parametrize(
    ("old", "new", "regions"),
    [
        ("b\nx\ncb\na\r\n\r", "b\nx\ncb\naca\r\ra\n\n\r", None),
        ("x\nx\n\r\n\r\na\nx\n", "x\nx\n\ra\r\nx\n\na\nx\n", None),
        ("b\nx\na\r\na\r\n", "b\nx\n\n", ((2, 9, 2, 4),)),
        ("\r\n\r\rx\na\r\na\r\nb\n", "\r\n\r\rx\na\ra\r\n\na\r\nb\n", None),
        ("\r\r\nc\r\nb\n", "\r\rx\nca\rx\nx\nx\na\r", ((2, 8, 2, 15),)),
        ("\r\na\n\r", "\rx\n\r\nx\nb\n\r\ra\n\na\n\r", None),  # the split CRLF is the text's first break
    ],
)
@pytest.mark.parametrize("context", [0, 1, 3])
def test_an_edit_splitting_a_crlf_shows_a_diff_that_applies(
    old: str, new: str, regions: tuple[Region, ...] | None, context: int
) -> None:
    assert patched(old, unified_diff(old, new, context=context, regions=regions)) == new


texts = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


@given(old=texts, piece=texts, data=st.data())
def test_any_splice_of_a_mixed_break_text_shows_a_diff_that_applies(old: str, piece: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(old)))
    end = data.draw(st.integers(start, len(old)))
    new = old[:start] + piece + old[end:]
    assert patched(old, unified_diff(old, new)) == new
    assert patched(old, unified_diff(old, new, regions=((start, end, start, start + len(piece)),))) == new


@pytest.mark.parametrize(
    ("old", "new", "region"),
    [
        ("a\r\nb\n", "a\rXb\n", (2, 3, 2, 3)),  # the old text's LF starts the region, after a shared CR
        ("a\rXb\n", "a\r\nb\n", (2, 3, 2, 3)),  # the new text's LF starts it
        ("a\r\nb\n", "aY\nb\n", (1, 2, 1, 2)),  # the old text's CR ends the region, before a shared LF
        ("aY\nb\n", "a\r\nb\n", (1, 2, 1, 2)),  # the new text's CR ends it
        ("a\r\r\nb\n", "a\rZ\r\nb\n", (2, 2, 2, 3)),  # an insertion right after a lone CR: no CRLF is split
    ],
)
@pytest.mark.parametrize("context", [0, 1])
def test_each_side_of_a_split_crlf(old: str, new: str, region: Region, context: int) -> None:
    assert old[: region[0]] == new[: region[2]] and old[region[1] :] == new[region[3] :]
    assert patched(old, unified_diff(old, new, context=context, regions=(region,))) == new
