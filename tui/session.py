"""The editing session behind the app: the text, its history and the file on disk.

The app never touches YAML itself: it asks the session, and the session asks
the edit engine (:mod:`psa_config.edit`) for every change. Undo and redo are
stacks of whole texts, so they need nothing from the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psa_config.checker import check_document_text
from psa_config.diagnostics import Diagnostic
from psa_config.errors import UnreadableInputError
from psa_config.files import read_text_file
from psa_config.source_document import SourceDocument

if TYPE_CHECKING:
    from psa_config.edit import Document, SaveResult


@dataclass
class Session:
    """One open file: what was read, what is shown now, and how we got here."""

    path: Path
    saved_text: str
    text: str
    mtime_ns: int | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    undo_stack: list[str] = field(default_factory=list)
    redo_stack: list[str] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    """The engine's messages about the last edit (e.g. that an anchor was edited)."""
    readable: bool = True
    """False while the text is not a YAML mapping (malformed): nothing can be edited until it is fixed."""

    @classmethod
    def open(cls, path: str | Path) -> Session:
        """Read ``path`` exactly (CRLF kept); raises :class:`UnreadableInputError` with a clear message."""
        target = Path(path)
        text = read_text(target)
        session = cls(target, text, text, _mtime(target))
        session.refresh()
        return session

    # --- state -----------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def refresh(self) -> None:
        """Re-check the current text; keep the last readable data if it no longer parses."""
        source, self.diagnostics = check_document_text(self.text, str(self.path))
        parsed = readable_mapping(source)
        self.readable = parsed is not None
        if parsed is not None:
            self.data = parsed

    def replace(self, text: str) -> bool:
        """Make ``text`` the current text (one undo step). False if nothing changed."""
        if text == self.text:
            return False
        self.undo_stack.append(self.text)
        self.redo_stack.clear()
        self.text = text
        self.refresh()
        return True

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.redo_stack.append(self.text)
        self.text = self.undo_stack.pop()
        self.refresh()
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        self.undo_stack.append(self.text)
        self.text = self.redo_stack.pop()
        self.refresh()
        return True

    # --- structure -------------------------------------------------------

    def models(self) -> list[str]:
        return [str(name) for name in self.data]

    def section(self, model: str) -> dict[str, Any]:
        value = self.data.get(model)
        return value if isinstance(value, dict) else {}

    def presets(self, model: str) -> list[str]:
        configs = self.section(model).get("attention_configs")
        return [str(name) for name in configs] if isinstance(configs, dict) else []

    def preset(self, model: str, name: str) -> dict[str, Any]:
        configs = self.section(model).get("attention_configs")
        value = configs.get(name) if isinstance(configs, dict) else None
        return value if isinstance(value, dict) else {}

    def default_preset(self, model: str) -> str | None:
        value = self.section(model).get("default_attention")
        return value if isinstance(value, str) else None

    def diagnostics_for(self, model: str, preset: str | None = None) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.model == model and (preset is None or d.preset == preset)]

    # --- edits (all through the engine) ----------------------------------

    def edit(self, operation: Callable[[Document], Document], edit_anchor: bool = False) -> bool:
        """Apply one engine operation to the current text (one undo step).

        Raises the engine's :class:`EditError` (``SharedValueError`` when the
        value comes from an anchor and ``edit_anchor`` is false).
        """
        from psa_config.edit import Document

        document = operation(Document.from_text(self.text, str(self.path), edit_anchor=edit_anchor))
        self.notes = document.notes
        return self.replace(document.text)

    def set_value(self, model: str, preset: str, key: str, value: Any, edit_anchor: bool = False) -> bool:
        return self.edit(lambda doc: doc.set_value(model, preset, key, value), edit_anchor)

    def remove_value(self, model: str, preset: str, key: str, edit_anchor: bool = False) -> bool:
        """Delete a preset key: the runtime then uses its default."""
        return self.edit(lambda doc: doc.remove_value(model, preset, key), edit_anchor)

    def set_model_value(self, model: str, key: str, value: Any, edit_anchor: bool = False) -> bool:
        return self.edit(lambda doc: doc.set_model_value(model, key, value), edit_anchor)

    def new_model(self, name: str, template: str | None = None) -> bool:
        """A model with a dense baseline, or a copy of model ``template``."""
        return self.edit(lambda doc: doc.add_model(name, template))

    def remove_model(self, name: str) -> bool:
        return self.edit(lambda doc: doc.remove_model(name))

    def rename_model(self, old: str, new: str) -> bool:
        return self.edit(lambda doc: doc.rename_model(old, new))

    def new_preset(self, model: str, name: str) -> bool:
        return self.edit(lambda doc: doc.add_preset(model, name))

    def duplicate_preset(self, model: str, source: str, name: str) -> bool:
        return self.edit(lambda doc: doc.duplicate_preset(model, source, name))

    def remove_preset(self, model: str, name: str) -> bool:
        return self.edit(lambda doc: doc.remove_preset(model, name))

    def rename_preset(self, model: str, old: str, new: str) -> bool:
        return self.edit(lambda doc: doc.rename_preset(model, old, new))

    def set_default(self, model: str, name: str) -> bool:
        return self.edit(lambda doc: doc.set_default(model, name))

    # --- disk ------------------------------------------------------------

    def malformed(self) -> list[Diagnostic]:
        """The located errors that keep the text from being read (empty when it reads)."""
        return [] if self.readable else [d for d in self.diagnostics if d.is_error]

    def diff(self) -> str:
        """Unified diff from the saved text to the current one."""
        from psa_config.edit import unified_diff

        return unified_diff(self.saved_text, self.text, str(self.path))

    def changed_line_count(self) -> int:
        """Lines of the file the unsaved edits change: a replaced line counts once, not as - and +."""
        from psa_config.edit.diff import changed_lines

        before, after = changed_lines(self.saved_text, self.text)
        return sum(max(len(old), len(new)) for old, new in zip(before, after))

    def pending_check(self) -> SaveResult:
        """What saving would find: the errors (saving them needs force) and warnings the unsaved edits add."""
        from psa_config.edit import Document, validate

        return validate(Document.from_text(self.text, str(self.path)), self.saved_text)

    def changed_on_disk(self) -> bool:
        """True when the file no longer holds the text this session read or saved."""
        mtime = _mtime(self.path)
        if mtime == self.mtime_ns:
            return False
        try:
            same = read_text(self.path) == self.saved_text
        except UnreadableInputError:
            return True
        if same:
            self.mtime_ns = mtime
        return not same

    def save(self, force: bool = False) -> SaveResult:
        """Write through the engine: validated, atomic, refused if the file changed on disk.

        Raises ``RefusedError`` (new errors, unless ``force``) or ``FileChangedError``.
        """
        from psa_config.edit import Document, save

        document = Document.from_text(self.text, str(self.path))
        result = save(document, self.path, original_text=self.saved_text, force=force)
        self.saved_text = self.text
        self.mtime_ns = _mtime(self.path)
        return result

    def reload(self) -> None:
        """Throw away the current text and history; read the file again."""
        text = read_text(self.path)
        self.saved_text = self.text = text
        self.mtime_ns = _mtime(self.path)
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.refresh()


def read_text(path: Path) -> str:
    """The file's text exactly as stored (CRLF kept). The edit engine is imported on first edit."""
    return read_text_file(path, keep_bom=True)


def readable_mapping(source: SourceDocument) -> dict[str, Any] | None:
    """The file as the runtime reads it (the checker's own reading, not a second parse), or None when it is
    not a YAML mapping."""
    if source.data is None:
        empty = source.readable or any(d.name == "empty-document" for d in source.diagnostics)
        return {} if empty else None  # a file with no document yet (or `---`, `~`) is an empty mapping to fill
    return source.data if source.readable and isinstance(source.data, dict) else None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None
