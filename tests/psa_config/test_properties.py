"""Property tests of the loader and checker (hypothesis; budgets from the profile in tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from psa_config import check_text
from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import all_rules

RULE_NAMES = {rule.code: rule.name for rule in all_rules()}


@dataclass
class PresetSpec:
    attn_impl: str
    mask_mode: str
    n: int
    tile_n: int
    cuts: list[float]
    use_sim_mask: bool

    def render(self) -> str:
        m, n, tile_n = (128, 128, 32) if self.attn_impl == "old_mask_type" else (128, self.n, self.tile_n)
        bounds = [0.0, *self.cuts, 1.0]
        ratios = "".join(
            f"        {level}: [{bounds[i]:.2f}, {bounds[i + 1]:.2f}]\n" for i, level in enumerate((1, 2, 4, 8, 0))
        )
        return (
            "M:\n"
            "  default_attention: p\n"
            "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n"
            "  text_length: 0\n"
            "  attention_configs:\n"
            "    p:\n"
            "      type: psa\n"
            f"      use_sim_mask: {str(self.use_sim_mask).lower()}\n"
            "      block_size:\n"
            f"        m: {m}\n"
            f"        n: {n}\n"
            f"        tile_n: {tile_n}\n"
            "      mask_ratios:\n"
            f"{ratios}"
            f"      mask_mode: {self.mask_mode}\n"
            f"      attn_impl: {self.attn_impl}\n"
            "      use_rearrange: true\n"
            "      rearrange_method: Gilbert\n"
            "      warmup_steps: 0\n"
            "      sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}\n"
        )


@st.composite
def presets(draw: st.DrawFn) -> PresetSpec:
    attn_impl = draw(st.sampled_from(["new_mask_type", "old_mask_type"]))
    n = draw(st.sampled_from([32, 64, 128]))
    tile_n = draw(st.sampled_from([t for t in (16, 32, 64, 128) if t <= n]))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    mode = draw(st.sampled_from(["topk", "thresholdbound"]))
    if mode == "thresholdbound" and cuts[0] < 6:
        cuts[0] = 6
        cuts = sorted(cuts)
    sim = attn_impl == "old_mask_type" and draw(st.booleans())
    return PresetSpec(attn_impl, mode, n, tile_n, [c / 100 for c in cuts], sim)


@given(presets())
def test_valid_presets_have_no_errors(spec: PresetSpec) -> None:
    errors = [d for d in check_text(spec.render()) if d.is_error]
    assert errors == []


MUTATIONS = [
    # (line prefix, replacement, code expected on that line)
    ("        n: ", lambda line: line.replace("n: ", 'n: "') + '"', "PSA102"),
    ("        tile_n: ", lambda line: "        tile_n: 48", "PSA301"),
    ("      mask_mode: ", lambda line: line.replace("mask_mode: t", "mask_mode: T"), "PSA104"),
    ("      use_sim_mask: ", lambda line: "      use_sim_mask: yes", "PSA003"),
    ("      warmup_steps: ", lambda line: "      warmup_steps: -2", "PSA105"),
    ("        2: [", lambda line: line.replace("2: [", "3: ["), "PSA201"),
    ("        4: [", lambda line: line.replace("4: [", "4: [1.5, ").split(",")[0] + ", 0.5]", "PSA202"),
    ("      mask_mode: ", lambda line: line + "\n      mask_mode: topk", "PSA002"),
    ("      warmup_steps: ", lambda line: line + "\n      warmup_step: 3", "PSA101"),
]


@given(presets(), st.sampled_from(MUTATIONS))
def test_each_single_mutation_is_reported_at_the_mutated_line(spec: PresetSpec, mutation: tuple) -> None:
    prefix, change, code = mutation
    lines = spec.render().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[index] = change(lines[index])
    mutated = "\n".join(lines) + "\n"
    last_line_of_change = index + 1 + lines[index].count("\n")
    found = {(d.code, d.line) for d in check_text(mutated)}
    assert (code, last_line_of_change) in found or (code, index + 1) in found, found


@given(presets(), st.integers(1, 4), st.integers(1, 9))
def test_a_broken_chain_is_reported_at_the_level_that_breaks_it(spec: PresetSpec, position: int, delta: int) -> None:
    lines = spec.render().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("      mask_ratios:")) + 1 + position
    level, rest = lines[index].split(": [")
    start, end = (float(x) for x in rest.rstrip("]").split(", "))
    new_start = min(start + delta / 1000, end)
    assume(new_start != start)
    lines[index] = f"{level}: [{new_start:.3f}, {end:.2f}]"
    found = {(d.code, d.line) for d in check_text("\n".join(lines) + "\n")}
    assert ("PSA203", index + 1) in found, found


yaml_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=20,
)


def assert_well_formed(diagnostics: list[Diagnostic], text: str) -> None:
    """Each diagnostic points inside the text and carries a registered rule's code and name, in order."""
    lines = text.splitlines() or [""]
    for d in diagnostics:
        assert 1 <= d.line <= len(lines) + 1, (d, len(lines))
        if d.line <= len(lines):
            assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1])
        assert RULE_NAMES.get(d.code) == d.name, d
    assert diagnostics == sorted(diagnostics, key=lambda d: d.sort_key)


@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n\t 01.e,?%@`<=")), max_size=200))
def test_arbitrary_text_gives_located_diagnostics_and_no_exception(text: str) -> None:
    assert_well_formed(check_text(text), text)


@given(yaml_like)
def test_arbitrary_structures_give_located_errors(data: object) -> None:
    """No generated key can be `attention_configs` or `default_attention` (at most 6 characters), so
    every such file misses a required key or has a section of the wrong type: at least one error."""
    text = yaml.safe_dump({"M": data})
    diagnostics = check_text(text)
    assert_well_formed(diagnostics, text)
    assert any(d.is_error for d in diagnostics), text
