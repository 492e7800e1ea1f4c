"""``psa-config set/new/rm/rename/default`` end to end through ``cli.main``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from psa_config.cli import main

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "psa_config" / "edit" / "corpus"
MODEL = "Wan2.1_14b"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "attention_config.yaml"
    shutil.copy(CORPUS / "comments.yaml", target)
    return target


def presets(path: Path) -> dict:
    return yaml.safe_load(path.read_bytes())[MODEL]["attention_configs"]


def test_set_writes_typed_values(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["set", str(config), MODEL, "psa_topk", "block_size.n=64", "mask_ratios.8=0.15,0.4",
                 "mask_ratios.0=0.4,1", "use_rearrange=false", "tile_size=2,8,8"])
    assert code == 0
    preset = presets(config)["psa_topk"]
    assert preset["block_size"]["n"] == 64 and preset["mask_ratios"][8] == [0.15, 0.4]
    assert preset["use_rearrange"] is False and preset["tile_size"] == [2, 8, 8]
    assert "wrote" in capsys.readouterr().err


def test_dry_run_prints_diff_and_writes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = config.read_bytes()
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=5", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "-      warmup_steps: 0\n+      warmup_steps: 5\n" in out and out.startswith("--- a/")
    assert config.read_bytes() == before


def test_new_errors_are_refused_with_exit_1(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = config.read_bytes()
    assert main(["set", str(config), MODEL, "psa_topk", "block_size.n=48"]) == 1
    err = capsys.readouterr().err
    assert "not written" in err and ":49:" in err  # located diagnostic of the edited text
    assert config.read_bytes() == before
    assert main(["set", str(config), MODEL, "psa_topk", "block_size.n=48", "--dry-run"]) == 1
    assert main(["set", str(config), MODEL, "psa_topk", "block_size.n=48", "--force"]) == 0
    assert presets(config)["psa_topk"]["block_size"]["n"] == 48


def test_nothing_to_do_exits_0(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = config.read_bytes()
    assert main(["set", str(config), MODEL, "psa_topk", "block_size.n=128"]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert config.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["set", "{f}", MODEL, "nope", "verbose=true"], "no preset 'nope'"),
        (["set", "{f}", "Nope", "psa_topk", "verbose=true"], "no model 'Nope'"),
        (["set", "{f}", MODEL, "psa_topk", "verbose=maybe"], "true or false"),
        (["set", "{f}", MODEL, "psa_topk", "verbose"], "KEY=VALUE"),
        (["rm", "{f}", MODEL, "psa_balanced"], "default_attention"),
        (["rename", "{f}", MODEL, "psa_topk", "baseline"], "already exists"),
        (["new", "{f}", MODEL, "x", "--from", "missing"], "no preset 'missing'"),
        (["set", "{f}.missing", MODEL, "psa_topk", "verbose=true"], "no such file"),
    ],
)
def test_usage_errors_exit_2(config: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = config.read_bytes()
    assert main([a.replace("{f}", str(config)) for a in argv]) == 2
    assert message in capsys.readouterr().err
    assert config.read_bytes() == before


def test_new_rm_rename_default(config: Path) -> None:
    assert main(["new", str(config), MODEL, "psa_fast"]) == 0
    assert main(["new", str(config), MODEL, "psa_copy", "--from", "psa_topk"]) == 0
    assert presets(config)["psa_copy"] == presets(config)["psa_topk"]
    assert main(["rename", str(config), MODEL, "psa_balanced", "psa_main"]) == 0
    assert yaml.safe_load(config.read_text())[MODEL]["default_attention"] == "psa_main"
    assert main(["default", str(config), MODEL, "psa_fast"]) == 0
    assert main(["rm", str(config), MODEL, "psa_main"]) == 0
    assert list(presets(config)) == ["baseline", "psa_topk", "psa_fast", "psa_copy"]
    assert main(["check", str(config)]) == 0


def test_shared_values_need_edit_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a.yaml"
    shutil.copy(CORPUS / "anchors.yaml", target)
    assert main(["set", str(target), MODEL, "psa_alias", "block_size.n=64"]) == 2
    assert "--edit-anchor" in capsys.readouterr().err
    assert main(["set", str(target), MODEL, "psa_alias", "block_size.n=64", "--edit-anchor"]) == 0
    assert "edited the anchor &blocks" in capsys.readouterr().err
    assert presets(target)["psa_base"]["block_size"]["n"] == 64


def test_malformed_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "bad.yaml"
    target.write_text("a:\n  b: [1, 2\n  c: 3\n")
    assert main(["set", str(target), "a", "b", "verbose=true"]) == 1
    assert f"{target}:" in capsys.readouterr().err


def test_read_only_and_linked_files_need_their_flags(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.chmod(0o444)
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=3"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=3", "--force"]) == 0
    assert presets(config)["psa_topk"]["warmup_steps"] == 3 and config.stat().st_mode & 0o777 == 0o444
    config.chmod(0o644)
    twin = config.with_name("twin.yaml")
    twin.hardlink_to(config)
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=4"]) == 1
    assert "--break-links" in capsys.readouterr().err
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=4", "--break-links"]) == 0
    assert presets(twin)["psa_topk"]["warmup_steps"] == 3 and presets(config)["psa_topk"]["warmup_steps"] == 4


def test_summary_names_the_written_lines(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=5", "enable_logging=true"]) == 0
    err = capsys.readouterr().err
    assert "(lines 59, 62)" in err


def test_a_write_reports_the_warnings_it_adds_and_only_those(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), MODEL, "psa_topk", "type=dense"]) == 0
    err = capsys.readouterr().err
    assert presets(config)["psa_topk"]["type"] == "dense"
    assert err.count("PSA411") == 1 and "PSA401" not in err and "PSA402" not in err
    assert "psa-config set: the edit added 1 warning(s)\npsa-config set: wrote " in err
    assert main(["set", str(config), MODEL, "psa_topk", "type=psa"]) == 0  # takes the warning away: nothing to say
    assert "warning" not in capsys.readouterr().err


def test_a_dry_run_reports_the_warnings_the_edit_would_add(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=60", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "PSA409" in err and "the edit would add 1 warning(s) (positions in the edited text)" in err


def test_renames_carry_diagnostics_over_instead_of_reporting_them(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = config.read_text(encoding="utf-8")
    start = text.index("    psa_topk:")
    end = text.index("      mask_mode:", start)
    config.write_text(text[:end] + text[end:].replace("      mask_mode: topk\n", "", 1), encoding="utf-8")
    assert main(["check", str(config)]) == 1  # PSA103: preset `psa_topk` is missing `mask_mode`
    capsys.readouterr()
    assert main(["rename", str(config), MODEL, "psa_topk", "psa_quota"]) == 0
    err = capsys.readouterr().err
    assert "not written" not in err and "warning(s)" not in err and "wrote" in err
    assert main(["model", "rename", str(config), MODEL, "Wan2.1_14b_copy"]) == 0
    err = capsys.readouterr().err
    assert "warning(s)" not in err and "error(s)" not in err and "wrote" in err
