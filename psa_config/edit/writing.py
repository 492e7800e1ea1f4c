"""Safe writes: validate first, refuse new errors, refuse if the file changed on disk, write atomically."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from psa_config.diagnostics import Diagnostic
from psa_config.edit.document import Document
from psa_config.edit.errors import FileChangedError, RefusedError
from psa_config.files import read_text_file


@dataclass(frozen=True)
class SaveResult:
    """What :func:`save` did: whether it wrote, and the edited text's diagnostics."""

    written: bool
    diagnostics: list[Diagnostic]
    new_errors: list[Diagnostic]


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text exactly as stored (CRLF and a byte-order mark kept), or UnreadableInputError."""
    return read_text_file(path, keep_bom=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _error_key(d: Diagnostic) -> tuple[str | None, ...]:
    """Identity of an error that survives line shifts and preset renames."""
    return (d.code, d.model, d.field, d.message)


def new_errors(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """Errors in ``after`` beyond those ``before`` had (counted per model, compared without positions)."""
    budget = Counter(_error_key(d) for d in before if d.is_error)
    fresh = []
    for diagnostic in after:
        if not diagnostic.is_error:
            continue
        key = _error_key(diagnostic)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            fresh.append(diagnostic)
    return fresh


def validate(doc: Document, original_text: str) -> SaveResult:
    """Check the edited text; ``new_errors`` are those the original did not have."""
    from psa_config import check_text

    after = check_text(doc.text, doc.path)
    fresh = new_errors(check_text(original_text, doc.path), after) if doc.text != original_text else []
    return SaveResult(False, after, fresh)


def save(doc: Document, path: str | os.PathLike[str], *, original_text: str, force: bool = False) -> SaveResult:
    """Write ``doc.text`` to ``path`` if it is safe.

    Refuses (``RefusedError``) when the edit introduces errors, unless ``force``;
    refuses (``FileChangedError``) when the file no longer holds ``original_text``.
    Writes a temp file in the same folder, fsyncs it, keeps the permissions and
    renames it over the target (through a symlink, the link's target is replaced).
    Nothing is written when the text is unchanged.
    """
    result = validate(doc, original_text)
    if result.new_errors and not force:
        raise RefusedError(str(path), result.new_errors)
    target = Path(os.path.realpath(path))
    if digest(read_text(target)) != digest(original_text):
        raise FileChangedError(f"{path} changed on disk since it was read; reload it and edit again")
    if doc.text == original_text:
        return result
    atomic_write(target, doc.text)
    return SaveResult(True, result.diagnostics, result.new_errors)


def atomic_write(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` (UTF-8, bytes as given) so readers see old or new, never half."""
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


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
