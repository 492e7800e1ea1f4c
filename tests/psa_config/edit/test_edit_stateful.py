"""Random sequences of set/new/rm/rename/default/undo on every corpus file: after each step the
text loads (``yaml.safe_load``, the runtime) to exactly the intended values, presets in the intended
order, and only lines of the edited preset (or the model's default_attention line) changed."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from edit_corpus import corpus_files, read
from psa_config.edit import Document, EditError, locate
from psa_config.edit.diff import changed_lines
from psa_config.edit.operations import CONFIGS, DEFAULT, preset_entry

FILES = {p.name: read(p) for p in corpus_files() if p.name != "anchors.yaml"}  # sharing: see test_edit_roundtrip
RATIO = st.floats(0.0, 1.0, allow_nan=False).map(lambda x: round(x, 3))
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "block_size.n": st.sampled_from([32, 64, 128]),
    "use_sim_mask": st.booleans(),
    "verbose": st.booleans(),
    "warmup_steps": st.integers(0, 1000),
    "description": st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20),
    "mask_mode": st.sampled_from(["topk", "thresholdbound"]),
    "tile_size": st.lists(st.integers(1, 16), min_size=3, max_size=3),
    **{f"mask_ratios.{level}": st.tuples(RATIO, RATIO).map(sorted) for level in (1, 2, 4, 8, 0)},
}
NAMES = st.from_regex(r"psa_[a-z0-9_]{1,8}", fullmatch=True)


def key_path(key: str) -> list[Any]:
    parts: list[Any] = key.split(".")
    if parts[0] == "mask_ratios" and len(parts) == 2:
        parts[1] = int(parts[1])
    return parts


def preset_lines(doc: Document, model: str, preset: str) -> set[int]:
    """Lines (1-based) from the preset's key to the end of its value."""
    entry = preset_entry(doc._ctx, model, preset)
    first = locate.line_of(doc.text, entry.key.start_mark.index)
    last = locate.line_of(doc.text, locate.entry_end(doc.text, entry))
    return set(range(first, last + 1))


def default_line(doc: Document, model: str) -> set[int]:
    return {doc.position(model, key=DEFAULT)[0]}


class EditSession(RuleBasedStateMachine):
    @initialize(name=st.sampled_from(sorted(FILES)))
    def open_file(self, name: str) -> None:
        self.doc = Document.from_text(FILES[name], name)
        self.expected = yaml.safe_load(FILES[name])
        self.history: list[tuple[Document, Any]] = []
        self.allowed: set[int] | None = None
        self.before = self.doc

    # ---- helpers --------------------------------------------------------------------------------

    def _psa_presets(self) -> list[tuple[str, str]]:
        return [(m, p) for m, s in self.expected.items() for p, v in s[CONFIGS].items() if v.get("type") == "psa"]

    def _presets(self) -> list[tuple[str, str]]:
        return [(m, p) for m, s in self.expected.items() for p in s[CONFIGS]]

    def _commit(self, doc: Document, expected: Any, allowed: set[int] | None) -> None:
        self.history.append((self.doc, self.expected))
        self.before, self.doc, self.expected, self.allowed = self.doc, doc, expected, allowed

    # ---- operations -----------------------------------------------------------------------------

    @precondition(lambda self: bool(self._psa_presets()))  # removals and dense copies can leave none
    @rule(data=st.data())
    def set_field(self, data: st.DataObject) -> None:
        model, preset = data.draw(st.sampled_from(self._psa_presets()))
        key = data.draw(st.sampled_from(sorted(FIELDS)))
        value = data.draw(FIELDS[key])
        edited = self.doc.set_value(model, preset, key, value)
        expected = copy.deepcopy(self.expected)
        target = expected[model][CONFIGS][preset]
        *parents, last = key_path(key)
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
        self._commit(edited, expected, preset_lines(self.doc, model, preset))

    @rule(data=st.data())
    def new_preset(self, data: st.DataObject) -> None:
        model, source = data.draw(st.sampled_from(self._presets()))
        name = data.draw(NAMES.filter(lambda n: n not in self.expected[model][CONFIGS]))
        copy_of = data.draw(st.sampled_from([source, None]))
        edited = self.doc.add_preset(model, name, from_preset=copy_of)
        expected = copy.deepcopy(self.expected)
        value = expected[model][CONFIGS][copy_of] if copy_of else yaml.safe_load(edited.text)[model][CONFIGS][name]
        expected[model][CONFIGS][name] = copy.deepcopy(value)
        if copy_of is None:
            assert value["type"] == "psa" and value["mask_ratios"] == {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1.0]}
        last = list(self.expected[model][CONFIGS])[-1]
        self._commit(edited, expected, preset_lines(self.doc, model, last))

    @precondition(lambda self: len(self._presets()) > 2)
    @rule(data=st.data())
    def remove_preset(self, data: st.DataObject) -> None:
        model, preset = data.draw(st.sampled_from(self._presets()))
        section = self.expected[model]
        if section[DEFAULT] == preset or len(section[CONFIGS]) == 1:
            try:
                self.doc.remove_preset(model, preset)
            except EditError:
                return
            raise AssertionError("removing the default or the only preset must be refused")
        allowed = preset_lines(self.doc, model, preset)
        edited = self.doc.remove_preset(model, preset)
        expected = copy.deepcopy(self.expected)
        del expected[model][CONFIGS][preset]
        if not self.doc.text.endswith(("\n", "\r")):  # the line before gives up its break: no final newline stays
            allowed |= {min(allowed) - 1}
        self._commit(edited, expected, allowed | {max(allowed) + 1})

    @rule(data=st.data())
    def rename_preset(self, data: st.DataObject) -> None:
        model, old = data.draw(st.sampled_from(self._presets()))
        new = data.draw(NAMES.filter(lambda n: n not in self.expected[model][CONFIGS]))
        edited = self.doc.rename_preset(model, old, new)
        expected = copy.deepcopy(self.expected)
        section = expected[model]
        section[CONFIGS] = {new if k == old else k: v for k, v in section[CONFIGS].items()}
        if section[DEFAULT] == old:
            section[DEFAULT] = new
        allowed = {self.doc.position(model, old)[0]} | default_line(self.doc, model)
        self._commit(edited, expected, allowed)

    @rule(data=st.data())
    def set_default(self, data: st.DataObject) -> None:
        model, preset = data.draw(st.sampled_from(self._presets()))
        edited = self.doc.set_default(model, preset)
        expected = copy.deepcopy(self.expected)
        expected[model][DEFAULT] = preset
        self._commit(edited, expected, default_line(self.doc, model))

    @precondition(lambda self: bool(self.history))
    @rule()
    def undo(self) -> None:
        self.doc, self.expected = self.history.pop()
        self.allowed = None

    # ---- checks ---------------------------------------------------------------------------------

    @invariant()
    def loads_as_intended(self) -> None:
        if not hasattr(self, "doc"):
            return
        loaded = yaml.safe_load(self.doc.text)
        assert loaded == self.expected
        for model in loaded:
            assert list(loaded[model][CONFIGS]) == list(self.expected[model][CONFIGS])

    @invariant()
    def only_edited_lines_changed(self) -> None:
        if not hasattr(self, "doc") or self.allowed is None:
            return
        old_ranges, _ = changed_lines(self.before.text, self.doc.text, None)
        touched = {line for r in old_ranges for line in r}
        last_line = locate.line_of(self.before.text, len(self.before.text))
        assert touched <= self.allowed | {last_line}, (touched, self.allowed)


EditSession.TestCase.settings = settings(
    max_examples=60, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_edit_session = EditSession.TestCase
