"""Candidates as text: the preset the edit engine would write, checked and loaded back.

Measuring the preset parsed from the edited text (not a hand-built object)
means the tune measures exactly what ``--write`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from psa_config.diagnostics import Diagnostic
from psa_config.edit import Document
from psa_config.edit.added import new_errors
from psa_config.model import ModelSection
from psa_kernels.tune.space import Candidate

CONSTANT_KEYS = frozenset({"use_sim_mask", "block_size.m", "block_size.tile_n", "attn_impl"})
"""Candidate fields every candidate shares: set once per study, not once per trial."""
REFUSED_WARNINGS = frozenset({"PSA401"})
"""Warnings that mean the published runtime would not run what was measured."""


class CandidateRejected(ValueError):
    """The checker refuses a candidate (a one-line message naming the diagnostics)."""


@dataclass(frozen=True)
class BasePreset:
    """Where candidates come from: the file's text, the model, a preset to copy (None: the template)."""

    text: str
    path: str
    model: str
    source: str | None

    def baseline_diagnostics(self) -> list[Diagnostic]:
        from psa_config import check_text

        return check_text(self.text, self.path)


def with_candidate(base: BasePreset, name: str, candidate: Candidate, description: str) -> Document:
    """The document with preset ``name`` added (a copy of the base) and the candidate's fields set."""
    doc = _added(base, name, tuple((k, v) for k, v in candidate.fields().items() if k in CONSTANT_KEYS))
    for key, value in {**candidate.fields(), "description": description}.items():
        if key not in CONSTANT_KEYS:
            doc = doc.set_value(base.model, name, key, value)
    return doc


@lru_cache(maxsize=4)
def _added(base: BasePreset, name: str, constant: tuple[tuple[str, object], ...]) -> Document:
    """The base copied to ``name`` with the fields all candidates share (each edit re-reads the file)."""
    doc = Document.from_text(base.text, base.path).add_preset(base.model, name, from_preset=base.source)
    for key, value in constant:
        doc = doc.set_value(base.model, name, key, value)  # type: ignore[arg-type]
    return doc


def checked_section(doc: Document, base: BasePreset, name: str, before: list[Diagnostic]) -> ModelSection:
    """The model section holding the candidate ``name``, as the edited text reads, or :class:`CandidateRejected`."""
    from psa_config.checker import check_document_text
    from psa_config.model import AttentionConfigFile

    source, after = check_document_text(doc.text, doc.path)
    refused = new_errors(before, after) + [
        d for d in after if d.code in REFUSED_WARNINGS and d.model == base.model and d.preset == name
    ]
    if refused:
        listed = "; ".join(f"{d.code} {d.field or ''}: {d.message}" for d in refused)
        raise CandidateRejected(f"the checker refuses the candidate: {listed}")
    return AttentionConfigFile.model_validate(source.data).model(base.model)
