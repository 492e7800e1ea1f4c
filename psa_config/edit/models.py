"""Operations on whole model sections: remove and rename (adding one lives in ``operations``)."""

from __future__ import annotations

from psa_config.edit import locate
from psa_config.edit.errors import EditError
from psa_config.edit.formatting import format_key
from psa_config.edit.operations import _check_new_name, _refuse_if_anchor_used, model_entry, model_names
from psa_config.edit.setting import Context, remove_entry
from psa_config.edit.splice import Change, Splice


def remove_model(ctx: Context, name: str) -> Change:
    """Delete a model section (its lines, comments inside it included)."""
    entry = model_entry(ctx, name)
    if entry.merged_from is not None:
        raise EditError(f"model {name!r} comes from a merge key; remove it where it is defined")
    _refuse_if_anchor_used(ctx, entry, f"model {name!r}")
    return Change((remove_entry(ctx, entry),), (f"removed model {name!r}",))


def rename_model(ctx: Context, old: str, new: str) -> Change:
    """Rename a model section; nothing else refers to a model by name."""
    entry = model_entry(ctx, old)
    if entry.merged_from is not None:
        raise EditError(f"model {old!r} comes from a merge key; rename it where it is defined")
    _check_new_name(model_names(ctx), new, "model")
    start, end = locate.scalar_span(ctx.text, entry.key)
    return Change((Splice(start, end, format_key(new, entry.key.style)),), (f"renamed model {old!r} to {new!r}",))
