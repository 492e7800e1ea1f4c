"""``writing``'s promises, each pinned exactly: what is compared, what is written, every refusal's
message, the lock's wait, the owner/mode/signal handling and the temp-file clean-up."""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading
import types
from pathlib import Path

import pytest

from edit_corpus import CORPUS_DIR, read
from owner_fakes import pretend_owner
from psa_config.diagnostics import Diagnostic, Severity
from psa_config.edit import Document, FileChangedError, RefusedError, read_text, save, validate, writing
from psa_config.edit.writing import SaveResult, WriteError

MODEL = "Wan2.1_14b"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "c.yaml"
    target.write_bytes((CORPUS_DIR / "comments.yaml").read_bytes())
    target.chmod(0o640)
    return target


def edited(config: Path, shown: str | None = None) -> tuple[Document, str]:
    text = read_text(config)
    return Document.from_text(text, shown or str(config)).set_value(MODEL, "psa_topk", "warmup_steps", 3), text


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if writing.is_temp_file(p.name))


# ---- reading and comparing -----------------------------------------------------------------------


def test_read_text_keeps_the_byte_order_mark_and_line_breaks() -> None:
    bom = CORPUS_DIR / "bom.yaml"
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_text(bom) == bom.read_bytes().decode("utf-8") and read_text(bom).startswith("\ufeff")
    crlf = CORPUS_DIR / "crlf.yaml"
    assert read_text(crlf) == crlf.read_bytes().decode("utf-8") and "\r\n" in read_text(crlf)


def test_validate_reports_the_warnings_an_edit_adds(config: Path) -> None:
    text = read_text(config)
    slow = Document.from_text(text, "c.yaml").set_value(MODEL, "psa_topk", "warmup_steps", 60)
    result = validate(slow, text)
    assert [d.code for d in result.new_warnings] == ["PSA409"] and result.new_errors == []
    slower = Document.from_text(slow.text, "c.yaml").set_value(MODEL, "psa_topk", "warmup_steps", 70)
    assert [d.code for d in validate(slower, slow.text).diagnostics] == ["PSA409"]
    assert validate(slower, slow.text).new_warnings == []  # the file had it already


def test_validate_checks_the_edited_text_under_the_documents_path(config: Path) -> None:
    text = read_text(config)
    bad = Document.from_text(text, "shown/c.yaml").set_value(MODEL, "psa_topk", "block_size.n", 48)
    result = validate(bad, text)
    expected = Diagnostic(
        "shown/c.yaml", bad.position(MODEL, "psa_topk", "block_size.n")[0], 12, Severity.ERROR, "PSA104",
        "invalid-value", "`n` must be one of `16`, `32`, `64`, `128`, `256`, not `48`", MODEL, "psa_topk", "block_size.n",
    )
    assert result == SaveResult(False, [expected], [expected])
    unchanged = Document.from_text(bad.text, "shown/c.yaml")
    assert validate(unchanged, bad.text) == SaveResult(False, [expected], [])  # an unchanged text adds nothing
    clean = Document.from_text(text, "shown/c.yaml").set_value(MODEL, "psa_topk", "warmup_steps", 3)
    assert validate(clean, text) == SaveResult(False, [], [])


def test_a_refused_save_names_the_path_as_given(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    text = read_text(config)
    bad = Document.from_text(text, "c.yaml").set_value(MODEL, "psa_topk", "block_size.n", 48)
    with pytest.raises(RefusedError) as info:
        save(bad, "c.yaml", original_text=text)
    assert info.value.path == "c.yaml" and [d.code for d in info.value.new_errors] == ["PSA104"]
    forced = save(bad, "c.yaml", original_text=text, force=True)
    assert forced.written and forced.new_errors == info.value.new_errors and forced.diagnostics == info.value.new_errors
    assert read_text(config) == bad.text


# ---- what save writes ----------------------------------------------------------------------------


def test_save_writes_exactly_the_documents_text(config: Path) -> None:
    doc, text = edited(config)
    assert save(doc, config, original_text=text) == SaveResult(True, [], [])
    assert config.read_bytes() == doc.text.encode("utf-8") and doc.text != text


def test_an_unchanged_text_is_not_written(config: Path) -> None:
    text = read_text(config)
    os.utime(config, ns=(1_000_000_000, 1_000_000_000))
    inode = config.stat().st_ino
    calls: list[str] = []
    result = save(Document.from_text(text, str(config)), config, original_text=text, on_step=calls.append)
    assert result == SaveResult(False, [], [])
    assert calls == ["locked"] and config.stat().st_mtime_ns == 1_000_000_000 and config.stat().st_ino == inode


def test_the_steps_are_announced_in_order(config: Path) -> None:
    doc, text = edited(config)
    calls: list[str] = []
    save(doc, config, original_text=text, on_step=calls.append)
    assert calls == ["locked", "temp-written", "verified"]


def test_a_short_writing_system_call_still_writes_everything(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    sizes: list[int] = []

    def write_seven(fd: int, data: bytes | memoryview) -> int:
        sizes.append(len(data))
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(writing.os, "write", write_seven)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert config.read_bytes() == doc.text.encode("utf-8")
    total = len(doc.text.encode("utf-8"))
    assert sizes == list(range(total, 0, -7))


def test_the_temp_file_is_fsynced_before_the_rename(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        order.append("fsync " + ("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else os.fstat(fd).st_size.__str__()))
        real_fsync(fd)

    monkeypatch.setattr(writing.os, "fsync", fsync)
    monkeypatch.setattr(writing.os, "replace", lambda a, b: (order.append("rename"), real_replace(a, b)))
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert order == [f"fsync {len(doc.text.encode('utf-8'))}", "rename", "fsync dir"]


def test_the_temp_file_is_hidden_beside_the_target(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bytes, int]] = []
    real_replace = os.replace

    def replace(a: str | Path, b: str | Path) -> None:
        seen.append((str(a), Path(a).read_bytes(), stat.S_IMODE(os.stat(a).st_mode)))
        real_replace(a, b)

    monkeypatch.setattr(writing.os, "replace", replace)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    [(name, data, mode)] = seen
    assert Path(name).parent == config.parent and data == doc.text.encode("utf-8") and mode == 0o640
    assert Path(name).name.startswith(f".c.yaml.psa-config-edit-{os.getpid()}-") and name.endswith(".tmp")
    assert writing.is_temp_file(name) and temp_files(config.parent) == []


# ---- refusals ------------------------------------------------------------------------------------


def test_a_file_changed_since_it_was_read_is_named_as_given(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    doc, text = edited(config, "c.yaml")
    config.write_text(text + "# more\n")
    with pytest.raises(FileChangedError) as info:
        save(doc, "c.yaml", original_text=text)
    assert str(info.value) == "c.yaml changed on disk since it was read; reload it and edit again"


def test_a_file_removed_while_locked_is_refused(config: Path) -> None:
    doc, text = edited(config)
    with pytest.raises(FileChangedError) as info:
        save(doc, config, original_text=text, on_step=lambda name: config.unlink() if name == "locked" else None)
    assert str(info.value) == f"{config} was removed since it was read; nothing was written"
    assert not config.exists() and temp_files(config.parent) == []


def test_a_missing_file_is_refused(config: Path) -> None:
    doc, text = edited(config)
    config.unlink()
    with pytest.raises(FileChangedError) as info:
        save(doc, config, original_text=text)
    assert str(info.value) == f"{config} no longer exists; nothing was written"


def test_a_file_that_cannot_be_opened_is_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: str, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", path)

    doc, text = edited(config)
    monkeypatch.setattr(writing.os, "open", denied)
    with pytest.raises(WriteError) as info:
        save(doc, config, original_text=text)
    assert str(info.value) == f"{config}: permission denied; nothing was written"


def test_a_file_changed_while_saving_is_refused(config: Path) -> None:
    doc, text = edited(config)

    def touch(name: str) -> None:
        if name == "temp-written":
            os.utime(config, ns=(5, 5))  # same bytes, another mtime

    with pytest.raises(FileChangedError) as info:
        save(doc, config, original_text=text, on_step=touch)
    assert str(info.value) == f"{config} changed on disk while saving; nothing was written"
    assert read_text(config) == text and temp_files(config.parent) == []


def test_a_file_removed_while_saving_is_refused(config: Path) -> None:
    doc, text = edited(config)
    with pytest.raises(FileChangedError, match="changed on disk while saving"):
        save(doc, config, original_text=text, on_step=lambda name: config.unlink() if name == "temp-written" else None)
    assert list(config.parent.iterdir()) == []


def test_three_hard_links_are_counted_in_the_refusal(config: Path) -> None:
    os.link(config, config.with_name("b.yaml"))
    os.link(config, config.with_name("c2.yaml"))
    doc, text = edited(config)
    with pytest.raises(WriteError) as info:
        save(doc, config, original_text=text, force=True)
    assert str(info.value) == (
        f"{config} has 3 hard links; writing it would split them (the other names would keep the old text). "
        "Nothing was written; --break-links writes anyway"
    )


def test_the_read_only_refusal_shows_the_mode(config: Path) -> None:
    config.chmod(0o444)
    doc, text = edited(config)
    with pytest.raises(WriteError) as info:
        save(doc, config, original_text=text, break_links=True)
    assert str(info.value) == (
        f"{config} is read-only (mode 0444); nothing was written; --force writes it anyway, keeping its mode"
    )


@pytest.mark.parametrize("mode", [0o200, 0o020, 0o002])
def test_any_write_bit_makes_a_file_writable(config: Path, mode: int) -> None:
    config.chmod(mode)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written
    assert stat.S_IMODE(config.stat().st_mode) == mode and config.read_bytes() == doc.text.encode("utf-8")


def test_a_file_this_process_may_not_write_is_read_only(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    def no_access(path: str | Path, how: int) -> bool:
        calls.append((str(path), how))
        return False

    monkeypatch.setattr(writing.os, "access", no_access)
    doc, text = edited(config)
    with pytest.raises(WriteError, match=r"is read-only \(mode 0640\)"):
        save(doc, config, original_text=text)
    assert calls == [(str(config), os.W_OK)]
    assert save(doc, config, original_text=text, force=True).written


# ---- the lock ------------------------------------------------------------------------------------


class FakeEvent:
    waited: list[float] = []

    def wait(self, timeout: float) -> bool:
        FakeEvent.waited.append(timeout)
        return False


def test_a_held_lock_is_retried_then_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.SimpleNamespace(Event=FakeEvent, current_thread=threading.current_thread, main_thread=threading.main_thread)
    monkeypatch.setattr(writing, "threading", fake)
    monkeypatch.setattr(writing, "LOCK_WAIT_SECONDS", 0.5)
    FakeEvent.waited = []
    holder = os.open(config, os.O_RDONLY)
    writing.fcntl.flock(holder, writing.fcntl.LOCK_EX)
    try:
        doc, text = edited(config)
        with pytest.raises(WriteError) as info:
            save(doc, config, original_text=text)
    finally:
        os.close(holder)
    assert str(info.value) == f"{config} is being written by another psa-config; try again"
    assert set(FakeEvent.waited) == {0.05} and 10 <= len(FakeEvent.waited) <= 11  # 0.5 s in steps of 0.05 s
    assert read_text(config) == text


@pytest.mark.parametrize(("seconds", "waits"), [(0, 0), (0.1, 2)])
def test_the_lock_waits_exactly_its_seconds(config: Path, monkeypatch: pytest.MonkeyPatch, seconds: float, waits: int) -> None:
    fake = types.SimpleNamespace(Event=FakeEvent, current_thread=threading.current_thread, main_thread=threading.main_thread)
    monkeypatch.setattr(writing, "threading", fake)
    monkeypatch.setattr(writing, "LOCK_WAIT_SECONDS", seconds)
    FakeEvent.waited = []
    holder = os.open(config, os.O_RDONLY)
    writing.fcntl.flock(holder, writing.fcntl.LOCK_EX)
    try:
        doc, text = edited(config)
        with pytest.raises(WriteError, match="being written by another psa-config"):
            save(doc, config, original_text=text)
    finally:
        os.close(holder)
    assert FakeEvent.waited == [0.05] * waits  # 0.1 - 0.05 - 0.05 is exactly 0.0


def test_a_lock_released_while_waiting_is_taken(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = os.open(config, os.O_RDONLY)
    writing.fcntl.flock(holder, writing.fcntl.LOCK_EX)

    class Release:
        def wait(self, timeout: float) -> bool:
            os.close(holder)  # the other process finishes
            return False

    fake = types.SimpleNamespace(Event=Release, current_thread=threading.current_thread, main_thread=threading.main_thread)
    monkeypatch.setattr(writing, "threading", fake)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS])
def test_a_file_system_without_locks_still_saves(config: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(writing.fcntl, "flock", no_locks)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written and read_text(config) == doc.text


def test_other_lock_failures_are_raised(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fd: int, operation: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(writing.fcntl, "flock", broken)
    doc, text = edited(config)
    with pytest.raises(OSError) as info:
        save(doc, config, original_text=text)
    assert info.value.errno == errno.EIO and read_text(config) == text


def test_the_lock_is_exclusive_and_non_blocking(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    operations: list[int] = []
    real_flock = writing.fcntl.flock
    monkeypatch.setattr(writing.fcntl, "flock", lambda fd, op: (operations.append(op), real_flock(fd, op)))
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert operations == [writing.fcntl.LOCK_EX | writing.fcntl.LOCK_NB]


# ---- owner and group -----------------------------------------------------------------------------


def test_the_same_owner_needs_no_chown(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int, int]] = []
    monkeypatch.setattr(writing.os, "fchown", lambda fd, uid, gid: calls.append((uid, gid)))
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert calls == []


def test_another_group_is_kept_by_a_member(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the owner's right to give the group, but a member's: the group alone is changed."""
    uid = os.geteuid()
    pretend_owner(monkeypatch, config, uid, 4321)
    calls: list[tuple[int, int]] = []

    handles: list[object] = []

    def fchown(fd: int, user: int, group: int) -> None:
        calls.append((user, group))
        handles.append(fd)
        if user != -1:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(writing.os, "fchown", fchown)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written
    assert calls == [(uid, 4321), (-1, 4321)]
    assert len(handles) == 2 and handles[0] == handles[1] and isinstance(handles[0], int)  # the temp file's handle


def refuse_every_chown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """``os.fchown`` refused as for a user without the right; returns the (user, group) asked for."""
    calls: list[tuple[int, int]] = []

    def fchown(fd: int, user: int, group: int) -> None:
        calls.append((user, group))
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(writing.os, "fchown", fchown)
    return calls


def test_a_group_that_cannot_be_kept_does_not_stop_the_owner(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_owner(monkeypatch, config, os.geteuid(), 4321)
    calls = refuse_every_chown(monkeypatch)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written and calls == [(os.geteuid(), 4321), (-1, 4321)]


def test_an_owner_that_cannot_be_given_is_refused_exactly(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = os.geteuid() + 1234
    pretend_owner(monkeypatch, config, other, os.getegid())
    calls = refuse_every_chown(monkeypatch)
    doc, text = edited(config)
    with pytest.raises(WriteError) as info:
        save(doc, config, original_text=text)
    assert str(info.value) == (
        f"{config} belongs to user {other}; a rewritten file would belong to user {os.geteuid()}, "
        "and only its owner or root may keep the owner. Nothing was written"
    )
    assert calls == [(other, os.getegid()), (-1, os.getegid())]
    assert read_text(config) == text and temp_files(config.parent) == []


def test_the_owner_is_given_for_real(config: Path) -> None:
    if os.geteuid() != 0:  # pragma: no cover - CI runs as root
        pytest.skip("needs root")
    os.chown(config, 4242, 4343)
    config.chmod(0o604)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    status = config.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (4242, 4343, 0o604)


# ---- signals and temp files ----------------------------------------------------------------------


def test_sighup_is_turned_into_an_exception_and_handlers_are_put_back(config: Path) -> None:
    def mine(number: int, frame: object) -> None:
        raise AssertionError("the save's handler should run")

    previous = signal.signal(signal.SIGHUP, mine)
    try:
        doc, text = edited(config)

        def hang_up(name: str) -> None:
            if name == "temp-written":
                os.kill(os.getpid(), signal.SIGHUP)

        with pytest.raises(writing.Interrupted) as info:
            save(doc, config, original_text=text, on_step=hang_up)
        assert str(info.value) == f"signal {int(signal.SIGHUP)}"
        assert signal.getsignal(signal.SIGHUP) is mine and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        assert read_text(config) == text and temp_files(config.parent) == []
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_handlers_are_put_back_after_a_normal_save(config: Path) -> None:
    def mine(number: int, frame: object) -> None:  # pragma: no cover - never called
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        doc, text = edited(config)
        save(doc, config, original_text=text)
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_saving_from_another_thread_leaves_signals_alone(config: Path) -> None:
    doc, text = edited(config)
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(_save_or_error(doc, config, text)))
    thread.start()
    thread.join(30)
    assert outcome == [SaveResult(True, [], [])] and read_text(config) == doc.text


def _save_or_error(doc: Document, config: Path, text: str) -> object:
    try:
        return save(doc, config, original_text=text)
    except Exception as exc:  # noqa: BLE001 - handed to the test thread
        return exc


def test_only_this_files_dead_temp_files_are_removed(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = config.parent
    dead = folder / ".c.yaml.psa-config-edit-999999991-ab.tmp"
    other_file = folder / ".d.yaml.psa-config-edit-999999991-ab.tmp"
    not_ours = folder / ".c.yaml.psa-config-edit-999999991-xyz.tmp"  # not hex: someone else's name
    guarded = folder / ".c.yaml.psa-config-edit-999999992-cd.tmp"
    for path in (dead, other_file, not_ours, guarded):
        path.write_text("x")
    real_kill = os.kill

    def kill(pid: int, sig: int) -> None:
        if pid == 999999992:
            raise PermissionError(1, "Operation not permitted")  # alive, but another user's
        real_kill(pid, sig)

    monkeypatch.setattr(writing.os, "kill", kill)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["c.yaml", other_file.name, not_ours.name, guarded.name])


def test_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    assert writing._alive(os.getpid())
    assert not writing._alive(999999993)
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(writing.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    assert writing._alive(1234) and sent == [(1234, 0)]  # signal 0: a question, not a signal


def test_is_temp_file_reads_the_base_name() -> None:
    assert writing.is_temp_file("/x/y/.c.yaml.psa-config-edit-12-0af.tmp")
    assert not writing.is_temp_file(".c.yaml.psa-config-edit-12-0af.tmp/c.yaml")
    assert not writing.is_temp_file(".c.yaml.psa-config-edit-x-0af.tmp")
    assert not writing.is_temp_file("c.yaml.psa-config-edit-12-0af.tmp")
    assert not writing.is_temp_file(".c.yaml.psa-config-edit-12-0af.tmp.yaml")


def test_fsync_dir_survives_what_it_cannot_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writing._fsync_dir(tmp_path / "missing")  # cannot open: nothing to do
    closed: list[int] = []
    real_close = os.close

    def fail(fd: int) -> None:
        raise OSError(errno.EINVAL, "no fsync here")

    monkeypatch.setattr(writing.os, "fsync", fail)
    monkeypatch.setattr(writing.os, "close", lambda fd: (closed.append(fd), real_close(fd)))
    writing._fsync_dir(tmp_path)
    assert len(closed) == 1


def test_the_temp_file_is_created_private(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[int] = []
    real_open = os.open

    def open_(path: str, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:
            assert flags & os.O_EXCL and flags & os.O_WRONLY
            created.append(mode)
        return real_open(path, flags, mode)

    monkeypatch.setattr(writing.os, "open", open_)
    doc, text = edited(config)
    save(doc, config, original_text=text)
    assert created == [0o600]  # nobody else can open it before its mode is set


def test_read_all_reads_past_the_first_chunk(tmp_path: Path) -> None:
    data = bytes(range(256)) * (3 * 4096 + 7)  # about 3 MiB: several reads
    path = tmp_path / "big"
    path.write_bytes(data)
    handle = os.open(path, os.O_RDONLY)
    try:
        os.read(handle, 10)
        assert writing._read_all(handle) == data  # from the start, whatever was read before
    finally:
        os.close(handle)


def test_an_unreadable_folder_does_not_stop_the_save(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_listing(path: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(writing.os, "scandir", no_listing)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written


def test_a_stale_temp_that_cannot_be_removed_does_not_stop_the_save(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = config.parent / ".c.yaml.psa-config-edit-999999994-ab.tmp"
    stale.write_text("x")
    real_unlink = os.unlink

    def unlink(path: str | Path) -> None:
        if Path(path).name == stale.name:
            raise PermissionError(13, "Permission denied")
        real_unlink(path)

    monkeypatch.setattr(writing.os, "unlink", unlink)
    doc, text = edited(config)
    assert save(doc, config, original_text=text).written and stale.exists()
