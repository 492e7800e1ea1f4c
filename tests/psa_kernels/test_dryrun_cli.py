"""``psa-config dry-run`` end to end on the CPU, at small sizes, through ``psa_config.cli.main``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import torch

from psa_config.cli import main
from psa_kernels.data import random_qkv, save_qkv

PUBLISHED = str(Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml")
SMALL = ["--device", "cpu", "--video", "128x128x9"]  # 8 x 8 x 3 = 192 video tokens

_NUMBER = {"type": "number"}
_OPT_NUMBER = {"type": ["number", "null"]}
_LEVELS = {"type": "object", "required": ["1", "2", "4", "8", "0"], "additionalProperties": _NUMBER}
PRESET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "type", "density", "sparsity", "expected_density", "levels", "times_ms",
                 "speedup", "error", "peak_memory_bytes", "warnings", "backend", "settings"],
    "properties": {
        "type": {"enum": ["psa", "dense"]},
        "density": {"type": "number", "minimum": 0, "maximum": 1},
        "expected_density": _OPT_NUMBER,
        "levels": _LEVELS,
        "times_ms": {
            "type": "object",
            "required": ["estimate", "mask", "kernel", "total", "dense"],
            "additionalProperties": _OPT_NUMBER,
        },
        "error": {
            "type": ["object", "null"],
            "required": ["dense_rel_l2", "dense_cosine", "reference_rel_l2", "reference_blocks"],
        },
        "peak_memory_bytes": {"type": "integer", "minimum": 0},
        "warnings": {
            "type": "array",
            "items": {"type": "object", "required": ["code", "message"], "additionalProperties": {"type": "string"}},
        },
    },
}  # fmt: skip
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["config", "model", "device", "dtype", "data", "seed", "repeat", "timer", "memory", "video",
                 "grid", "text_length", "seq_len", "shape", "reduced", "dense", "presets", "notes"],
    "properties": {
        "device": {"enum": ["cpu", "cuda"]},
        "grid": {"type": "object", "required": ["width", "height", "depth", "tokens"]},
        "seq_len": {"type": "integer", "minimum": 1},
        "reduced": {"type": ["object", "null"]},
        "dense": {"type": "object", "required": ["time_ms", "peak_memory_bytes"]},
        "presets": {"type": "array", "minItems": 1, "items": PRESET_SCHEMA},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main(["dry-run", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    return report


def run_error(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["dry-run", *argv])
    out, err = capsys.readouterr()
    assert out == ""
    return code, err


def test_json_report_of_a_topk_preset(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, PUBLISHED, "--model", "Wan2.1_1.3b", "--preset", "psa_topk", *SMALL)
    assert report["grid"] == {"width": 8, "height": 8, "depth": 3, "tokens": 192}
    assert report["seq_len"] == 192 and report["shape"]["heads"] == 2 and report["shape"]["head_dim"] == 128
    assert report["reduced"]["requested_heads"] == 12 and "--device cpu" in report["reduced"]["reason"]
    assert report["timer"] == "cpu-wall-clock" and report["dtype"] == "fp32"
    [preset] = report["presets"]
    levels = preset["levels"]
    assert sum(levels.values()) == pytest.approx(1.0)
    flops = sum(share / int(level) for level, share in levels.items() if level != "0")
    assert preset["density"] == pytest.approx(flops)
    assert preset["expected_density"] == pytest.approx(0.05 + 0.05 / 2 + 0.05 / 4 + 0.1 / 8)
    assert preset["settings"]["block_n"] == 32 and preset["backend"] == "reference"
    times = preset["times_ms"]
    assert times["total"] == pytest.approx(times["estimate"] + times["mask"] + times["kernel"])
    error = preset["error"]
    assert 0 < error["dense_rel_l2"] < 2 and -1 <= error["dense_cosine"] <= 1
    assert error["reference_rel_l2"] is None and "reference" in error["reference_note"]
    assert any(w["code"] == "PSA401" for w in preset["warnings"])  # the checker's n=32 warning, located


def test_all_presets_with_local_data_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, PUBLISHED, "--model", "CogVideo_5b", "--all", "--data", "local", *SMALL)
    assert report["seq_len"] == 192 + 226 and report["data"] == "local"
    presets = {p["name"]: p for p in report["presets"]}
    assert set(presets) == {"baseline", "psa_balanced", "psa_4steps"}
    dense = presets["baseline"]
    assert dense["density"] == 1.0 and dense["error"] is None
    assert dense["times_ms"]["estimate"] is None and dense["times_ms"]["kernel"] == report["dense"]["time_ms"]
    # use_rearrange: false keeps CogVideoX's text first, where old_mask_type does not look for it
    assert presets["psa_4steps"]["settings"]["text_position"] == "start"
    for name in ("psa_balanced", "psa_4steps"):
        assert 0 < presets[name]["density"] < 1


def test_local_data_makes_thresholdbound_sparser_than_random(capsys: pytest.CaptureFixture[str]) -> None:
    args = [PUBLISHED, "--model", "Wan2.1_14b", "--device", "cpu", "--video", "256x256x9", "--head-dim", "64"]
    flat = run_json(capsys, *args)["presets"][0]
    local = run_json(capsys, *args, "--data", "local")["presets"][0]
    assert flat["expected_density"] is None
    assert local["density"] < flat["density"]


def test_human_report_is_plain_text_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dry-run", PUBLISHED, "--model", "Wan2.1_1.3b", "--preset", "psa_topk", *SMALL]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "\x1b[" not in out
    for text in ("REDUCED SIZE", "token grid 8 x 8 x 3", "seq 192", "FLOP density", "level 8 (pooled 8x)",
                 "estimate", "kernel", "error vs dense", "peak memory", "warning [PSA401]"):  # fmt: skip
        assert text in out, text
    # a CPU run times the reference: no speedup row, and one line says what the run can and cannot show
    assert not [line for line in out.splitlines() if "speedup" in line and not line.startswith("note: CPU run:")]
    [cpu_line] = [line for line in out.splitlines() if line.startswith("note: CPU run:")]
    assert "density" in cpu_line and "error" in cpu_line and "say nothing about GPU speed" in cpu_line
    # off a terminal nothing is wrapped: every sentence stays on its line, however long
    reduced = next(line for line in out.splitlines() if line.startswith("REDUCED SIZE"))
    assert reduced.endswith("ran the size below.") and len(reduced) > 100


def test_one_head_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dry-run", PUBLISHED, "--model", "Wan2.1_1.3b", "--preset", "psa_topk", *SMALL, "--batch", "2",
                 "--heads", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 head, batch 2" in out


def test_captured_tensors_of_another_length_warn_for_gilbert(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "captured.safetensors"
    save_qkv(path, random_qkv(1, 3, 200, 64, dtype=torch.float16, seed=1))
    report = run_json(
        capsys, PUBLISHED, "--model", "Wan2.1_1.3b", "--preset", "psa_topk", "--qkv", str(path), *SMALL
    )
    assert report["seq_len"] == 200 and report["shape"]["heads"] == 2 and report["data"].startswith("qkv:")
    [gilbert] = [w for w in report["presets"][0]["warnings"] if w["code"] == "gilbert-length"]
    assert "200" in gilbert["message"] and "192" in gilbert["message"]


STA_CONFIG = """\
Tiny:
  default_attention: sta
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    sta:
      type: psa
      use_sim_mask: false
      block_size: {m: 64, n: 64, tile_n: 32}
      mask_ratios: {1: [0.0, 0.3], 2: [0.3, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
      mask_mode: topk
      attn_impl: new_mask_type
      use_rearrange: true
      rearrange_method: STA
      tile_size: [2, 8, 8]
"""


def test_sta_tile_that_does_not_divide_the_grid_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "attention_config.yaml"
    config.write_text(STA_CONFIG)
    report = run_json(capsys, str(config), "--model", "Tiny", "--device", "cpu", "--video", "256x128x9")
    [sta] = [w for w in report["presets"][0]["warnings"] if w["code"] == "sta-tile"]
    assert "depth 3 % 2 = 1" in sta["message"]
    ok = run_json(capsys, str(config), "--model", "Tiny", "--device", "cpu", "--video", "256x128x5")
    assert not [w for w in ok["presets"][0]["warnings"] if w["code"] == "sta-tile"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--model", "Wan2.1_13b"], "unknown model 'Wan2.1_13b'; did you mean 'Wan2.1_1.3b'?"),
        (["--model", "Wan"], "(models: Wan2.1_14b, Wan2.1_1.3b, Wan2.2_A14B, Wan2.2_5B, CogVideo1.5_5b, CogVideo_5b)"),
        (["--model", "Wan2.1_1.3b", "--preset", "psa_topK"], "did you mean 'psa_topk'?"),
        (["--model", "Wan2.1_1.3b", "--video", "832x480"], "expected WIDTHxHEIGHTxFRAMES"),
        (["--model", "Wan2.1_1.3b", "--video", "128x128x9", "--repeat", "0"], "--repeat 0"),
        (["--model", "Wan2.1_1.3b", "--qkv", "x.pt", "--data", "local"], "exclusive"),
        (["--model", "Wan2.1_1.3b", "--qkv", "x.pt", "--heads", "4"], "--heads: the --qkv file's tensors fix"),
        (["--model", "Wan2.1_1.3b", "--qkv", "absent.pt", "--device", "cpu"], "no such file"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, err = run_error(capsys, PUBLISHED, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_qkv_file_with_missing_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "qk.pt"
    torch.save({"q": torch.randn(1, 1, 8, 8), "k": torch.randn(1, 1, 8, 8)}, path)
    code, err = run_error(capsys, PUBLISHED, "--model", "Wan2.1_1.3b", "--qkv", str(path), "--device", "cpu")
    assert code == 2 and "missing v" in err and err.count("\n") == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_requested_without_cuda(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_error(capsys, PUBLISHED, "--model", "Wan2.1_1.3b", "--device", "cuda")
    assert code == 2 and "no CUDA device" in err


def test_config_with_errors_prints_them_located_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(STA_CONFIG.replace("mask_mode: topk", "mask_mode: topK"))
    code, err = run_error(capsys, str(config), "--model", "Tiny")
    assert code == 1
    assert f"{config}:11:18: error PSA104" in err and "mask_mode" in err


def test_missing_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = run_error(capsys, str(tmp_path / "nope.yaml"), "--model", "Tiny")
    assert code == 2 and "no such file" in err


def test_without_torch_the_user_is_told_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail as if not installed
    code, err = run_error(capsys, PUBLISHED, "--model", "Wan2.1_1.3b")
    assert code == 2 and "pip install 'psa-config[kernels]'" in err and err.count("\n") == 1


def test_the_command_module_imports_no_torch() -> None:
    script = "import sys, psa_config.cli as c; c.build_parser(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
