"""PSA106 unknown-default-preset: a close name is suggested; otherwise the presets are listed, at most eight."""

from __future__ import annotations

import pytest

from psa_config import check_text


def file_with(default: str, presets: list[str]) -> str:
    configs = "".join(f"    {name}:\n      type: dense\n" for name in presets) or "    {}\n"
    head = "Wan2.1_14b:\n" f"  default_attention: {default}\n" "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
    return head + "  text_length: 0\n" + ("  attention_configs:\n" + configs if presets else "  attention_configs: {}\n")


def reported(text: str) -> list[tuple[int, int, str, str | None]]:
    return [(d.line, d.column, d.message, d.fix) for d in check_text(text) if d.code == "PSA106"]


def test_a_close_name_is_suggested_at_the_value() -> None:
    assert reported(file_with("psa_balance", ["baseline", "psa_balanced"])) == [
        (2, 22, "default_attention `psa_balance` is not a preset of `Wan2.1_14b`; did you mean `psa_balanced`?", "write `psa_balanced`")
    ]


@pytest.mark.parametrize("count, listing", [
    (0, "none"),
    (2, "dense0, dense1"),
    (8, "dense0, dense1, dense2, dense3, dense4, dense5, dense6, dense7"),
    (9, "dense0, dense1, dense2, dense3, dense4, dense5, dense6, dense7 and 1 more"),
    (12, "dense0, dense1, dense2, dense3, dense4, dense5, dense6, dense7 and 4 more"),
])
def test_without_a_close_name_the_presets_are_listed(count: int, listing: str) -> None:
    found = reported(file_with("zzz", [f"dense{i}" for i in range(count)]))
    assert found == [(2, 22, f"default_attention `zzz` is not a preset of `Wan2.1_14b` (presets: {listing})", "name one of the model's presets")]


def test_every_model_is_checked_after_one_whose_default_is_fine() -> None:
    text = file_with("a", ["a"]) + file_with("zzz", ["b"]).replace("Wan2.1_14b:", "Wan2.2_5B:")
    assert [line for line, _, _, _ in reported(text)] == [text.splitlines().index("  default_attention: zzz") + 1]
