"""Public entry points: load and check files or text, and the runtime's parameters of a preset."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from psa_config.checker import check_document_text, check_source
from psa_config.diagnostics import Diagnostic, has_errors
from psa_config.errors import ConfigError
from psa_config.files import read_text_file
from psa_config.runtime import RuntimeLoadError
from psa_config.source import read_source

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
    """The typed file; raises :class:`ConfigError` (carrying all diagnostics) if it has errors.

    Errors silenced with ``# psa-config: ignore`` still stop a load when the
    typed model cannot hold the value: the ConfigError then carries them.
    """
    from pydantic import ValidationError

    from psa_config.model import AttentionConfigFile
    from psa_config.runtime import runtime_data

    source, diagnostics = check_document_text(text, path)
    if has_errors(diagnostics):
        raise ConfigError(path, diagnostics)
    try:
        config = AttentionConfigFile.model_validate(runtime_data(source.data))
    except ValidationError:
        raise ConfigError(path, check_source(source, suppress=False)) from None
    config.keep_raw(source.data)
    return config


def load(path: str | Path) -> AttentionConfigFile:
    """The typed file at ``path``; raises :class:`ConfigError` if it has errors."""
    return load_text(read_text_file(path), str(path))


def runtime_params_text(
    text: str, model: str, preset: str | None, video: tuple[int, int, int], path: str = "<string>"
) -> dict[str, Any]:
    """The ``params`` dict the published runtime builds for ``model``/``preset`` from ``text``.

    Works on files with errors, as the runtime does: it reads the data
    ``yaml.safe_load`` gives with ``dict.get``. ``preset=None`` takes the
    model's ``default_attention``. Raises
    :class:`~psa_config.runtime.RuntimeLoadError` where the runtime's loader
    fails (the file does not load, the model or preset is missing, ...).
    """
    from psa_config.runtime import runtime_params

    source = read_source(text, path)
    if not source.readable or not isinstance(source.data, dict):
        raise RuntimeLoadError("the runtime cannot load the file (yaml.safe_load fails or gives no mapping)")
    section = source.data.get(model)
    if section is None:
        raise RuntimeLoadError(f"the runtime finds no model `{model}` in the file")
    name = preset if preset is not None else section.get("default_attention") if isinstance(section, dict) else None
    if name is None:
        raise RuntimeLoadError(f"no preset named and model `{model}` has no default_attention")
    return runtime_params(section, name, video)


def runtime_params(path: str | Path, model: str, preset: str | None, video: tuple[int, int, int]) -> dict[str, Any]:
    """:func:`runtime_params_text` of the file at ``path``."""
    return runtime_params_text(read_text_file(path), model, preset, video, str(path))
