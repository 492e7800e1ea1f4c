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
from psa_config.runtime import RUNTIME_DEFAULTS, model_path
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


@dataclass(frozen=True)
class WalkedLevel:
    """One level as the runtime walks it: its share runs from where the previous level ended to its end."""

    level: int
    begins: float
    ends: float
    position: int
    index: int
    """Where the level is listed in mask_ratios."""

    @property
    def share(self) -> float:
        return self.ends - self.begins


def walk(ranges: list[LevelRange], mask_mode: str | None) -> list[WalkedLevel]:
    """The levels in the runtime's walk order with their shares (``start`` is never read).

    topk walks the levels as listed; thresholdbound sorts them by ``end``
    (ties keep file order). A share is ``max(0, end - reached)`` with ends
    clamped to [0, 1] (for thresholdbound a share of the importance, not of
    the ranks).
    """
    ordered = sorted(ranges, key=lambda r: r.end) if mask_mode == "thresholdbound" else list(ranges)
    walked = []
    reached = 0.0
    for position, level_range in enumerate(ordered):
        new_reach = max(reached, min(max(level_range.end, 0.0), 1.0))
        walked.append(WalkedLevel(level_range.level, reached, new_reach, position, level_range.index))
        reached = new_reach
    return walked


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

    @property
    def runtime_path(self) -> str | None:
        """``cogvideo``, ``wan`` or None: the setup the runtime dispatches this model name to."""
        return model_path(self.name) if isinstance(self.name, str) else None

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

    def runtime_value(self, *keys: Any) -> Any:
        """What the runtime reads at ``keys`` (one or two deep) with ``dict.get``: the value or its default.

        None also where the runtime would crash (a parent that is not a mapping).
        """
        default = RUNTIME_DEFAULTS.get(".".join(str(key) for key in keys))
        if len(keys) > 1 and not self.has(*keys[:-1]):
            return default
        parent = self.get(*keys[:-1]) if len(keys) > 1 else self.data
        return parent.get(keys[-1], default) if isinstance(parent, dict) else None

    @property
    def attn_impl(self) -> str | None:
        """The kernel the runtime picks (its default when the key is absent); None when not a string."""
        value = self.runtime_value("attn_impl")
        return value if isinstance(value, str) else None

    @property
    def mask_mode(self) -> str | None:
        """The mask mode the runtime runs (its default when absent); None when not a string."""
        value = self.runtime_value("mask_mode")
        return value if isinstance(value, str) else None

    def sim_mask_on(self) -> bool:
        """Whether the runtime turns the similarity cap on: ``use_sim_mask`` (default true) read as truthy."""
        return bool(self.runtime_value("use_sim_mask"))

    def block_n(self) -> int | None:
        """The key block n the runtime uses, when it is one of the sizes the model accepts."""
        n = self.runtime_value("block_size", "n")
        return n if type(n) is int and n in BLOCK_SIZES else None

    def tile_n(self) -> int | None:
        """The kernel tile the runtime uses, when it is within the model's bounds."""
        tile_n = self.runtime_value("block_size", "tile_n")
        return tile_n if type(tile_n) is int and 16 <= tile_n <= 256 else None

    def text_length(self) -> tuple[int | None, tuple[Any, ...]]:
        """The text length the runtime uses and the path that sets it (preset override first)."""
        if self.has("text_length"):
            return self.integer("text_length"), ("text_length",)
        return self.model.integer("text_length"), ()

    def walk(self) -> list[WalkedLevel]:
        """The levels in the runtime's walk order (see :func:`walk`)."""
        return walk(self.level_ranges() or [], self.mask_mode)

    def level_ranges(self) -> list[LevelRange] | None:
        """The entries of mask_ratios with a level key and two numbers, in file order; None when not a mapping.

        Other entries are left out (the schema rules report them); reversed or
        out-of-[0, 1] ranges are kept, since the runtime walks them too.
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
        """True when every mask_ratios entry has a valid level key and a range 0 <= start <= end <= 1."""
        ratios = self.get("mask_ratios")
        ranges = self.level_ranges()
        if not isinstance(ratios, dict) or ranges is None or len(ranges) != len(ratios):
            return False
        return all(0.0 <= r.start <= r.end <= 1.0 for r in ranges)


def _is_level(key: Any) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and key in LEVEL_KEYS


def _number_pair(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
        return None
    return float(value[0]), float(value[1])
