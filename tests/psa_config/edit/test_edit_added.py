"""Which diagnostics an edit adds: matched by place and identity, never by line; renames carry them over."""

from __future__ import annotations

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.edit.added import added, identity, message_key, new_errors, new_warnings, places_of


def diagnostic(code: str, message: str, *, model: str | None = "m", preset: str | None = None,
               field: str | None = None, severity: Severity = Severity.ERROR, line: int = 1) -> Diagnostic:
    return Diagnostic("c.yaml", line, 1, severity, code, "name", message, model, preset, field)


def warning(code: str, message: str, **kwargs) -> Diagnostic:  # type: ignore[no-untyped-def]
    return diagnostic(code, message, severity=Severity.WARNING, **kwargs)


def test_message_key_leaves_out_line_numbers_and_the_diagnostics_own_names() -> None:
    assert message_key(diagnostic("PSA002", "duplicate key `a` (first at line 12): kept last")) == \
        "duplicate key `a` (first at line N): kept last"
    assert message_key(diagnostic("C", "at lines 3, 5 and 17; lines 3-9")) == "at lines N; lines N"
    assert message_key(diagnostic("C", "outline 3 stays")) == "outline 3 stays"
    named = diagnostic("PSA103", "preset `p4` of `m` is missing `m`-ish `x`", preset="p4")
    assert message_key(named) == "preset `<preset>` of `<model>` is missing `<model>`-ish `x`"


def test_identity_of_a_warning_with_a_field_ignores_the_value_its_message_quotes() -> None:
    assert identity(warning("PSA409", "warmup_steps is 60", field="warmup_steps")) == ("PSA409", "warmup_steps")
    assert identity(warning("PSA404", "`tile_size` is not set")) == ("PSA404", None, "`tile_size` is not set")
    assert identity(diagnostic("PSA1", "is 60", field="f")) == ("PSA1", "f", "is 60")


def test_places_of_the_data() -> None:
    data = {"M": {"attention_configs": {"a": {}, "b": None}}, "N": None, 3: {"attention_configs": []}}
    assert places_of(data) == {(None, None), ("M", None), ("M", "a"), ("M", "b"), ("N", None), ("3", None)}
    assert places_of(None) == {(None, None)} and places_of([1]) == {(None, None)}


def test_new_errors_are_counted_per_place_and_ignore_warnings_and_positions() -> None:
    a1, a2, a3 = (diagnostic("PSA1", "bad", line=n) for n in (1, 5, 9))
    other_model = diagnostic("PSA1", "bad", model="n")
    w = warning("PSA9", "hmm")
    assert new_errors([a1, a2], [a3, a1]) == []
    assert new_errors([a1, a2], [a1, a2, a3]) == [a3]
    assert new_errors([a1], [a2, a3]) == [a3]
    assert new_errors([a1, w], [other_model, a2, w]) == [other_model]
    assert new_errors([], [a1, w]) == [a1]
    assert new_errors([w], [w, w]) == []
    assert new_errors([], [w, a1, w, a2]) == [a1, a2]  # a warning does not end the count
    assert new_errors([a1, a2, a3], []) == []


def test_new_warnings_are_counted_like_errors_and_ignore_errors() -> None:
    w1, w2 = (warning("PSA4", "odd", line=n) for n in (1, 5))
    error = diagnostic("PSA1", "bad")
    assert new_warnings([w1], [w2]) == []  # the same warning, moved
    assert new_warnings([w1], [w1, error, w2]) == [w2]
    assert new_warnings([error], [error]) == [] and new_warnings([], [error]) == []
    quoted, requoted = warning("PSA4", "is 60", field="f"), warning("PSA4", "is 70", field="f", line=9)
    assert new_warnings([quoted], [requoted]) == []
    assert new_warnings([w1], [warning("PSA4", "other", line=2)]) != []  # no field: the message tells them apart


def test_a_warning_in_another_preset_is_new_even_when_one_like_it_went_away() -> None:
    fixed = warning("PSA401", "level 8", preset="topk", field="mask_ratios.8")
    broken = warning("PSA401", "level 8", preset="balanced", field="mask_ratios.8")
    both = {(None, None), ("m", None), ("m", "topk"), ("m", "balanced")}
    assert added([fixed], [broken], errors=False, before_places=both, after_places=both) == [broken]
    kept_and_new = added([fixed], [broken, fixed], errors=False, before_places=both, after_places=both)
    assert kept_and_new == [broken]  # matched at its own place first, whatever the order


def test_a_renamed_preset_or_model_carries_its_diagnostics_over() -> None:
    old = diagnostic("PSA103", "preset `p4` is missing `mask_mode`", preset="p4")
    new = diagnostic("PSA103", "preset `p5` is missing `mask_mode`", preset="p5")
    assert added([old], [new], errors=True, before_places={("m", "p4")}, after_places={("m", "p5")}) == []
    moved_model = diagnostic("PSA402", "ignored", model="M2", preset="p", field="text_length", severity=Severity.WARNING)
    was = diagnostic("PSA402", "ignored", model="M", preset="p", field="text_length", severity=Severity.WARNING)
    assert added([was], [moved_model], errors=False, before_places={("M", "p")}, after_places={("M2", "p")}) == []


def test_a_copy_of_a_preset_brings_new_diagnostics() -> None:
    source = warning("PSA401", "level 8", preset="a", field="mask_ratios.8")
    copy = warning("PSA401", "level 8", preset="b", field="mask_ratios.8")
    assert added([source], [source, copy], errors=False, before_places={("m", "a")},
                 after_places={("m", "a"), ("m", "b")}) == [copy]
