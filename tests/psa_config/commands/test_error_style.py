"""One error style for every command: ``psa-config <command>: error: <message>``, one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from psa_config.cli import main

REFERENCE = str(Path(__file__).resolve().parents[3] / "configs" / "attention_config.yaml")


@pytest.mark.parametrize(
    ("argv", "command", "says"),
    [
        (["check", "{tmp}/absent.yaml"], "check", "no such file"),
        (["check", "{tmp}"], "check", "is a directory"),
        (["check"], "check", "psa-config init"),
        (["dry-run", "{tmp}", "--model", "Wan"], "dry-run", "is a directory"),
        (["dry-run", REFERENCE, "--model", "Wan"], "dry-run", "(models: Wan2.1_14b, Wan2.1_1.3b, Wan2.2_A14B"),
        (["tui", "{tmp}/absent.yaml"], "tui", "no such file"),
        (["rules", "PSA999"], "rules", "unknown rule"),
        (["set", "{tmp}/absent.yaml", "M", "p", "verbose=true"], "set", "no such file"),
        (["model", "rm", "{tmp}/absent.yaml", "M"], "model rm", "no such file"),
        (["schema", "-o", "{tmp}/no/such/folder/schema.json"], "schema", "cannot write"),
        (["init", "{tmp}"], "init", "is a directory"),
    ],
)
def test_every_command_errors_the_same_way(
    argv: list[str], command: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main([arg.format(tmp=tmp_path) for arg in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"psa-config {command}: error: "), err
    assert says in err and err.count("\n") == 1, err


@pytest.mark.parametrize("argv", [["check"], ["dry-run", "--model", "Wan2.1_14b"], ["set", "--", "M", "p", "verbose=true"]])
def test_a_fifo_is_refused_at_once_by_every_reading_command(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    import os

    fifo = tmp_path / "attention_config.yaml"
    os.mkfifo(fifo)
    position = argv.index("--") if "--" in argv else len(argv) if argv[0] == "check" else 1
    args = [a for a in argv if a != "--"]
    args.insert(position, str(fifo))
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "not a regular file (a FIFO)" in err and err.count("\n") == 1, err
