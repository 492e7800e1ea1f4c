"""The conformance suite: what the published runtime did with each preset, and the verdict check must give.

tests/data/conformance is a copy of ../shared/conformance (manifest.json,
cases/); when the shared folder is present next to the repository it must
equal the copy, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import psa_config
from psa_config.api import runtime_params_text
from psa_config.runtime import RuntimeLoadError

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "data" / "conformance"
SHARED = ROOT / ".." / "shared" / "conformance"
CASES: list[dict[str, Any]] = json.loads((SUITE / "manifest.json").read_text(encoding="utf-8"))
VERDICTS = {
    "error": lambda errors, warnings: errors > 0,
    "flag": lambda errors, warnings: errors + warnings > 0,
    "no-error": lambda errors, warnings: errors == 0,
    "any": lambda errors, warnings: True,
}
WITH_PARAMS = [case for case in CASES if "params" in case["runtime"]]


def _id(case: dict[str, Any]) -> str:
    return case["file"].removesuffix(".yaml")


def _text(case: dict[str, Any]) -> str:
    return (SUITE / "cases" / case["file"]).read_text(encoding="utf-8")


def test_the_copy_matches_the_shared_suite() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/conformance is not next to this checkout (CI): the committed copy is the suite")
    assert json.loads((SHARED / "manifest.json").read_text(encoding="utf-8")) == CASES
    for case in CASES:
        assert (SHARED / "cases" / case["file"]).read_text(encoding="utf-8") == _text(case), case["file"]


def test_the_suite_covers_every_verdict() -> None:
    assert {case["verdict"] for case in CASES} == set(VERDICTS)
    assert len(WITH_PARAMS) >= len(CASES) - 5


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_verdict(case: dict[str, Any]) -> None:
    diagnostics = psa_config.check_text(_text(case), case["file"])
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    listed = [f"{d.line}: {d.severity.value} {d.code} {d.message}" for d in diagnostics]
    assert VERDICTS[case["verdict"]](errors, warnings), (case["change"], case["verdict"], listed)


@pytest.mark.parametrize("case", WITH_PARAMS, ids=_id)
def test_runtime_params_equal_the_runtimes(case: dict[str, Any]) -> None:
    expected = case["runtime"]["params"]
    video = _video_of(case)
    params = runtime_params_text(_text(case), case["model"], case["preset"], video)
    assert _typed(params) == _typed(expected)


@pytest.mark.parametrize("case", WITH_PARAMS, ids=_id)
def test_runtime_params_of_the_loaded_preset_equal_the_runtimes(case: dict[str, Any]) -> None:
    """Where the file loads (no errors), the typed preset and section answer the same."""
    try:
        config = psa_config.load_text(_text(case), case["file"])
    except psa_config.ConfigError:
        pytest.skip("the file has errors: only runtime_params_text answers for it")
    expected = _typed(case["runtime"]["params"])
    section = config.model(case["model"])
    video = _video_of(case)
    assert _typed(section.runtime_params(case["preset"], video)) == expected
    assert _typed(config.preset(case["model"], case["preset"]).runtime_params(section, video)) == expected


@pytest.mark.parametrize("case", [case for case in CASES if "params" not in case["runtime"]], ids=_id)
def test_runtime_params_fail_where_the_runtimes_loader_failed(case: dict[str, Any]) -> None:
    assert case["runtime"]["setup"].startswith("load:")
    with pytest.raises(RuntimeLoadError):
        runtime_params_text(_text(case), case["model"], case["preset"], (1280, 720, 81))


def _video_of(case: dict[str, Any]) -> tuple[int, int, int]:
    """A video whose token grid is the runtime's (grid x divisor reproduces it under ceil division)."""
    import yaml

    scale = yaml.safe_load(_text(case))[case["model"]]["video_scale"]
    params = case["runtime"]["params"]
    return (
        int(params["width"] * scale["width_divisor"]),
        int(params["height"] * scale["height_divisor"]),
        int(params["depth"] * scale["depth_divisor"]),
    )


def _typed(value: Any) -> Any:
    """JSON's view of ``value`` with every scalar's type and every mapping's order kept (128 != 128.0)."""
    return _tag(json.loads(json.dumps(value)))


def _tag(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _tag(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_tag(item) for item in value]
    return (type(value).__name__, value)
