"""What a cross-field rule sees: the runtime's data, typed defensively, with positions.

Rules must keep working when other fields are ill-typed (every mistake is
reported in one run), so accessors return ``None`` for anything missing or of
the wrong type instead of raising; the schema validation reports those.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from psa_config.diagnostics import Diagnostic
from psa_config.core_schema import preset_kind
from psa_config.model_constants import BLOCK_SIZES
from psa_config.rules.registry import make_diagnostic
from psa_config.source import SourceDocument, Span

LEVEL_KEYS = (1, 2, 4, 8, 0)


@dataclass(frozen=True)
class LevelRange:
    """One valid ``mask_ratios`` entry: level, [start, end], as listed."""

    level: int
    start: float
    end: float
    index: int

    @property
    def empty(self) -> bool:
        return self.end <= self.start


@dataclass
class CheckContext:
    source: SourceDocument

    @property
    def file(self) -> str:
        return self.source.path

    def models(self) -> Iterator[ModelView]:
        data = self.source.data
        if not isinstance(data, dict):
            return
        for name, section in data.items():
            if isinstance(section, dict):
                yield ModelView(self, name, section)

    def presets(self) -> Iterator[PresetView]:
        for model in self.models():
            yield from model.presets()

    def psa_presets(self) -> Iterator[PresetView]:
        return (preset for preset in self.presets() if preset_kind(preset.data) == "psa")


@dataclass
class _View:
    ctx: CheckContext
    data: dict[Any, Any]

    @property
    def path(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def get(self, *keys: Any) -> Any:
        value: Any = self.data
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def has(self, *keys: Any) -> bool:
        parent = self.get(*keys[:-1]) if len(keys) > 1 else self.data
        return isinstance(parent, dict) and keys[-1] in parent

    def integer(self, *keys: Any) -> int | None:
        value = self.get(*keys)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def number(self, *keys: Any) -> float | None:
        value = self.get(*keys)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def boolean(self, *keys: Any) -> bool | None:
        value = self.get(*keys)
        return value if isinstance(value, bool) else None

    def string(self, *keys: Any) -> str | None:
        value = self.get(*keys)
        return value if isinstance(value, str) else None

    def key_span(self, *keys: Any) -> Span:
        return self.ctx.source.key_span((*self.path, *keys))

    def value_span(self, *keys: Any) -> Span:
        return self.ctx.source.value_span((*self.path, *keys))

    def diagnostic(self, rule: str, keys: tuple[Any, ...], message: str, *, fix: str | None = None, at: str = "value") -> Diagnostic:
        """A diagnostic blaming ``keys`` (its value by default, or its key with ``at='key'``)."""
        span = self.value_span(*keys) if at == "value" else self.key_span(*keys)
        return make_diagnostic(rule, self.ctx.file, span, message, fix=fix, data_path=(*self.path, *keys))


class ModelView(_View):
    def __init__(self, ctx: CheckContext, name: str, data: dict[Any, Any]) -> None:
        super().__init__(ctx, data)
        self.name = name

    @property
    def path(self) -> tuple[Any, ...]:
        return (self.name,)

    def presets(self) -> Iterator[PresetView]:
        configs = self.get("attention_configs")
        if not isinstance(configs, dict):
            return
        for name, preset in configs.items():
            if isinstance(preset, dict):
                yield PresetView(self.ctx, self, name, preset)


class PresetView(_View):
    def __init__(self, ctx: CheckContext, model: ModelView, name: str, data: dict[Any, Any]) -> None:
        super().__init__(ctx, data)
        self.model = model
        self.name = name

    @property
    def path(self) -> tuple[Any, ...]:
        return (self.model.name, "attention_configs", self.name)

    @property
    def attn_impl(self) -> str | None:
        return self.string("attn_impl")

    @property
    def mask_mode(self) -> str | None:
        return self.string("mask_mode")

    def block_n(self) -> int | None:
        """``block_size.n`` when it is one of the sizes the model accepts (else the schema reports it)."""
        n = self.integer("block_size", "n")
        return n if n in BLOCK_SIZES else None

    def tile_n(self) -> int | None:
        """``block_size.tile_n`` when it is within the model's bounds."""
        tile_n = self.integer("block_size", "tile_n")
        return tile_n if tile_n is not None and 16 <= tile_n <= 256 else None

    def text_length(self) -> tuple[int | None, tuple[Any, ...]]:
        """The text length the runtime uses and the path that sets it (preset override first)."""
        if self.has("text_length"):
            return self.integer("text_length"), ("text_length",)
        return self.model.integer("text_length"), ()

    def level_ranges(self) -> list[LevelRange] | None:
        """The valid entries of mask_ratios in file order; None when it is not a mapping.

        Entries with an invalid key or range are left out (the schema rules report them).
        """
        ratios = self.get("mask_ratios")
        if not isinstance(ratios, dict):
            return None
        ranges = []
        for index, (key, value) in enumerate(ratios.items()):
            pair = _number_pair(value)
            if _is_level(key) and pair is not None:
                ranges.append(LevelRange(key, pair[0], pair[1], index))
        return ranges

    def ratio_count(self) -> int:
        ratios = self.get("mask_ratios")
        return len(ratios) if isinstance(ratios, dict) else 0

    def ratios_are_clean(self) -> bool:
        """True when every mask_ratios entry has a valid level key and a valid range."""
        ratios = self.get("mask_ratios")
        ranges = self.level_ranges()
        return isinstance(ratios, dict) and ranges is not None and len(ranges) == len(ratios)


def _is_level(key: Any) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and key in LEVEL_KEYS


def _number_pair(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
        return None
    start, end = float(value[0]), float(value[1])
    if not (0.0 <= start <= end <= 1.0):
        return None
    return start, end
