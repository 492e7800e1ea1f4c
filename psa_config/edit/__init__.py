"""Edit ``attention_config.yaml`` like a careful human: splice the original text, never re-dump it.

Untouched bytes stay byte-identical (comments, blank lines, key order, quotes,
anchors, CRLF, a missing final newline); changed numbers keep their
neighbours' style (``0.50`` -> ``0.55``); strings any YAML reader could take
for something else are quoted.

Public API::

    from psa_config.edit import Document, save, unified_diff, typed_value, EditError

    doc = Document.from_text(text, path)             # immutable; doc.text is the text
    doc = doc.set_value(model, preset, "block_size.n", 64)
    doc = doc.set_value(model, preset, "mask_ratios.8", [0.6, 0.8])
    doc = doc.set_value(model, preset, "mask_ratios", {1: [0, .1], 2: [.1, .2], 4: [.2, .3], 8: [.3, .4], 0: [.4, 1]})
    doc = doc.set_model_value(model, "text_length", 226)
    doc = doc.remove_value(model, preset, "verbose")
    doc = doc.add_preset(model, name, from_preset=None)  # template, or a copy (comments kept)
    doc = doc.duplicate_preset(model, source, name)      # copy placed right after source
    doc = doc.remove_preset(model, name)
    doc = doc.rename_preset(model, old, new)             # default_attention follows
    doc = doc.set_default(model, preset)
    doc = doc.add_model(name, template=None)             # template: a model name to copy
    doc = doc.remove_model(name); doc = doc.rename_model(old, new)
    doc.changed_lines   # 1-based line ranges (of doc.text) the last operation wrote
    doc.regions         # (old_start, old_end, new_start, new_end) spans changed since from_text
    doc.notes           # messages about the last operation (e.g. "edited the anchor &bs ...")
    doc.models(), doc.presets(model), doc.default_preset(model)
    doc.position(model, preset=None, key=None) -> (line, column)   # 1-based

    typed_value("preset", "block_size.n", "64") -> 64    # CLI/TUI text -> typed value (EditError if bad)
    validate(doc, original_text) -> SaveResult           # diagnostics + errors the edit introduced
    save(doc, path, original_text=text, force=False, break_links=False) -> SaveResult
        # locked, re-verified before the rename, owner/mode kept; raises RefusedError (new errors),
        # FileChangedError (file changed on disk), WriteError (read-only, hard links, permissions)
    read_text(path) -> str                               # exact text (CRLF kept); UnreadableInputError
    unified_diff(old_text, new_text, path, regions=doc.regions) -> str   # only the changed lines are compared

Every operation is verified by re-reading the edited text with the runtime's reader (the value,
types included) before the new document is returned; a key written twice in
a mapping the edit goes through raises ``DuplicateKeyError``.

Values reached through an alias or a ``<<`` merge are shared: editing them
raises ``SharedValueError`` unless the document was made with
``Document.from_text(text, path, edit_anchor=True)``, which edits the anchor's
definition and says so in ``notes``. Every error is an ``EditError``
(a ``PsaConfigError``); ``MalformedYamlError`` carries ``line``/``column``.
"""

from __future__ import annotations

from psa_config.edit.diff import unified_diff
from psa_config.edit.document import Document
from psa_config.edit.errors import (
    DuplicateKeyError,
    EditError,
    FileChangedError,
    MalformedYamlError,
    RefusedError,
    SharedValueError,
)
from psa_config.edit.values import parse_value, typed_value
from psa_config.edit.writing import SaveResult, WriteError, read_text, save, validate

__all__ = [
    "Document",
    "DuplicateKeyError",
    "EditError",
    "FileChangedError",
    "MalformedYamlError",
    "RefusedError",
    "SaveResult",
    "SharedValueError",
    "parse_value",
    "read_text",
    "save",
    "typed_value",
    "unified_diff",
    "validate",
    "WriteError",
]
