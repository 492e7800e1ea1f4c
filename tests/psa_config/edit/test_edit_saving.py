"""Saving cannot lose a concurrent write, keeps what the file system knows, and leaves no temp file
(issue 10, cases 1, 3 and 8). Races are made deterministic with ``save``'s step hook."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import threading
from pathlib import Path

import pytest

from edit_corpus import CORPUS_DIR
from owner_fakes import pretend_owner
from psa_config.cli import main
from psa_config.edit import Document, FileChangedError, read_text, save, writing
from psa_config.edit.writing import Interrupted, WriteError, is_temp_file

MODEL = "Wan2.1_14b"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "attention_config.yaml"
    target.write_bytes((CORPUS_DIR / "comments.yaml").read_bytes())
    target.chmod(0o640)
    return target


def edited(config: Path) -> tuple[Document, str]:
    text = read_text(config)
    return Document.from_text(text, str(config)).set_value(MODEL, "psa_topk", "warmup_steps", 3), text


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temp_file(p.name))


# ---- case 1: a write landing while saving is never lost ------------------------------------------


@pytest.mark.parametrize("step", ["locked", "temp-written"])
def test_a_write_during_the_save_is_kept_and_the_save_refused(config: Path, step: str) -> None:
    doc, text = edited(config)

    def other_writer(name: str) -> None:
        if name == step:
            with open(config, "ab") as handle:
                handle.write(b"# written by someone else\n")

    with pytest.raises(FileChangedError):
        save(doc, config, original_text=text, on_step=other_writer)
    assert read_text(config) == text + "# written by someone else\n"
    assert leftovers(config.parent) == []


def test_a_file_replaced_during_the_save_is_kept(config: Path) -> None:
    doc, text = edited(config)

    def replace_it(name: str) -> None:
        if name == "temp-written":
            other = config.with_name("other.yaml")
            other.write_text(text)  # same text, a new inode: someone else's save
            os.replace(other, config)

    with pytest.raises(FileChangedError):
        save(doc, config, original_text=text, on_step=replace_it)
    assert read_text(config) == text


def test_two_savers_serialise_on_the_lock(config: Path) -> None:
    doc, text = edited(config)
    waiting = threading.Event()
    outcome: list[BaseException | None] = []
    holder = os.open(config, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another psa-config holds the lock

    def run() -> None:
        try:
            save(doc, config, original_text=text)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    original_lock = writing._lock

    def announce(handle: int, target: Path) -> None:
        waiting.set()
        original_lock(handle, target)

    writing._lock = announce  # type: ignore[assignment]
    try:
        thread = threading.Thread(target=run)
        thread.start()
        assert waiting.wait(10)
        with open(config, "ab") as handle:  # the lock holder writes, then lets go
            handle.write(b"# theirs\n")
        os.close(holder)
        thread.join(20)
    finally:
        writing._lock = original_lock  # type: ignore[assignment]
    assert isinstance(outcome[0], FileChangedError)
    assert read_text(config).endswith("# theirs\n")


def test_the_folder_is_fsynced_after_the_rename(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc, text = edited(config)
    order: list[str] = []
    monkeypatch.setattr(writing.os, "replace", lambda a, b: (order.append("rename"), os.rename(a, b)))
    monkeypatch.setattr(writing, "_fsync_dir", lambda folder: order.append(f"fsync {folder.name}"))
    save(doc, config, original_text=text)
    assert order == ["rename", f"fsync {config.parent.name}"]


# ---- case 8: temp files --------------------------------------------------------------------------


def test_a_signal_mid_write_removes_the_temp_file(config: Path) -> None:
    doc, text = edited(config)

    def terminate(name: str) -> None:
        if name == "temp-written":
            assert leftovers(config.parent)  # the temp file exists now
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Interrupted):
        save(doc, config, original_text=text, on_step=terminate)
    assert leftovers(config.parent) == [] and read_text(config) == text
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


def test_stale_temp_files_are_recognisable_and_cleared(config: Path) -> None:
    dead = config.parent / f".{config.name}.psa-config-edit-999999999-abcd.tmp"
    dead.write_text("half a file")
    alive = config.parent / f".{config.name}.psa-config-edit-{os.getpid()}-beef.tmp"
    alive.write_text("another save in progress")
    assert is_temp_file(dead.name) and not is_temp_file(config.name)
    assert not dead.name.endswith((".yaml", ".yml"))  # pre-commit's and check's file patterns skip it
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert not dead.exists() and alive.exists()


# ---- case 3: owner, group, mode, links, read-only ------------------------------------------------


def test_mode_owner_and_group_are_kept(config: Path) -> None:
    if os.geteuid() != 0:  # pragma: no cover - CI runs as root; the mocked path is tested below
        pytest.skip("giving a file another owner needs root")
    os.chown(config, 1234, 5678)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    status = config.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (1234, 5678, 0o640)
    assert "warmup_steps: 3" in read_text(config)


def test_the_new_file_is_given_the_old_owner(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    pretend_owner(monkeypatch, config, 1234, 5678)
    monkeypatch.setattr(writing.os, "fchown", lambda fd, uid, gid: calls.append((uid, gid)))
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert calls == [(1234, 5678)]


def test_an_owner_that_cannot_be_kept_is_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_right(fd: int, uid: int, gid: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    pretend_owner(monkeypatch, config, os.geteuid() + 1234, os.getegid() + 5678)
    monkeypatch.setattr(writing.os, "fchown", no_right)
    doc, text = edited(config)
    with pytest.raises(WriteError, match="belongs to user"):
        save(doc, config, original_text=text)
    assert read_text(config) == text and leftovers(config.parent) == []


def test_hard_links_are_refused_unless_broken_on_purpose(config: Path) -> None:
    twin = config.with_name("twin.yaml")
    os.link(config, twin)
    doc, text = edited(config)
    with pytest.raises(WriteError, match="2 hard links"):
        save(doc, config, original_text=text)
    assert read_text(config) == text == read_text(twin)
    save(doc, config, original_text=text, break_links=True)
    assert read_text(twin) == text and read_text(config) == doc.text


def test_a_read_only_file_needs_force_and_stays_read_only(config: Path) -> None:
    config.chmod(0o444)
    doc, text = edited(config)
    with pytest.raises(WriteError, match="read-only"):
        save(doc, config, original_text=text)
    assert read_text(config) == text
    assert save(doc, config, original_text=text, force=True).written
    assert stat.S_IMODE(config.stat().st_mode) == 0o444 and read_text(config) == doc.text


def test_a_folder_that_cannot_be_written_gives_a_one_line_error(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_open = os.open

    def no_create(path: str, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:  # what a read-only folder does, even to root on some mounts
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(writing.os, "open", no_create)
    before = config.read_bytes()
    assert main(["set", str(config), MODEL, "psa_topk", "warmup_steps=3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write in" in err and "Traceback" not in err
    assert config.read_bytes() == before
