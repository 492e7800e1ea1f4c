"""An immutable document: the original text plus operations that return edited copies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from yaml.nodes import MappingNode, Node

from psa_config.edit import focus, locate, models, operations, templates, verify
from psa_config.edit.diff import Region, compose_regions
from psa_config.edit.formatting import Value
from psa_config.edit.setting import Context
from psa_config.edit.splice import Change, apply

Check = Callable[[Context, Change, str], None]


@dataclass(frozen=True)
class Document:
    """The text of an ``attention_config.yaml`` and how it got there.

    Every operation returns a new ``Document`` whose ``text`` differs from this
    one only where the edit had to write; ``changed_lines`` (1-based line
    ranges of the new text) and ``notes`` describe that last edit. Operations
    raise :class:`~psa_config.edit.errors.EditError` (or a subclass) with a
    message fit for the user.
    """

    text: str
    path: str = "<string>"
    changed_lines: tuple[range, ...] = ()
    notes: tuple[str, ...] = ()
    edit_anchor: bool = field(default=False, compare=False)
    """Edit an anchor's definition when a value is shared (else such edits raise SharedValueError)."""
    regions: tuple[Region, ...] = field(default=(), compare=False)
    """Where ``text`` differs from the text the document was made from (for diffs and summaries)."""

    @classmethod
    def from_text(cls, text: str, path: str = "<string>", *, edit_anchor: bool = False) -> Document:
        return cls(text, path, edit_anchor=edit_anchor)

    @cached_property
    def root(self) -> Node | None:
        """The composed node tree (raises MalformedYamlError for text that is not YAML)."""
        return locate.compose(self.text)

    @property
    def _ctx(self) -> Context:
        return Context(self.text, self.root, edit_anchor=self.edit_anchor)

    def _focused(self, model: str, preset: str) -> Context:
        """A context of only the lines an edit of ``preset`` needs, on big plain files."""
        if "root" not in self.__dict__:  # not composed whole yet
            root = focus.focused_root(self.text, model, preset)
            if root is not None:
                return Context(self.text, root, edit_anchor=self.edit_anchor)
        return self._ctx

    def _apply(
        self, make: Callable[[Context], Change], check: Check | None = None, ctx: Context | None = None
    ) -> Document:
        ctx = ctx or self._ctx
        change = make(ctx)
        text, lines = apply(self.text, change.splices)
        if check is not None and text != self.text:
            check(ctx, change, text)
        if text == self.text:
            return replace(self, changed_lines=(), notes=change.notes)
        regions = compose_regions(self.regions, change.splices)
        return Document(text, self.path, lines, change.notes, self.edit_anchor, regions)

    @property
    def changed(self) -> bool:
        """Whether the last operation changed the text."""
        return bool(self.changed_lines)

    # ---- reading --------------------------------------------------------------------------------

    def models(self) -> list[str]:
        return operations.model_names(self._ctx)

    def presets(self, model: str) -> list[str]:
        return operations.preset_names(self._ctx, model)

    def default_preset(self, model: str) -> str | None:
        return operations._default_value(self._ctx, model)

    def position(self, model: str, preset: str | None = None, key: str | None = None) -> tuple[int, int]:
        """1-based (line, column) of a model, a preset or a dotted key inside it (for jumping to it)."""
        path: tuple[str, ...] = (model,) if preset is None else (model, operations.CONFIGS, preset)
        if key:
            path += operations.split_key(key)
        entry = locate.lookup(self.root, path).last
        index = entry.key.start_mark.index
        return locate.line_of(self.text, index), locate.column_of(self.text, index) + 1

    # ---- editing --------------------------------------------------------------------------------

    def _field_check(self, model: str, preset: str, key: str, expected: object) -> Check:
        """Re-read the edited text: the field must hold ``expected`` (``verify.ABSENT``: be gone)."""

        def check(ctx: Context, change: Change, text: str) -> None:
            rel = operations.runtime_keys(operations.split_key(key))
            scope = operations.preset_entry(ctx, model, preset)
            path = (model, operations.CONFIGS, preset, *rel)
            verify.check_value(ctx.text, text, scope, change.splices, path, rel, expected)

        return check

    def _model_field_check(self, model: str, key: str, expected: object) -> Check:
        """Re-read the edited text: the model field must hold ``expected``."""

        def check(ctx: Context, change: Change, text: str) -> None:
            rel = operations.split_key(key)
            section = operations.model_entry(ctx, model).value
            scope = locate.find_entry(section, rel[0]) if isinstance(section, MappingNode) else None
            verify.check_value(ctx.text, text, scope, change.splices, (model, *rel), rel[1:], expected)

        return check

    def _copy_check(self, model: str, name: str, source: str | None) -> Check:
        """Re-read the edited text: preset ``name`` must hold ``source``'s value (or the template's)."""

        def check(ctx: Context, change: Change, text: str) -> None:
            if source is None:
                expected = templates.psa_preset()
            else:
                expected = verify.preset_value(ctx.text, ctx.root, model, source)
            verify.check_preset(text, model, name, expected)

        return check

    def set_value(self, model: str, preset: str, key: str, value: Value) -> Document:
        """Set a preset field; ``key`` is dotted: ``block_size.n``, ``mask_ratios.8``, ``mask_ratios``.

        ``value`` is a Python value: bool, int, float, str, a list (``[0.6, 0.8]``)
        or a dict (a whole ``mask_ratios`` mapping, in the order it should have).
        Missing keys are added after their siblings.
        """
        return self._apply(
            lambda c: operations.set_field(c, model, preset, key, value),
            self._field_check(model, preset, key, value),
            self._focused(model, preset),
        )

    def set_model_value(self, model: str, key: str, value: Value) -> Document:
        """Set a model-section field: ``text_length``, ``video_scale.width_divisor``, ..."""
        return self._apply(
            lambda c: operations.set_model_field(c, model, key, value), self._model_field_check(model, key, value)
        )

    def remove_value(self, model: str, preset: str, key: str) -> Document:
        """Delete a preset field (its lines); no change if it is absent."""
        return self._apply(
            lambda c: operations.remove_field(c, model, preset, key),
            self._field_check(model, preset, key, verify.ABSENT),
            self._focused(model, preset),
        )

    def add_preset(self, model: str, name: str, from_preset: str | None = None) -> Document:
        """Append a preset: a copy of ``from_preset`` (text and comments) or the template."""
        return self._apply(
            lambda c: operations.add_preset(c, model, name, from_preset), self._copy_check(model, name, from_preset)
        )

    def duplicate_preset(self, model: str, source: str, name: str) -> Document:
        """Copy ``source`` to ``name``, placed right after ``source``."""
        return self._apply(
            lambda c: operations.duplicate_preset(c, model, source, name), self._copy_check(model, name, source)
        )

    def remove_preset(self, model: str, name: str) -> Document:
        """Delete a preset (refused for the default preset and the only preset)."""
        return self._apply(
            lambda c: operations.remove_preset(c, model, name),
            lambda c, change, text: verify.check_preset(text, model, name, verify.ABSENT),
        )

    def rename_preset(self, model: str, old: str, new: str) -> Document:
        """Rename a preset; ``default_attention`` follows."""
        return self._apply(lambda c: operations.rename_preset(c, model, old, new), self._copy_check(model, new, old))

    def set_default(self, model: str, preset: str) -> Document:
        """Point ``default_attention`` at an existing preset."""
        return self._apply(
            lambda c: operations.set_default(c, model, preset),
            self._model_field_check(model, operations.DEFAULT, preset),
        )

    def add_model(self, name: str, template: str | None = None) -> Document:
        """Append a model section: a copy of model ``template`` or a section with a dense baseline."""
        return self._apply(
            lambda c: operations.add_model(c, name, template),
            lambda c, change, text: verify.check_model(c.text, text, name, template),
        )

    def remove_model(self, name: str) -> Document:
        """Delete a model section (refused if it defines an anchor used elsewhere)."""
        return self._apply(
            lambda c: models.remove_model(c, name),
            lambda c, change, text: verify.check_model(c.text, text, name, None, removed=True),
        )

    def rename_model(self, old: str, new: str) -> Document:
        """Rename a model section."""
        return self._apply(
            lambda c: models.rename_model(c, old, new), lambda c, change, text: verify.check_model(c.text, text, new, old)
        )
