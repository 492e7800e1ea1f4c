"""Reading an attention_config.yaml with positions, as the runtime reads it.

The published runtime loads the file with PyYAML (YAML 1.1). Editors and
most tools read YAML 1.2. This module composes the text once with the
runtime's own parser (PyYAML, with libyaml when present: the composed nodes
keep every position), builds the plain Python data the *runtime* sees, and
reports every scalar the two readers disagree on, every duplicate key and
every syntax problem as located diagnostics.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml as pyyaml
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import make_diagnostic
from psa_config.runtime_yaml import LOADER, MERGE_TAG, merge_sources
from psa_config.yaml12 import core_value

Path = tuple[Any, ...]
"""A position in the data: model name, 'attention_configs', preset name, key, ..."""

MAX_EXPANDED_NODES = 50_000


@dataclass(frozen=True)
class Span:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass
class SourceDocument:
    """The runtime's view of the file plus where every key and value is written."""

    path: str
    text: str
    data: Any = None
    key_spans: dict[Path, Span] = field(default_factory=dict)
    value_spans: dict[Path, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True
    """False when the structure could not be read (syntax error, alias bomb): no data."""

    def key_span(self, path: Path) -> Span:
        """Where the key at ``path`` is written (or its nearest written ancestor)."""
        return self._nearest(path, self.key_spans, self.value_spans)

    def value_span(self, path: Path) -> Span:
        """Where the value at ``path`` is written (or its nearest written ancestor)."""
        return self._nearest(path, self.value_spans, self.key_spans)

    def has_value(self, path: Path) -> bool:
        return path in self.value_spans

    def _nearest(self, path: Path, first: dict[Path, Span], second: dict[Path, Span]) -> Span:
        if path in first:
            return first[path]
        if path in second:
            return second[path]
        while path:
            path = path[:-1]
            if path in self.key_spans:
                return self.key_spans[path]
        return Span(1, 1)


def read_source(text: str, path: str) -> SourceDocument:
    """Compose ``text`` and build the runtime's data, positions and reading diagnostics."""
    document = SourceDocument(path=path, text=text)
    root = _compose(document)
    if root is None:
        return document
    builder = _DataBuilder(document)
    try:
        document.data = builder.build(root, ())
    except _ExpansionLimit:
        document.readable = False
        document.data = None
        document.diagnostics.append(
            make_diagnostic(
                "yaml-syntax",
                path,
                Span(1, 1),
                f"the document expands to more than {MAX_EXPANDED_NODES} nodes through aliases "
                "(an alias bomb?); refusing to read it",
                fix="expand fewer aliases: anchors that refer to anchors multiply the document",
            )
        )
    return document


def _compose(document: SourceDocument) -> Node | None:
    try:
        root = pyyaml.compose(document.text, Loader=LOADER)
    except MarkedYAMLError as exc:
        document.readable = False
        document.diagnostics.append(_syntax_diagnostic(document.path, document.text, exc))
        return None
    except (YAMLError, ValueError, UnicodeError) as exc:
        document.readable = False
        document.diagnostics.append(make_diagnostic("yaml-syntax", document.path, Span(1, 1), _one_line(str(exc))))
        return None
    except RecursionError:
        document.readable = False
        document.diagnostics.append(
            make_diagnostic("yaml-syntax", document.path, Span(1, 1), "the document is nested too deeply to read")
        )
        return None
    if root is None:
        document.readable = False
        document.diagnostics.append(
            make_diagnostic(
                "empty-document",
                document.path,
                Span(1, 1),
                "the file holds no YAML document; expected a mapping of model name -> model section",
            )
        )
    return root


def _syntax_diagnostic(path: str, text: str, exc: MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span(mark.line + 1, mark.column + 1) if mark is not None else Span(1, 1)
    parts = [part for part in (exc.context, exc.problem) if part]
    message = "; ".join(parts) if parts else "malformed YAML"
    if _char_at(text, span) == "\t" or "'\\t'" in message:
        message += " (a tab: YAML forbids tabs for indentation, use spaces)"
    return make_diagnostic("yaml-syntax", path, span, _one_line(message))


def _char_at(text: str, span: Span) -> str:
    lines = text.splitlines()
    if span.line - 1 >= len(lines):
        return ""
    line = lines[span.line - 1]
    return line[span.column - 1] if span.column - 1 < len(line) else ""


def _one_line(message: str) -> str:
    return re.sub(r"\s+", " ", message).strip()


class _ExpansionLimit(Exception):
    pass


class _DataBuilder:
    """Turns composed nodes into the runtime's (PyYAML's) plain values, recording spans."""

    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.visited = 0
        self.yaml11_resolver = pyyaml.resolver.Resolver()
        self.yaml11_constructor = pyyaml.constructor.SafeConstructor()
        self.reported_scalars: set[int] = set()

    def build(self, node: Node, path: Path) -> Any:
        self.visited += 1
        if self.visited > MAX_EXPANDED_NODES:
            raise _ExpansionLimit
        self.document.value_spans.setdefault(path, _span(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self._merge(value_node, path, result, explicit)
                continue
            key = self._key(key_node)
            if key in explicit:
                self._duplicate(key_node, key, path)
            explicit.add(key)
            result.pop(key, None)
            self.document.key_spans[(*path, key)] = _span(key_node)
            self.document.value_spans.pop((*path, key), None)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _merge(self, value_node: Node, path: Path, result: dict[Any, Any], explicit: set[Any]) -> None:
        for source in merge_sources(value_node):
            if not isinstance(source, MappingNode):
                self.document.diagnostics.append(
                    make_diagnostic(
                        "wrong-type", self.document.path, _span(source), "a merge key `<<` needs a mapping or a list of mappings"
                    )
                )
                continue
            for key_node, inner_value in source.value:
                key = self._key(key_node)
                if key in explicit or key in result:
                    continue
                self.document.key_spans[(*path, key)] = _span(key_node)
                result[key] = self.build(inner_value, (*path, key))

    def _key(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            value = self._scalar(node)
            return value if _hashable(value) else str(value)
        self.document.diagnostics.append(
            make_diagnostic("wrong-type", self.document.path, _span(node), "mapping keys must be plain scalars")
        )
        return f"<complex key at line {node.start_mark.line + 1}>"

    def _duplicate(self, key_node: Node, key: Any, path: Path) -> None:
        first = self.document.key_spans.get((*path, key))
        where = f" (first at line {first.line})" if first else ""
        self.document.diagnostics.append(
            make_diagnostic(
                "duplicate-key",
                self.document.path,
                _span(key_node),
                f"duplicate key `{key}`{where}: the runtime silently keeps only the last value",
                data_path=(*path, key),
            )
        )

    def _scalar(self, node: ScalarNode) -> Any:
        if node.style:  # quoted or block scalar: always a string ('' or None means plain)
            return node.value
        implicit_tag = self.yaml11_resolver.resolve(pyyaml.ScalarNode, node.value, (True, False))
        runtime_value = self._yaml11(node.tag, node.value)
        if node.tag != implicit_tag:
            return runtime_value
        yaml12_value = core_value(node.value)
        if id(node) not in self.reported_scalars and _differs(runtime_value, yaml12_value):
            self.reported_scalars.add(id(node))
            self.document.diagnostics.append(_ambiguity(self.document.path, node, runtime_value, yaml12_value))
        return runtime_value

    def _yaml11(self, tag: str, text: str) -> Any:
        try:
            return self.yaml11_constructor.construct_object(pyyaml.ScalarNode(tag, text))
        except (YAMLError, ValueError, TypeError, OverflowError):
            return text


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
    return make_diagnostic("yaml11-ambiguous-scalar", path, _span(node), message, fix=_unambiguous(runtime_value, yaml12_value, text))


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


def _span(node: Node) -> Span:
    return Span(node.start_mark.line + 1, node.start_mark.column + 1)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


SUPPRESSION = re.compile(r"#\s*psa-config:\s*ignore(?:\[([^\]]*)\])?")


def suppressions(text: str) -> dict[int, frozenset[str] | None]:
    """Line -> codes/names suppressed there (``None``: everything on that line)."""
    found: dict[int, frozenset[str] | None] = {}
    for number, line in _numbered_lines(text):
        match = SUPPRESSION.search(line)
        if match is None:
            continue
        names = match.group(1)
        found[number] = None if names is None else frozenset(p.strip() for p in names.split(",") if p.strip())
    return found


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    if "psa-config" not in text:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" in line:
            yield number, line
