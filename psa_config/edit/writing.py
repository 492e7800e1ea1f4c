"""Safe writes: validate first, refuse new errors, never overwrite a change made by someone else.

:func:`save` takes an advisory lock (``fcntl.flock``) on the target, so two
psa-config processes serialise; checks under the lock that the file still
holds the text the edit started from; writes and fsyncs a temp file in the
same folder with the target's mode, owner and group; checks the file again
(content hash, size, mtime_ns, inode) immediately before renaming the temp
file over it; and fsyncs the folder. The one window left is between that last
check and the rename (microseconds), for a writer that takes no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from psa_config.diagnostics import Diagnostic
from psa_config.edit.added import added, places_of
from psa_config.edit.document import Document
from psa_config.edit.errors import EditError, FileChangedError, RefusedError
from psa_config.files import read_text_file

TEMP_MARK = ".psa-config-edit-"
"""Temp files are named ``.<file>.psa-config-edit-<pid>-<random>.tmp``: hidden, never ``*.yaml``."""
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.psa-config-edit-(?P<pid>\d+)-[0-9a-f]+\.tmp")
LOCK_WAIT_SECONDS = 10.0

Step = Callable[[str], None]
"""Called between the steps of :func:`save` (``"locked"``, ``"temp-written"``, ``"verified"``): a test hook."""


class WriteError(EditError):
    """The file could not be written (permissions, read-only file, hard links, ...); nothing changed."""


@dataclass(frozen=True)
class SaveResult:
    """What :func:`save` did: whether it wrote, and the edited text's diagnostics."""

    written: bool
    diagnostics: list[Diagnostic]
    new_errors: list[Diagnostic]
    new_warnings: list[Diagnostic] = field(default_factory=list)
    """Warnings the edit adds (reported, never blocking: ``psa-config set`` prints them after writing)."""


@dataclass(frozen=True)
class Snapshot:
    """What the file on disk was when checked."""

    digest: str
    size: int
    mtime_ns: int
    inode: int
    device: int


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text exactly as stored (CRLF and a byte-order mark kept), or UnreadableInputError."""
    return read_text_file(path, keep_bom=True)


# ---- what the edit adds ------------------------------------------------------------------------


def validate(doc: Document, original_text: str) -> SaveResult:
    """Check the edited text; ``new_errors`` and ``new_warnings`` are those the original did not have."""
    from psa_config.checker import check_document_text

    edited, after = check_document_text(doc.text, doc.path)
    if doc.text == original_text or not after:
        return SaveResult(False, after, [])  # nothing reported: nothing can be new (the original is not checked)
    original, before = check_document_text(original_text, doc.path)
    places = {"before_places": places_of(original.data), "after_places": places_of(edited.data)}
    return SaveResult(False, after, added(before, after, errors=True, **places), added(before, after, errors=False, **places))


# ---- saving --------------------------------------------------------------------------------------


def save(
    doc: Document,
    path: str | os.PathLike[str],
    *,
    original_text: str,
    force: bool = False,
    break_links: bool = False,
    on_step: Step | None = None,
) -> SaveResult:
    """Write ``doc.text`` to ``path`` if it is safe; see the module docstring for how.

    Raises ``RefusedError`` when the edit adds errors (unless ``force``),
    ``FileChangedError`` when the file does not hold ``original_text`` (checked
    under the lock and again right before the rename), ``WriteError`` for a
    read-only file (unless ``force``), a hard-linked file (unless
    ``break_links``), an owner the new file could not be given, or a folder
    that cannot be written. Through a symlink, the link's target is replaced.
    Nothing is written when the text is unchanged.
    """
    result = validate(doc, original_text)
    if result.new_errors and not force:
        raise RefusedError(str(path), result.new_errors)
    target = Path(os.path.realpath(path))
    step = on_step or (lambda name: None)
    with _locked(target) as handle:
        step("locked")
        snapshot = _verify(handle, target, original_text, str(path))
        if doc.text == original_text:
            return result
        status = os.fstat(handle)
        _refuse_unsafe(status, target, str(path), force=force, break_links=break_links)
        _remove_stale_temps(target)
        _replace(target, doc.text.encode("utf-8"), status, snapshot, str(path), step)
    return SaveResult(True, result.diagnostics, result.new_errors, result.new_warnings)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[int]:
    """An open descriptor of ``target`` holding an exclusive advisory lock."""
    try:
        handle = os.open(target, os.O_RDONLY)
    except FileNotFoundError:
        raise FileChangedError(f"{target} no longer exists; nothing was written") from None
    except PermissionError:
        raise WriteError(f"{target}: permission denied; nothing was written") from None
    try:
        _lock(handle, target)
        yield handle
    finally:
        os.close(handle)  # closing releases the lock


def _lock(handle: int, target: Path) -> None:
    deadline = LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if deadline <= 0:
                raise WriteError(f"{target} is being written by another psa-config; try again") from None
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                return  # a file system without locks: the content checks still apply
            raise
        threading.Event().wait(0.05)
        deadline -= 0.05


def _verify(handle: int, target: Path, original_text: str, shown: str) -> Snapshot:
    """The file as it is now, if it still holds ``original_text`` and is the file ``handle`` opened."""
    status = os.fstat(handle)
    data = _read_all(handle)
    try:
        current = os.stat(target)
    except FileNotFoundError:
        raise FileChangedError(f"{shown} was removed since it was read; nothing was written") from None
    if (current.st_ino, current.st_dev) != (status.st_ino, status.st_dev) or data != original_text.encode("utf-8"):
        raise FileChangedError(f"{shown} changed on disk since it was read; reload it and edit again")
    return _snapshot(data, current)


def _read_all(handle: int) -> bytes:
    os.lseek(handle, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(handle, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse_unsafe(status: os.stat_result, target: Path, shown: str, *, force: bool, break_links: bool) -> None:
    if status.st_nlink > 1 and not break_links:
        raise WriteError(
            f"{shown} has {status.st_nlink} hard links; writing it would split them (the other names would keep "
            "the old text). Nothing was written; --break-links writes anyway"
        )
    writable = bool(status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(target, os.W_OK)
    if not writable and not force:
        raise WriteError(
            f"{shown} is read-only (mode {stat.S_IMODE(status.st_mode):04o}); nothing was written; "
            "--force writes it anyway, keeping its mode"
        )


def _replace(target: Path, data: bytes, status: os.stat_result, snapshot: Snapshot, shown: str, step: Step) -> None:
    """Write ``data`` to a temp file beside ``target`` and rename it over ``target``, if unchanged."""
    temp = target.parent / f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    with _signals_raise():
        try:
            _write_temp(temp, data, status, shown)
            step("temp-written")
            if _snapshot_of(target) != snapshot:
                raise FileChangedError(f"{shown} changed on disk while saving; nothing was written")
            step("verified")
            os.replace(temp, target)
        except PermissionError:
            raise WriteError(f"cannot write in {target.parent}: permission denied; nothing was written") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    _fsync_dir(target.parent)


def _write_temp(temp: Path, data: bytes, status: os.stat_result, shown: str) -> None:
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _give_owner(handle, status, shown)
        os.fchmod(handle, stat.S_IMODE(status.st_mode))
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)


def _give_owner(handle: int, status: os.stat_result, shown: str) -> None:
    """Give the temp file the target's owner and group, as far as this process may."""
    mine = os.fstat(handle)
    if (mine.st_uid, mine.st_gid) == (status.st_uid, status.st_gid):
        return
    try:
        os.fchown(handle, status.st_uid, status.st_gid)
        return
    except PermissionError:
        pass
    with contextlib.suppress(PermissionError):
        os.fchown(handle, -1, status.st_gid)  # a member of the group may keep the group
    if os.fstat(handle).st_uid != status.st_uid:
        raise WriteError(
            f"{shown} belongs to user {status.st_uid}; a rewritten file would belong to user {mine.st_uid}, "
            "and only its owner or root may keep the owner. Nothing was written"
        )


def _snapshot_of(target: Path) -> Snapshot | None:
    try:
        status = os.stat(target)
        data = target.read_bytes()
    except OSError:
        return None
    return _snapshot(data, status)


def _snapshot(data: bytes, status: os.stat_result) -> Snapshot:
    return Snapshot(hashlib.sha256(data).hexdigest(), status.st_size, status.st_mtime_ns, status.st_ino, status.st_dev)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into exceptions while the temp file exists, so it is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in (signal.SIGTERM, signal.SIGHUP):
        previous[number] = signal.signal(number, _raise_interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Interrupted(BaseException):
    """A termination signal arrived while saving; the temp file is removed, the target untouched."""


def _raise_interrupted(number: int, frame: object) -> None:
    raise Interrupted(f"signal {number}")


def _remove_stale_temps(target: Path) -> None:
    """Remove temp files of ``target`` left by psa-config processes that no longer run (SIGKILL)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            match = _TEMP_NAME.fullmatch(entry.name)
            if match and match["name"] == target.name and not _alive(int(match["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_temp_file(name: str) -> bool:
    """Whether ``name`` is a psa-config edit's temp file (``check`` and pre-commit skip them)."""
    return _TEMP_NAME.fullmatch(os.path.basename(name)) is not None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
