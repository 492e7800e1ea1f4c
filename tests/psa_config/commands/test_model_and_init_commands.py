"""``psa-config init`` and ``psa-config model new/set/rm/rename``: from nothing to a clean file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import psa_config
from psa_config.cli import main
from psa_config.commands.starter import STARTER

REFERENCE = Path(__file__).resolve().parents[3] / "configs" / "attention_config.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_init_then_model_new_preset_set_builds_a_clean_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "project" / "attention_config.yaml")
    assert run(capsys, "init", path)[0] == 0
    assert psa_config.check(path) == []
    assert run(capsys, "model", "new", path, "CogVideoX_2b", "--video-scale", "8,8,4", "--text-length", "226")[0] == 0
    assert run(capsys, "new", path, "CogVideoX_2b", "psa_fast")[0] == 0
    assert run(capsys, "set", path, "CogVideoX_2b", "psa_fast", "attn_impl=old_mask_type", "use_sim_mask=true",
               "block_size.n=128", "mask_mode=thresholdbound", "sim_thresholds.x2=0.7", "sim_thresholds.x4=0.65",
               "sim_thresholds.x8=0.6")[0] == 0
    assert run(capsys, "model", "set", path, "CogVideoX_2b", "default_attention=psa_fast")[0] == 0
    assert psa_config.check(path) == []
    model = psa_config.load(path).model("CogVideoX_2b")
    assert (model.video_scale.width_divisor, model.video_scale.height_divisor, model.video_scale.depth_divisor) == (8, 8, 4)
    assert model.text_length == 226 and model.default_attention == "psa_fast"
    assert set(model.attention_configs) == {"baseline", "psa_fast"}
    assert Path(path).read_text().startswith(STARTER)  # the starter's text and comments are untouched


def test_init_is_commented_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "attention_config.yaml"
    assert run(capsys, "init", str(path))[0] == 0
    text = path.read_text()
    data = yaml.safe_load(text)
    [model] = data.values()
    presets = model["attention_configs"]
    assert sorted(p["type"] for p in presets.values()) == ["dense", "psa"]
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 10
    path.write_text("mine\n")
    code, err = run(capsys, "init", str(path))
    assert code == 2 and path.read_text() == "mine\n"
    assert err.startswith("psa-config init: error: ") and "already exists" in err and err.count("\n") == 1


def test_init_defaults_to_the_file_check_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init")[0] == 0
    assert main(["check"]) == 0


def test_model_rm_and_rename(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text(REFERENCE.read_text())
    assert run(capsys, "model", "rename", str(path), "Wan2.2_5B", "Wan2.2_5B_fast")[0] == 0
    assert "Wan2.2_5B_fast" in yaml.safe_load(path.read_text())
    before = path.read_text()
    assert run(capsys, "model", "rm", str(path), "CogVideo_5b")[0] == 0
    expected = yaml.safe_load(before)
    del expected["CogVideo_5b"]
    assert yaml.safe_load(path.read_text()) == expected


def test_model_new_from_a_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text(REFERENCE.read_text())
    assert run(capsys, "model", "new", str(path), "Wan2.1_1.3b_480p", "--from", "Wan2.1_1.3b")[0] == 0
    config = psa_config.load(str(path))
    assert config.model("Wan2.1_1.3b_480p").attention_configs.keys() == config.model("Wan2.1_1.3b").attention_configs.keys()


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["model", "new", "{f}", "Wan2.1_14b"], 2, "psa-config model new: error: "),
        (["model", "set", "{f}", "Nope", "text_length=3"], 2, "psa-config model set: error: "),
        (["model", "set", "{f}", "Wan2.1_14b", "text_length=-3"], None, "psa-config model set: "),
        (["model", "set", "{f}", "Wan2.1_14b", "default_attention=nope"], 2, "psa-config model set: error: "),
        (["model", "rm", "{f}", "Nope"], 2, "psa-config model rm: error: "),
        (["model", "rename", "{f}", "Wan2.1_14b", "Wan2.2_5B"], 2, "psa-config model rename: error: "),
    ],
)
def test_refused_model_edits_are_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int | None, message: str
) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text(REFERENCE.read_text())
    got, err = run(capsys, *[a.format(f=path) for a in argv])
    assert got != 0 and (code is None or got == code), err
    assert message in err and "Traceback" not in err
    assert path.read_text() == REFERENCE.read_text()


def test_model_new_bad_video_scale_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["model", "new", str(tmp_path / "x.yaml"), "Wan_x", "--video-scale", "16,16"])
    assert exit_info.value.code == 2
    assert "psa-config model new: error: argument --video-scale: '16,16'" in capsys.readouterr().err
