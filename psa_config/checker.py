"""The checker: read, validate, run the rules, suppress, order."""

from __future__ import annotations

from psa_config.diagnostics import Diagnostic, sort_diagnostics
from psa_config.rules.context import CheckContext
from psa_config.rules.registry import all_rules
from psa_config.source import SourceDocument, read_source, suppressions
from psa_config.validation import validate

SHADOWED_BY_AMBIGUITY = frozenset({"PSA102", "PSA104", "PSA105", "PSA202"})


def check_source(source: SourceDocument, *, suppress: bool = True) -> list[Diagnostic]:
    """Every diagnostic of an already-read document, sorted (``# psa-config: ignore`` applied if ``suppress``)."""
    diagnostics = list(source.diagnostics)
    if source.readable:
        diagnostics += validate(source)
        context = CheckContext(source)
        for rule in all_rules():
            if rule.check is not None:
                diagnostics += rule.check(context)
    diagnostics = _drop_shadowed(diagnostics)
    if suppress:
        diagnostics = _apply_suppressions(diagnostics, source.text)
    return sort_diagnostics(diagnostics)


def check_document_text(text: str, path: str) -> tuple[SourceDocument, list[Diagnostic]]:
    source = read_source(text, path)
    return source, check_source(source)


def _drop_shadowed(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A type error on an ambiguous scalar repeats the ambiguity diagnostic: keep one."""
    ambiguous = {(d.line, d.column) for d in diagnostics if d.name == "yaml11-ambiguous-scalar"}
    return [d for d in diagnostics if not (d.code in SHADOWED_BY_AMBIGUITY and (d.line, d.column) in ambiguous)]


def _apply_suppressions(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    suppressed = suppressions(text)
    if not suppressed:
        return diagnostics
    kept = []
    for diagnostic in diagnostics:
        names = suppressed.get(diagnostic.line, frozenset())
        if names is None or diagnostic.code in names or diagnostic.name in names:
            continue
        kept.append(diagnostic)
    return kept
