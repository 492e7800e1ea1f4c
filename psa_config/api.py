"""Public entry points: load and check files or text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from psa_config.checker import check_document_text
from psa_config.diagnostics import Diagnostic, has_errors
from psa_config.errors import ConfigError
from psa_config.files import read_text_file

if TYPE_CHECKING:
    from psa_config.model import AttentionConfigFile


def check_text(text: str, path: str = "<string>") -> list[Diagnostic]:
    """Every diagnostic of ``text`` (errors, warnings), in (path, line, column) order."""
    return check_document_text(text, path)[1]


def check(path: str | Path) -> list[Diagnostic]:
    """Every diagnostic of the file at ``path``.

    Raises :class:`~psa_config.errors.UnreadableInputError` when the file cannot be read.
    """
    return check_text(read_text_file(path), str(path))


def load_text(text: str, path: str = "<string>") -> AttentionConfigFile:
    """The typed file; raises :class:`ConfigError` (carrying all diagnostics) if it has errors."""
    from psa_config.model import AttentionConfigFile

    source, diagnostics = check_document_text(text, path)
    if has_errors(diagnostics):
        raise ConfigError(path, diagnostics)
    return AttentionConfigFile.model_validate(source.data)


def load(path: str | Path) -> AttentionConfigFile:
    """The typed file at ``path``; raises :class:`ConfigError` if it has errors."""
    return load_text(read_text_file(path), str(path))
