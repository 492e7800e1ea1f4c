"""The checker reads exactly what the runtime's ``yaml.safe_load`` (pure-Python PyYAML) reads.

Two properties, on generated texts:

* attention-config-like files in varied styles (block and flow, quoting,
  tags known and unknown, anchors, merges with overrides, duplicates, odd
  scalars, tabs in various places): when ``yaml.safe_load`` accepts the text,
  ``SourceDocument.data`` equals its result exactly (values, types, key
  order); when it raises, the checker reports PSA001 where PyYAML does;
* short texts of YAML's indicator characters: ``runtime_yaml.compose`` (libyaml
  where allowed) gives the pure-Python composer's nodes and positions, or its
  error at its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config import check_text
from psa_config.runtime_yaml import compose, libyaml_may_compose
from psa_config.source import read_source
from runtime_equality import same

AGREEMENT_EXAMPLES = 3 * settings.default.max_examples  # 600 under the ci profile

ODD_SCALARS = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "~", "null", "", "1e-3", "1.0e-3", "0755", "1_0", ".inf", "-.inf",
    ".nan", "12:30", "2024-01-01", "2024-01-01 10:00:00", "0x1f", "0b101", "0o17", "+1", "-0", "true", "True",
    "FALSE", "128", "128.0", "0.5", "psa", "Gilbert", "a b",
]
RISKY_SCALARS = ["=", "<<", "-", "a: b", "#x", "it's", "x # c", "a,b", "[x"]
TAGS = [
    "!!int", "!!str", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!!set", "!!omap", "!!pairs",
    "!!map", "!!seq", "!foo", "!!python/tuple", "!<tag:yaml.org,2002:int>", "!",
]
TAGGED_SCALARS = ["'5'", "5", "maybe", "notadate", "x", "2024-01-01", "aGVsbG8=", "1.5", "true", "~"]
KEYS = ["type", "mask_ratios", "warmup_steps", "block_size", "m", "n", "tile_n", "description", "1", "2", "4", "8", "0"]


@dataclass
class DefinedAnchors:
    """What the text so far defines: anchor names usable by aliases and merges."""

    anchors: list[str]
    mapping_anchors: list[str] = field(default_factory=list)
    counter: int = 0

    def new_anchor(self) -> str:
        self.counter += 1
        return f"a{self.counter}"


def scalar_text(draw: st.DrawFn) -> str:
    value = draw(st.sampled_from(ODD_SCALARS * 5 + RISKY_SCALARS))
    style = draw(st.sampled_from(["plain"] * 5 + ["single", "double", "tagged"]))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value + '"'
    if style == "tagged":
        return f"{draw(st.sampled_from(TAGS))} {draw(st.sampled_from(TAGGED_SCALARS))}"
    return value


def flow_value(draw: st.DrawFn, defined: DefinedAnchors, depth: int) -> str:
    kind = draw(st.sampled_from(["scalar", "scalar", "seq", "map", "alias"] if depth < 2 else ["scalar"]))
    if kind == "alias" and defined.anchors:
        return "*" + draw(st.sampled_from(defined.anchors))
    if kind == "seq":
        items = draw(st.lists(st.just(None), max_size=3))
        return "[" + ", ".join(flow_value(draw, defined, depth + 1) for _ in items) + "]"
    if kind == "map":
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=3))
        return "{" + ", ".join(f"{key}: {flow_value(draw, defined, depth + 1)}" for key in keys) + "}"
    return scalar_text(draw)


def merge_line(draw: st.DrawFn, defined: DefinedAnchors) -> str | None:
    pool = defined.anchors if not defined.mapping_anchors or draw(st.integers(0, 9)) == 0 else defined.mapping_anchors
    if not pool:
        return None
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    return "<<: *" + chosen[0] if len(chosen) == 1 else "<<: [" + ", ".join("*" + name for name in chosen) + "]"


def block_mapping(draw: st.DrawFn, defined: DefinedAnchors, indent: int, depth: int) -> list[str]:
    """Lines of a block mapping: keys (duplicates allowed), merges, nested blocks, flow values."""
    pad = " " * indent
    lines: list[str] = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5)):
        choice = draw(st.sampled_from(["flow", "flow", "flow", "block", "merge", "anchored"]))
        if choice == "merge" and (line := merge_line(draw, defined)) is not None:
            lines.append(pad + line)
        if choice == "block" and depth < 3:
            lines.append(f"{pad}{key}:")
            lines += block_mapping(draw, defined, indent + 2, depth + 1)
        elif choice == "anchored":
            name = defined.new_anchor()
            value = flow_value(draw, DefinedAnchors(anchors=[]), 1)
            lines.append(f"{pad}{key}: &{name} {value}")
            defined.anchors.append(name)
            if value.startswith("{"):
                defined.mapping_anchors.append(name)
        else:
            lines.append(f"{pad}{key}: {flow_value(draw, defined, 0)}")
    return lines


@st.composite
def config_texts(draw: st.DrawFn) -> str:
    """An attention-config-like file, sometimes damaged (a tab, a stray indicator)."""
    defined = DefinedAnchors(anchors=[])
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        name = defined.new_anchor()
        lines.append(f"_{name}: &{name}")
        lines += block_mapping(draw, defined, 2, 2)
        defined.anchors.append(name)
        defined.mapping_anchors.append(name)
    lines += ["Wan2.1_14b:", "  default_attention: p", "  attention_configs:", "    p:"]
    lines += block_mapping(draw, defined, 6, 0)
    lines = [line + draw(st.sampled_from(["", "", "", "  # note"])) for line in lines]
    return damage(draw, "\n".join(lines) + "\n")


def damage(draw: st.DrawFn, text: str) -> str:
    kind = draw(st.sampled_from(["none", "none", "none", "tab", "char"]))
    if kind == "none":
        return text
    lines = text.split("\n")
    index = draw(st.integers(0, max(0, len(lines) - 2)))
    line = lines[index]
    if kind == "tab":
        where = draw(st.sampled_from(["end", "before-comment", "after-comma", "indent", "anywhere"]))
        if where == "end":
            line += "\t"
        elif where == "before-comment":
            line += "\t# c"
        elif where == "after-comma" and ", " in line:
            line = line.replace(", ", ",\t", 1)
        elif where == "indent" and line.startswith("  "):
            line = "\t" + line[2:]
        else:
            position = draw(st.integers(0, len(line)))
            line = line[:position] + "\t" + line[position:]
    else:
        position = draw(st.integers(0, len(line)))
        inserted = draw(st.sampled_from(["?", ":", "[", "{", "|#", "!", "&", "*", "'", "-", "\u00e9", "\x07", "\ufeff"]))
        line = line[:position] + inserted + line[position:]
    lines[index] = line
    return "\n".join(lines)


def runtime_load(text: str) -> tuple[Any, BaseException | None]:
    try:
        return yaml.load(text, Loader=yaml.SafeLoader), None  # noqa: S506 - the pure-Python safe loader
    except Exception as exc:  # noqa: BLE001 - whatever the runtime's loader raises
        return None, exc


@settings(max_examples=AGREEMENT_EXAMPLES)
@given(config_texts())
def test_checker_data_is_what_safe_load_returns(text: str) -> None:
    expected, error = runtime_load(text)
    event(f"safe_load {'accepts' if error is None else 'raises ' + type(error).__name__}")
    event(f"libyaml may compose: {libyaml_may_compose(text)}")
    source = read_source(text, "x.yaml")
    diagnostics = check_text(text, "x.yaml")
    if error is None:
        event(f"accepted with merges: {'<<' in text}")
        assert source.readable, source.diagnostics
        assert same(expected, source.data), (expected, source.data)
        assert "PSA001" not in {d.code for d in diagnostics}
        return
    assert not source.readable
    load_failures = [(d.line, d.column) for d in diagnostics if d.code == "PSA001"]
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        assert (mark.line + 1, mark.column + 1) in load_failures
    elif isinstance(error, yaml.reader.ReaderError):  # a forbidden character: PyYAML gives its index
        line = text[: error.position].count("\n") + 1
        assert (line, error.position - text.rfind("\n", 0, error.position)) in load_failures
    else:  # a scalar constructor's bare exception: located at the tagged scalar
        assert load_failures and "!" in text.split("\n")[load_failures[0][0] - 1]


PIECES = [
    "a", "1", " ", "  ", "\n", "\n  ", "\n- ", ": ", ":", "-", "[", "]", "{", "}", ",", ", ", "?", "? ", "#", " #",
    '"', "'", "&x ", "*x", "|", ">", "|#", "\\", "...", "---", "<<: ", "\t", "!!int ", "!x ", "%YAML 1.1\n",
    "\r\n", "\u00e9", "\ufeff", "\u2028", "~",
]


def node_shape(node: Node | None, seen: dict[int, int]) -> Any:
    """A comparable picture of a node graph: tags, values, styles, start positions, shared nodes."""
    if node is None:
        return None
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.value, node.style or None, where)
    if isinstance(node, SequenceNode):
        return ("seq", node.tag, where, tuple(node_shape(item, seen) for item in node.value))
    assert isinstance(node, MappingNode)
    return ("map", node.tag, where, tuple((node_shape(k, seen), node_shape(v, seen)) for k, v in node.value))


def composed(text: str, reader: Any) -> Any:
    try:
        return ("ok", node_shape(reader(text), {}))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return ("error", type(exc).__name__, mark and (mark.line, mark.column))
    except (yaml.YAMLError, RecursionError) as exc:
        return ("error", type(exc).__name__)


@settings(max_examples=AGREEMENT_EXAMPLES)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join))
def test_fast_composer_agrees_with_the_runtimes(text: str) -> None:
    event(f"libyaml may compose: {libyaml_may_compose(text)}")
    assert composed(text, compose) == composed(text, lambda t: yaml.compose(t, Loader=yaml.SafeLoader))
