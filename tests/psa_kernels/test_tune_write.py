"""The comment line --write puts above the tuned preset."""

from __future__ import annotations

import pytest

pytest.importorskip("optuna")

from psa_config import check_text  # noqa: E402
from psa_config.edit import Document  # noqa: E402
from psa_kernels.tune.write import with_comment  # noqa: E402

TEXT = """\
M_Wan:
  default_attention: dense
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    dense:
      type: dense
    fast:
      type: dense
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_comment_sits_above_the_key_at_its_indentation(newline: str) -> None:
    text = TEXT.replace("\n", newline)
    doc = with_comment(Document.from_text(text, "x.yaml"), "M_Wan", "fast", "tuned: density 0.2")
    lines = doc.text.split(newline)
    at = lines.index("    fast:")
    assert lines[at - 1] == "    # tuned: density 0.2"
    assert doc.text.replace("    # tuned: density 0.2" + newline, "") == text
    assert not [d for d in check_text(doc.text, "x.yaml") if d.is_error]


def test_no_comment_inside_a_flow_mapping() -> None:
    text = TEXT.replace("    dense:\n      type: dense\n    fast:\n      type: dense\n", "")
    text = text.replace("  attention_configs:\n", "  attention_configs: {dense: {type: dense}, fast: {type: dense}}\n")
    doc = Document.from_text(text, "x.yaml")
    assert with_comment(doc, "M_Wan", "fast", "x").text == text
