"""``sarif``: a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from pathlib import PurePath, PurePosixPath
from typing import Any, Protocol
from urllib.parse import quote

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.registry import all_rules

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://github.com/psa-config/psa-config"
RULES_DOC_URI = f"{TOOL_URI}/blob/main/docs/rules.md"

LEVEL: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


class RuleLike(Protocol):
    """What SARIF needs of a rule registry entry (psa_config.rules.registry.Rule)."""

    code: str
    name: str
    severity: Any
    summary: str
    explanation: str
    bad_example: str
    good_example: str
    fix: str


def help_uri(code: str, name: str) -> str:
    """The rule's section of docs/rules.md (its heading's anchor, ``Rule.anchor``)."""
    return f"{RULES_DOC_URI}#{code.lower()}-{name}"


def artifact_uri(path: str) -> str:
    """A URI reference for ``path``: ``file://`` when absolute, else relative with ``/``."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(PurePosixPath(*pure.parts).as_posix())


def rule_descriptor(rule: RuleLike) -> dict[str, Any]:
    """A SARIF reportingDescriptor for one registered rule."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.explanation}\nFix: {rule.fix}", "markdown": help_markdown(rule)},
        "helpUri": help_uri(rule.code, rule.name),
        "defaultConfiguration": {"level": LEVEL[Severity(rule.severity)]},
    }


def help_markdown(rule: RuleLike) -> str:
    """Explanation, the bad and the fixed example, and the fix, as code scanning shows them."""
    return (
        f"{rule.explanation}\n\nBad:\n\n```yaml\n{rule.bad_example}\n```\n\n"
        f"Fixed:\n\n```yaml\n{rule.good_example}\n```\n\nFix: {rule.fix}"
    )


def fallback_descriptor(diagnostic: Diagnostic) -> dict[str, Any]:
    """A descriptor for a code the registry does not know (only its diagnostic is at hand)."""
    return {
        "id": diagnostic.code,
        "name": diagnostic.name,
        "shortDescription": {"text": diagnostic.name},
        "fullDescription": {"text": diagnostic.name},
        "helpUri": help_uri(diagnostic.code, diagnostic.name),
        "defaultConfiguration": {"level": LEVEL[diagnostic.severity]},
    }


def rule_descriptors(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """Every registered rule, then any code seen only in ``diagnostics``."""
    descriptors = [rule_descriptor(rule) for rule in all_rules()]
    known = {d["id"] for d in descriptors}
    for diagnostic in diagnostics:
        if diagnostic.code not in known:
            descriptors.append(fallback_descriptor(diagnostic))
            known.add(diagnostic.code)
    return descriptors


def result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    """A SARIF result located at the diagnostic's line and column."""
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(diagnostic.path)},
            "region": {"startLine": diagnostic.line, "startColumn": diagnostic.column},
        }
    }
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVEL[diagnostic.severity],
        "message": {"text": diagnostic.full_message()},
        "locations": [location],
    }


def sarif_log(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The whole SARIF log: one run of psa-config."""
    rules = rule_descriptors(diagnostics)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver = {"name": "psa-config", "version": _version(), "informationUri": TOOL_URI, "rules": rules}
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [result(d, index[d.code]) for d in diagnostics],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("psa-config")
    except PackageNotFoundError:
        return "0+unknown"


class SarifReporter:
    """SARIF 2.1.0 with the rule registry as ``tool.driver.rules``."""

    name = "sarif"

    def render(self, diagnostics: list[Diagnostic], *, color: bool) -> str:
        del color
        return json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=False) + "\n"
