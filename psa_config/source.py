"""Reading an attention_config.yaml with positions, exactly as the runtime reads it.

The published runtime loads the file with ``yaml.safe_load`` (pure-Python
PyYAML, YAML 1.1). :func:`read_source` composes the text with that reader
(libyaml only where it provably agrees: see :mod:`psa_config.runtime_yaml`),
builds the data with PyYAML's own ``SafeConstructor`` (so
``SourceDocument.data`` is what ``yaml.safe_load`` returns: values, types,
key order, merges, tags), then records where every key and value is written
and reports, as located diagnostics, whatever stops ``safe_load`` (syntax,
a tag it cannot construct, an unhashable key), duplicate keys, alias bombs
and plain scalars YAML 1.2 readers read differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import Node
from yaml.reader import ReaderError

from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import make_diagnostic
from psa_config.runtime_yaml import ScalarConstructionError, compose, construct
from psa_config.scalar_ambiguity import ambiguous_scalars
from psa_config.source_document import Path, SourceDocument, Span
from psa_config.source_walk import AliasExpansionLimit, NodeInventory, RecursiveAlias, SpanWalker, span_of, take_inventory

__all__ = ["Path", "SourceDocument", "Span", "read_source", "suppressions"]

CANNOT_LOAD = "the runtime cannot load this file: yaml.safe_load fails"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What PyYAML counts as a line break."""


def read_source(text: str, path: str) -> SourceDocument:
    """Compose and construct ``text`` as the runtime does; positions and reading diagnostics."""
    document = SourceDocument(path=path, text=text)
    root = _compose(document)
    if root is None:
        return document
    inventory = take_inventory(root)
    built = _construct(document, root)
    if built is None:
        return document
    _walk(document, root, inventory, built)
    if document.readable:
        document.diagnostics += ambiguous_scalars(path, inventory.scalars, built)
    return document


def _compose(document: SourceDocument) -> Node | None:
    try:
        root = compose(document.text)
    except MarkedYAMLError as exc:
        _unreadable(document, _marked_error(document.path, document.text, exc))
        return None
    except ReaderError as exc:
        _unreadable(document, _reader_error(document.path, document.text, exc))
        return None
    except (YAMLError, ValueError, UnicodeError) as exc:
        _unreadable(document, make_diagnostic("yaml-syntax", document.path, Span(1, 1), _one_line(str(exc))))
        return None
    except RecursionError:
        _unreadable(document, _too_deep(document.path))
        return None
    if root is None:
        _unreadable(
            document,
            make_diagnostic(
                "empty-document",
                document.path,
                Span(1, 1),
                "the file holds no YAML document; expected a mapping of model name -> model section",
            ),
        )
    return root


def _construct(document: SourceDocument, root: Node) -> dict[Node, Any] | None:
    try:
        document.data, built = construct(root)
    except ScalarConstructionError as exc:
        fix = f"write a value `{exc.tag}` accepts, or drop the tag"
        _unreadable(document, _marked_error(document.path, document.text, exc, prefix=CANNOT_LOAD + ": ", fix=fix))
        return None
    except MarkedYAMLError as exc:
        _unreadable(document, _marked_error(document.path, document.text, exc, prefix=CANNOT_LOAD + ": "))
        return None
    except RecursionError:
        _unreadable(document, _too_deep(document.path))
        return None
    return built


def _walk(document: SourceDocument, root: Node, inventory: NodeInventory, built: dict[Node, Any]) -> None:
    try:
        SpanWalker(document, inventory, built).walk(root)
    except AliasExpansionLimit as exc:
        _unreadable(document, _alias_bomb(document, inventory, exc.path))
    except RecursiveAlias as exc:
        _unreadable(
            document,
            make_diagnostic(
                "yaml-syntax",
                document.path,
                span_of(exc.node),
                "this node contains itself through an alias: the runtime reads an endlessly nested value",
                fix="refer to the anchor only outside the node that defines it",
            ),
        )


def _alias_bomb(document: SourceDocument, inventory: NodeInventory, path: Path) -> Diagnostic:
    top = path[:1]
    where = f"the value of `{top[0]}`" if top else "the document"
    return make_diagnostic(
        "yaml-syntax",
        document.path,
        document.key_span(top) if top else Span(1, 1),
        f"{where} expands through aliases to more than {inventory.alias_expansion_limit()} extra nodes "
        f"({inventory.count} written): an alias bomb? refusing to read it",
        fix="expand fewer aliases: anchors that refer to anchors multiply the document",
    )


def _unreadable(document: SourceDocument, diagnostic: Diagnostic) -> None:
    document.readable = False
    document.data = None
    document.key_spans.clear()
    document.value_spans.clear()
    document.diagnostics = [diagnostic]


def _reader_error(path: str, text: str, exc: ReaderError) -> Diagnostic:
    """A character YAML forbids, at its line and column (PyYAML gives only its index)."""
    before = text[: exc.position]
    breaks = list(_LINE_BREAK.finditer(before))
    column = exc.position - (breaks[-1].end() if breaks else 0) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"the character U+{ord(character):04X} is not allowed in YAML (the runtime's reader stops here)"
    fix = "delete the character, or write it as an escape (`\\x07`) inside double quotes"
    return make_diagnostic("yaml-syntax", path, Span(len(breaks) + 1, column), message, fix=fix)


def _too_deep(path: str) -> Diagnostic:
    return make_diagnostic("yaml-syntax", path, Span(1, 1), "the document is nested too deeply for the runtime's YAML reader")


def _marked_error(path: str, text: str, exc: MarkedYAMLError, *, prefix: str = "", fix: str | None = None) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    span = Span(mark.line + 1, mark.column + 1) if mark is not None else Span(1, 1)
    parts = [part for part in (exc.context, exc.problem) if part]
    message = prefix + ("; ".join(parts) if parts else "malformed YAML")
    if (mark is not None and text[mark.index : mark.index + 1] == "\t") or "'\\t'" in message:
        message += " (a tab: the runtime's reader takes tabs only inside quotes, block scalars and comments; use spaces)"
    return make_diagnostic("yaml-syntax", path, span, _one_line(message), fix=fix)


def _one_line(message: str) -> str:
    return re.sub(r"\s+", " ", message).strip()


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
