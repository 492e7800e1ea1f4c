"""Which widget edits which preset field, derived from the typed model.

Enums become selects, booleans switches, numbers validated inputs; the help
text is the field's description in :mod:`psa_config.model`, so the form and
the JSON Schema say the same thing.

Importing the pydantic model costs about as much as building the form, so the
form reads the specs from ``field_table.py``, generated from the model by
``python -m psa_tui.fields`` (tests/psa_tui/test_tui_fields.py fails when it
is stale). :func:`field_spec` derives one spec from the model itself.
"""

from __future__ import annotations

import enum
import pprint
import textwrap
import types
import typing
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from psa_config.runtime import RUNTIME_DEFAULTS

if TYPE_CHECKING:
    from pydantic import BaseModel


class Kind(str, enum.Enum):
    SELECT = "select"
    SWITCH = "switch"
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    TRIPLE = "triple"


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of a psa preset; ``key`` is dotted (``block_size.n``)."""

    key: str
    kind: Kind
    help: str
    options: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False

    @property
    def widget_id(self) -> str:
        return "field-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def runtime_default(self) -> Any:
        return RUNTIME_DEFAULTS.get(self.key)


ORDER: tuple[str, ...] = (
    "description",
    "mask_mode",
    "attn_impl",
    "use_sim_mask",
    "block_size.m",
    "block_size.n",
    "block_size.tile_n",
    "use_rearrange",
    "rearrange_method",
    "tile_size",
    "warmup_steps",
    "text_length",
    "sim_thresholds.x2",
    "sim_thresholds.x4",
    "sim_thresholds.x8",
    "sim_2x_threshold",
    "sim_4x_threshold",
    "sim_8x_threshold",
    "verbose",
    "enable_logging",
    "log_dir",
)
"""Form order: what decides the kernel first, then rearrangement, then logging."""

TABLE_FILE = Path(__file__).with_name("field_table.py")


def psa_fields() -> list[FieldSpec]:
    """The form's fields in :data:`ORDER`, from the generated table (no pydantic import)."""
    return list(_psa_fields())


@lru_cache(maxsize=1)
def _psa_fields() -> tuple[FieldSpec, ...]:
    from psa_tui.field_table import FIELDS

    return tuple(FieldSpec(**{**row, "kind": Kind(row["kind"])}) for row in FIELDS)


def render_table() -> str:
    """The text of ``field_table.py``, derived from the model (imports pydantic)."""
    rows = []
    for key in ORDER:
        spec = field_spec(key)
        row = {field.name: getattr(spec, field.name) for field in fields(FieldSpec)}
        row["kind"] = spec.kind.value
        rows.append(textwrap.indent(pprint.pformat(row, sort_dicts=False, width=100), "    ") + ",\n")
    return (
        '"""Generated from psa_config.model by ``python -m psa_tui.fields``: do not edit."""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any\n\n"
        f"FIELDS: tuple[dict[str, Any], ...] = (\n{''.join(rows)})\n"
    )


def field_spec(key: str) -> FieldSpec:
    """The spec of dotted ``key``, derived from the pydantic model."""
    from psa_config.model import PsaPreset

    owner, name = _owner(key)
    info = owner.model_fields[name]
    annotation = _strip_optional(info.annotation)
    minimum, maximum = _bounds(info.metadata, annotation)
    return FieldSpec(
        key=key,
        kind=_kind(annotation),
        help=info.description or "",
        options=_literal_values(annotation),
        minimum=minimum,
        maximum=maximum,
        required=info.is_required() and owner is PsaPreset,
    )


def _owner(key: str) -> tuple[type[BaseModel], str]:
    from psa_config.model import BlockSize, PsaPreset, SimThresholds

    owners: dict[str, type[BaseModel]] = {"block_size": BlockSize, "sim_thresholds": SimThresholds}
    head, _, tail = key.partition(".")
    return (owners[head], tail) if tail else (PsaPreset, head)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Split ``Annotated[T, meta...]`` into T and its metadata."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        inner, more = _unwrap(base)
        return inner, meta + more
    return annotation, []


def _kind(annotation: Any) -> Kind:
    base, _ = _unwrap(annotation)
    if typing.get_origin(base) is Literal:
        return Kind.SELECT
    if typing.get_origin(base) is list:
        return Kind.TRIPLE
    return {bool: Kind.SWITCH, int: Kind.INT, float: Kind.FLOAT}.get(base, Kind.TEXT)


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    base, _ = _unwrap(annotation)
    return typing.get_args(base) if typing.get_origin(base) is Literal else ()


def _bounds(metadata: list[Any], annotation: Any) -> tuple[float | None, float | None]:
    _, inner_meta = _unwrap(annotation)
    minimum = maximum = None
    for item in [*metadata, *inner_meta]:
        for attr in ("ge", "gt"):
            if getattr(item, attr, None) is not None:
                minimum = getattr(item, attr) + (1 if attr == "gt" else 0)
        if getattr(item, "le", None) is not None:
            maximum = item.le
        for sub in getattr(item, "metadata", []) or []:
            lo, hi = _bounds([sub], None)
            minimum = lo if lo is not None else minimum
            maximum = hi if hi is not None else maximum
    return minimum, maximum


def lookup(preset: dict[str, Any], key: str) -> Any:
    """The value at dotted ``key`` in a raw preset mapping, or None when absent."""
    value: Any = preset
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


if __name__ == "__main__":
    TABLE_FILE.write_text(render_table(), encoding="utf-8")
    print(f"wrote {TABLE_FILE}")
