"""Errors the edit engine raises. All derive from :class:`EditError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psa_config.errors import PsaConfigError

if TYPE_CHECKING:
    from psa_config.diagnostics import Diagnostic


class EditError(PsaConfigError):
    """An edit cannot be made as asked (missing preset, bad value, ...). CLI exit 2."""


class MalformedYamlError(EditError):
    """The text is not YAML the engine can locate nodes in. CLI exit 1."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.line = line
        self.column = column
        super().__init__(f"line {line}, column {column}: {message}")


class SharedValueError(EditError):
    """The value is shared through an anchor/alias or merge key; editing it here would break or
    silently change the sharing. Pass ``edit_anchor=True`` (CLI ``--edit-anchor``) to edit the
    anchor's definition instead."""


class DuplicateKeyError(EditError):
    """A key the edit touches is written more than once in its mapping (the runtime reads the last)."""

    def __init__(self, name: str, lines: list[int]) -> None:
        self.name = name
        self.lines = lines
        others = ", ".join(str(n) for n in lines[:-1])
        super().__init__(
            f"the runtime reads the last `{name}`, at line {lines[-1]} (also written at line {others}); "
            "remove the duplicate first"
        )


class FileChangedError(EditError):
    """The file on disk is not the text the document was read from."""


class RefusedError(EditError):
    """The edited text has errors the original did not have; nothing was written. CLI exit 1."""

    def __init__(self, path: str, new_errors: list[Diagnostic]) -> None:
        self.path = path
        self.new_errors = new_errors
        first = new_errors[0]
        super().__init__(
            f"refusing to write {path}: the edit introduces {len(new_errors)} error(s); first: "
            f"{first.line}:{first.column}: {first.code} {first.message} (use --force to write anyway)"
        )
