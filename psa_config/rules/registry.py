"""The rule registry: every diagnostic psa-config can emit, with its stable code.

One source of truth for the checker, ``psa-config rules``, docs/rules.md and
the SARIF rule table. A rule either has a ``check`` function (cross-field
rules over the document) or is emitted by the schema validation or the YAML
reader (``check`` is None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psa_config.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from psa_config.rules.context import CheckContext
    from psa_config.source import Span

CheckFunction = Callable[["CheckContext"], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    bad_example: str
    good_example: str
    fix: str
    check: CheckFunction | None = None

    @property
    def anchor(self) -> str:
        """The heading anchor of this rule in docs/rules.md."""
        return f"{self.code.lower()}-{self.name}"


_RULES: dict[str, Rule] = {}


def declare(
    code: str,
    name: str,
    severity: Severity,
    *,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    fix: str,
    check: CheckFunction | None = None,
) -> None:
    """Register a rule; one without ``check`` is emitted by the reader or the schema validation."""
    _add(Rule(code, name, severity, summary, explanation.strip(), bad.strip("\n"), good.strip("\n"), fix, check))


def register(code: str, name: str, severity: Severity, **documentation: str) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator registering a check function as a rule (keywords as :func:`declare`)."""

    def decorate(check: CheckFunction) -> CheckFunction:
        declare(code, name, severity, check=check, **documentation)
        return check

    return decorate


def _add(rule: Rule) -> None:
    for existing in _RULES.values():
        if existing.code == rule.code or existing.name == rule.name:
            raise ValueError(f"rule {rule.code} {rule.name} registered twice")
    _RULES[rule.name] = rule


def all_rules() -> list[Rule]:
    """Every rule, ordered by code."""
    _load_rule_modules()
    return sorted(_RULES.values(), key=lambda rule: rule.code)


def get_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (case-insensitive) or its name."""
    _load_rule_modules()
    wanted = code_or_name.strip()
    for rule in _RULES.values():
        if rule.code.lower() == wanted.lower() or rule.name == wanted:
            return rule
    return None


def rule_named(name: str) -> Rule:
    _load_rule_modules()
    return _RULES[name]


def make_diagnostic(
    rule_name: str,
    file: str,
    span: Span,
    message: str,
    *,
    fix: str | None = None,
    data_path: tuple[Any, ...] | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """A diagnostic of the named rule at ``span``; model/preset/field come from ``data_path``."""
    rule = rule_named(rule_name)
    model, preset, field = describe_path(data_path or ())
    return Diagnostic(
        path=file,
        line=span.line,
        column=span.column,
        severity=severity or rule.severity,
        code=rule.code,
        name=rule.name,
        message=message,
        model=model,
        preset=preset,
        field=field,
        fix=fix if fix is not None else rule.fix,
    )


def describe_path(path: tuple[Any, ...]) -> tuple[str | None, str | None, str | None]:
    """(model, preset, dotted field) of a data path."""
    if not path:
        return None, None, None
    model = str(path[0])
    rest = [str(part) for part in path[1:]]
    if len(rest) >= 2 and rest[0] == "attention_configs":
        return model, rest[1], ".".join(rest[2:]) or None
    return model, None, ".".join(rest) or None


_loaded = False


def _load_rule_modules() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from psa_config.rules import catalog  # noqa: F401  (registers on import)
