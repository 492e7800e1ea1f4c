"""PSA301 invalid-tile-n: not a power of two, or wider than the key block (the runtime divides by n // tile_n)."""

from __future__ import annotations

from psa_config import check_text

PRESET = """\
    PNAME:
      type: psa
      use_sim_mask: false
      use_rearrange: true
      rearrange_method: Gilbert
      block_size: {m: 128, n: N, tile_n: TILE}
      mask_ratios: {1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
      mask_mode: topk
      attn_impl: new_mask_type
      warmup_steps: 0
"""


def render(*presets: tuple[str, str, str]) -> str:
    head = ("Wan2.1_14b:\n  default_attention: a\n  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
            "  text_length: 0\n  attention_configs:\n")
    return head + "".join(PRESET.replace("PNAME", name).replace("N,", f"{n},").replace("TILE", tile) for name, n, tile in presets)


def reported(text: str) -> list[tuple[int, int, str, str | None]]:
    return [(d.line, d.column, d.message, d.fix) for d in check_text(text) if d.code == "PSA301"]


TILE_COLUMN = len("      block_size: {m: 128, n: 32, tile_n: ") + 1


def test_not_a_power_of_two() -> None:
    assert reported(render(("a", "128", "48"))) == [
        (11, len("      block_size: {m: 128, n: 128, tile_n: ") + 1, "tile_n 48 is not a power of two",
         "use tile_n = 32 (or another power of two >= 16 dividing n)")
    ]


def test_wider_than_the_key_block() -> None:
    assert reported(render(("a", "32", "64"))) == [(
        11, TILE_COLUMN,
        "tile_n 64 does not divide the key block n = 32: n // tile_n is 0 and the runtime's mask step divides by it (ZeroDivisionError)",
        "use a tile_n that divides 32, e.g. 32",
    )]


def test_a_tile_as_wide_as_the_block_is_fine() -> None:
    assert reported(render(("a", "32", "32"), ("b", "64", "16"))) == []


def test_every_preset_is_checked_after_one_without_a_usable_tile() -> None:
    text = render(("a", "32", '"32"'), ("b", "32", "64"))
    assert [line for line, _, _, _ in reported(text)] == [21]


def test_the_fix_suggests_32_when_the_block_is_wider() -> None:
    assert [fix for _, _, _, fix in reported(render(("a", "64", "128")))] == ["use a tile_n that divides 64, e.g. 32"]
