"""The editable fields of a model section (the form's model page).

Written out by hand rather than derived from pydantic at start-up (see
``fields.py`` for why); tests/psa_tui/test_tui_fields.py checks the help
texts and bounds against :class:`psa_config.model.ModelSection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psa_tui.fields import FieldSpec, Kind


@dataclass(frozen=True)
class ModelFieldSpec(FieldSpec):
    """A model-section field: no runtime default (every one is required), its own widget ids."""

    @property
    def widget_id(self) -> str:
        return "model-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def runtime_default(self) -> Any:
        return None


DEFAULT_ATTENTION = "default_attention"

MODEL_FIELDS: tuple[ModelFieldSpec, ...] = (
    ModelFieldSpec(DEFAULT_ATTENTION, Kind.SELECT, "The preset used when none is named; a key of attention_configs.",
                   required=True),
    ModelFieldSpec("video_scale.width_divisor", Kind.INT, "Pixels per token along the width.", minimum=1, required=True),
    ModelFieldSpec("video_scale.height_divisor", Kind.INT, "Pixels per token along the height.", minimum=1,
                   required=True),
    ModelFieldSpec("video_scale.depth_divisor", Kind.INT, "Frames per token along time.", minimum=1, required=True),
    ModelFieldSpec("text_length", Kind.INT, "Text tokens in the attention sequence (0 for text-free models).",
                   minimum=0, required=True),
)
