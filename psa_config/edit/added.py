"""Which diagnostics an edit adds: matched by where they are (model, preset) and what they say, never by line.

An edit shifts lines, renames presets and models, and changes values that messages quote, so a
diagnostic the file already had must not count as new because of any of that. Matching runs in two
passes over counted keys:

1. the same place and the same identity (code, field, message without line numbers or its own
   model and preset names; a warning with a field is the same warning whatever value it quotes);
2. what is left at a place that no longer exists (a renamed or removed preset or model) may match,
   by identity alone, what is left at a place that did not exist before (the renamed one).

So a copied preset's diagnostics are new (its source still exists), a renamed one's are not, and
fixing one preset while breaking another in the same save reports the broken one.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from psa_config.diagnostics import Diagnostic

Place = tuple[str | None, str | None]
"""(model, preset) a diagnostic is about; (model, None) for a model's own fields, (None, None) for the file."""

Identity = tuple[str | None, ...]

_LINE_NUMBER = re.compile(r"\b(lines?) \d+(?:(?:, | and |-)\d+)*")


def place(d: Diagnostic) -> Place:
    return d.model, d.preset


def identity(d: Diagnostic) -> Identity:
    """What ``d`` says, apart from where it is."""
    if not d.is_error and d.field is not None:
        return d.code, d.field
    return d.code, d.field, message_key(d)


def message_key(d: Diagnostic) -> str:
    """The message with line numbers (PSA002's "first at line N") and ``d``'s own model and preset names left out."""
    message = _LINE_NUMBER.sub(r"\1 N", d.message)
    for name, stand_in in ((d.preset, "<preset>"), (d.model, "<model>")):
        if name:
            message = message.replace(f"`{name}`", f"`{stand_in}`")
    return message


def places_of(data: Any) -> set[Place]:
    """Every place the file's data holds: the file, each model and each of its presets."""
    found: set[Place] = {(None, None)}
    for model, section in data.items() if isinstance(data, dict) else ():
        found.add((str(model), None))
        configs = section.get("attention_configs") if isinstance(section, dict) else None
        found.update((str(model), str(preset)) for preset in (configs if isinstance(configs, dict) else ()))
    return found


def added(
    before: list[Diagnostic],
    after: list[Diagnostic],
    *,
    errors: bool,
    before_places: set[Place] | None = None,
    after_places: set[Place] | None = None,
) -> list[Diagnostic]:
    """The errors (or warnings) of ``after`` that ``before`` did not have.

    Without the places of each text, those its diagnostics name stand in for them.
    """
    old = [d for d in before if d.is_error == errors]
    new = [d for d in after if d.is_error == errors]
    known_before = before_places if before_places is not None else {place(d) for d in before}
    known_after = after_places if after_places is not None else {place(d) for d in after}
    budget = Counter((place(d), identity(d)) for d in old)
    unmatched = [d for d in new if not _spend(budget, (place(d), identity(d)))]
    moved: Counter[Identity] = Counter()
    for (where, ident), count in budget.items():
        if where not in known_after:
            moved[ident] += count
    return [d for d in unmatched if place(d) in known_before or not _spend(moved, identity(d))]


def new_errors(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """Errors of ``after`` that ``before`` did not have (places from the diagnostics themselves)."""
    return added(before, after, errors=True)


def new_warnings(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """Warnings of ``after`` that ``before`` did not have (places from the diagnostics themselves)."""
    return added(before, after, errors=False)


def _spend(budget: Counter[Any], key: Any) -> bool:
    if budget[key] > 0:
        budget[key] -= 1
        return True
    return False
