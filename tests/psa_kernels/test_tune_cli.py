"""``psa-config tune`` on the CPU: CogVideo_5b at a reduced size, written, re-measured by dry-run; resuming."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("optuna")

import psa_config  # noqa: E402
from psa_config.cli import main  # noqa: E402

CONFIG = Path(__file__).parents[2] / "configs" / "attention_config.yaml"
MODEL, VIDEO, HEADS, BUDGET = "CogVideo_5b", "256x192x9", "1", 0.3
"""A 16 x 12 x 3 grid plus 226 text tokens: 802 tokens, one head."""
SMALL_RUN = ["--data", "local", "--video", VIDEO, "--heads", HEADS, "--samples", "1", "--n", "64,128", "--device", "cpu"]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "attention_config.yaml"
    shutil.copy(CONFIG, path)
    return path


def tune(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["tune", *args, "--json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def test_written_preset_checks_clean_and_dry_run_measures_it_within_budget(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = psa_config.check(config)
    code, report = tune(capsys, str(config), "--model", MODEL, "--max-error", str(BUDGET), "--trials", "4",
                        *SMALL_RUN, "--write", "psa_tuned")
    assert code == 0
    chosen = report["chosen"]
    assert report["written"] == "psa_tuned" and chosen["worst_error"] <= BUDGET
    after = psa_config.check(config)
    assert not any(d.is_error for d in after)
    assert [d for d in after if d.preset == "psa_tuned" and d.code not in {d.code for d in before}] == []
    text = config.read_text(encoding="utf-8")
    assert f"# psa-config tune: 1 sample(s) of local data (802 tokens) on CPU, trial {chosen['trial']}" in text

    assert main(["dry-run", str(config), "--model", MODEL, "--preset", "psa_tuned", "--data", "local",
                 "--video", VIDEO, "--heads", HEADS, "--device", "cpu", "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)["presets"][0]
    assert measured["error"]["dense_rel_l2"] <= BUDGET
    assert measured["density"] == pytest.approx(chosen["density"])
    assert measured["error"]["dense_rel_l2"] == pytest.approx(chosen["worst_error"])


def test_dry_run_prints_the_diff_and_leaves_the_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = config.read_bytes()
    code, report = tune(capsys, str(config), "--model", MODEL, "--max-error", "0.5", "--trials", "1",
                        "--mode", "topk", "--n", "128", "--data", "local", "--video", VIDEO, "--heads", HEADS, "--samples", "1",
                        "--write", "psa_tuned", "--dry-run", "--plot", str(config.parent / "pareto.png"))
    assert code == 0
    assert config.read_bytes() == original
    assert (config.parent / "pareto.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "+    psa_tuned:" in report["diff"] and "+      mask_mode: topk" in report["diff"]


def test_a_sqlite_study_resumes(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storage = f"sqlite:///{tmp_path / 'tune.db'}"

    def study_args(trials: int, metric: str = "rel-l2") -> list[str]:
        return [str(config), "--model", MODEL, "--max-error", "1.0", "--trials", str(trials), "--metric", metric,
                *SMALL_RUN, "--storage", storage, "--study", "resume-test"]

    code, first = tune(capsys, *study_args(1))
    assert code == 0 and first["trials"]["total"] == 1 and first["chosen"]["trial"] == 0
    code, second = tune(capsys, *study_args(1))
    assert second["trials"] == {**second["trials"], "this_run": 1, "total": 2, "measured": 2}
    assert {p["trial"] for p in second["pareto"]} <= {0, 1}
    code, report_only = tune(capsys, *study_args(0))
    assert report_only["trials"]["total"] == 2 and report_only["pareto"] == second["pareto"]
    assert main(["tune", *study_args(1, metric="cosine")]) == 2
    assert "another metric" in capsys.readouterr().err


def test_no_preset_within_budget_exits_1(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = tune(capsys, str(config), "--model", MODEL, "--max-error", "1e-9", "--trials", "1", *SMALL_RUN,
                        "--write", "psa_tuned")
    assert code == 1 and report["chosen"] is None and report["written"] is None
    assert "psa_tuned" not in config.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--write", "baseline"], "already has a preset"),
        (["--n", "48"], "n in 32, 64, 128"),
        (["--from", "nope"], "no psa preset"),
        (["--dry-run"], "give --write"),
        (["--objective", "speed", "--device", "cpu"], "needs CUDA"),
        (["--plot", "/no/such/folder/p.png"], "no such folder"),
    ],
)
def test_bad_options_are_one_line_errors(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["tune", str(config), "--model", MODEL, "--max-error", "0.3", "--trials", "1", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("extra", ["optuna", "plotext", "matplotlib"])
def test_a_missing_extra_is_named_before_any_work(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, extra, None)
    assert main(["tune", str(config), "--model", MODEL, "--max-error", "0.3", "--trials", "1", *SMALL_RUN]) == 2
    assert "pip install 'psa-config[kernels,tune]'" in capsys.readouterr().err


def test_two_processes_share_one_sqlite_study(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the README's "Several workers, one study" runs: concurrent tunes on one storage add up."""
    import subprocess

    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    args = [str(config), "--model", MODEL, "--max-error", "1.0", *SMALL_RUN, "--storage", storage, "--study", "shared"]
    tune(capsys, *args, "--trials", "0")  # creates the study first, as a coordinator would
    workers = [
        subprocess.Popen([sys.executable, "-m", "psa_config.cli", "tune", *args, "--trials", "2", "--json-file",
                          str(tmp_path / f"worker{i}.json")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    failures = [(w.returncode, err) for w in workers for _, err in [w.communicate(timeout=600)] if w.returncode != 0]
    assert failures == []
    code, report = tune(capsys, *args, "--trials", "0")
    assert code == 0 and report["trials"]["total"] == 4 and report["trials"]["measured"] == 4
    own = [json.loads((tmp_path / f"worker{i}.json").read_text(encoding="utf-8"))["trials"]["this_run"] for i in range(2)]
    assert own == [2, 2]
