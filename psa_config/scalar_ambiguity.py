"""Plain scalars the runtime (YAML 1.1) and YAML 1.2 readers read differently (PSA003)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import make_diagnostic
from psa_config.source_document import Span
from psa_config.yaml12 import core_value

_RESOLVER = Resolver()


def ambiguous_scalars(path: str, scalars: Iterable[ScalarNode], built: dict[Node, Any]) -> Iterator[Diagnostic]:
    """One diagnostic per untagged plain scalar whose runtime value differs from its YAML 1.2 value."""
    verdicts: dict[tuple[str, str], bool] = {}  # (tag, text) -> ambiguous; files repeat their scalars a lot
    for node in scalars:
        if node.style or node not in built:
            continue  # quoted and block scalars are strings to both readers
        key = (node.tag, node.value)
        if key not in verdicts:
            verdicts[key] = _is_ambiguous(node, built[node])
        if verdicts[key]:
            yield _ambiguity(path, node, built[node], core_value(node.value))


def _is_ambiguous(node: ScalarNode, runtime_value: Any) -> bool:
    if node.tag != _RESOLVER.resolve(ScalarNode, node.value, (True, False)):
        return False  # an explicit tag: its own diagnostics, if any
    return _differs(runtime_value, core_value(node.value))


def _differs(runtime_value: Any, yaml12_value: Any) -> bool:
    if type(runtime_value) is not type(yaml12_value):
        return True
    if isinstance(runtime_value, float) and math.isnan(runtime_value):
        return not math.isnan(yaml12_value)
    return bool(runtime_value != yaml12_value)


def _ambiguity(path: str, node: ScalarNode, runtime_value: Any, yaml12_value: Any) -> Diagnostic:
    text = node.value
    message = (
        f"`{text}` means {_describe(runtime_value)} to the runtime (PyYAML, YAML 1.1) "
        f"but {_describe(yaml12_value)} to YAML 1.2 readers"
    )
    span = Span(node.start_mark.line + 1, node.start_mark.column + 1)
    return make_diagnostic("yaml11-ambiguous-scalar", path, span, message, fix=_unambiguous(runtime_value, yaml12_value, text))


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null"
    return f"the {type(value).__name__} {value!r}"


def _unambiguous(runtime_value: Any, yaml12_value: Any, text: str) -> str:
    if isinstance(runtime_value, bool):
        return f"write `{str(runtime_value).lower()}` for a boolean, or quote it (`\"{text}\"`) for a string"
    if isinstance(yaml12_value, float) and isinstance(runtime_value, str):
        return f"write the number with a dot and a signed exponent, e.g. `{_float_literal(yaml12_value)}`"
    if isinstance(runtime_value, int) and isinstance(yaml12_value, int):
        return f"write `{runtime_value}` (what the runtime reads) or `0o{runtime_value:o}`, without a leading zero"
    return f"quote it (`\"{text}\"`) if you mean a string, or write the value unambiguously"


def _float_literal(value: float) -> str:
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "" if exponent.startswith(("-", "+")) else "+"
        return f"{mantissa}e{sign}{exponent}"
    return text
