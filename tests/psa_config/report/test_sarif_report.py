"""The ``sarif`` format: a SARIF 2.1.0 log, checked against the structure the standard requires."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.report import get_reporter
from psa_config.report.sarif import artifact_uri
from psa_config.rules.registry import all_rules

from report_samples import diagnostics_strategy, make

MESSAGE = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
}
LEVEL = {"enum": ["none", "note", "warning", "error"]}

# The part of the OASIS SARIF 2.1.0 schema this reporter uses (required keys, types, enums, bounds),
# written out here because tests may not reach the network.
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string", "pattern": "^https://"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id", "name", "shortDescription", "fullDescription",
                                                "helpUri", "defaultConfiguration",
                                            ],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": MESSAGE,
                                                "fullDescription": MESSAGE,
                                                "help": MESSAGE,
                                                "helpUri": {"type": "string", "pattern": r"^https://\S+/docs/rules\.md#psa"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "required": ["level"],
                                                    "properties": {"level": LEVEL},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "ruleIndex", "level", "message", "locations"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": LEVEL,
                                "message": MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string", "pattern": r"^\S+$"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine", "startColumn"],
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def closed(node: Any) -> Any:
    """Forbid other keys on every object, as the SARIF schema does: catches misspelt property names."""
    if isinstance(node, dict):
        node = {key: closed(value) for key, value in node.items()}
        if "properties" in node:
            node["additionalProperties"] = False
    return node


SARIF_SUBSET = closed(SARIF_SUBSET)


def render(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    return json.loads(get_reporter("sarif").render(diagnostics, color=False))


def test_subset_schema_is_itself_valid() -> None:
    jsonschema.Draft7Validator.check_schema(SARIF_SUBSET)


def test_log_has_the_sarif_structure(mixed: list[Diagnostic]) -> None:
    jsonschema.validate(render(mixed), SARIF_SUBSET)


def test_results_carry_code_level_message_and_location(mixed: list[Diagnostic]) -> None:
    results = render(mixed)["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    assert [r["ruleId"] for r in results] == [d.code for d in mixed]
    assert results[1]["message"]["text"] == "level 8 reads wrong rows: n=64, tile_n=32 (fix: use n: 128)"
    location = results[2]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "other/attention_config.yml"}, "region": {"startLine": 1, "startColumn": 1}}


def test_rule_index_points_at_the_result_rule(mixed: list[Diagnostic]) -> None:
    run = render(mixed)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert len({rule["id"] for rule in rules}) == len(rules)


def test_unregistered_code_gets_a_descriptor_from_its_diagnostic() -> None:
    run = render([make(code="PSA999", name="made-up-rule", severity=Severity.WARNING)])["runs"][0]
    rule = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert rule["name"] == "made-up-rule"
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert rule["helpUri"].endswith("docs/rules.md#psa999-made-up-rule")


def test_driver_lists_every_registered_rule() -> None:
    expected = all_rules()
    assert len(expected) >= 25
    rules = render([])["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in expected]
    for descriptor, rule in zip(rules, expected):
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.explanation
        assert descriptor["helpUri"].endswith(f"#{rule.code.lower()}-{rule.name}")
        assert rule.bad_example in descriptor["help"]["markdown"]
        assert rule.good_example in descriptor["help"]["markdown"]


@pytest.mark.parametrize(
    ("path", "uri"),
    [("configs/attention_config.yaml", "configs/attention_config.yaml"), ("my dir/a.yaml", "my%20dir/a.yaml"), ("/abs/x.yaml", "file:///abs/x.yaml")],
)
def test_artifact_uris(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


@given(diagnostics_strategy)
def test_any_diagnostics_give_a_valid_log(diagnostics: list[Diagnostic]) -> None:
    log = render(diagnostics)
    jsonschema.validate(log, SARIF_SUBSET)
    assert len(log["runs"][0]["results"]) == len(diagnostics)
