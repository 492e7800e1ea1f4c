"""``json``: exactly one object, ``{"version": 1, "diagnostics": [...]}``."""

from __future__ import annotations

import json

from psa_config.diagnostics import Diagnostic

JSON_FORMAT_VERSION = 1


class JsonReporter:
    """Machine-readable output; each entry is :meth:`Diagnostic.to_json`."""

    name = "json"

    def render(self, diagnostics: list[Diagnostic], *, color: bool) -> str:
        del color
        document = {"version": JSON_FORMAT_VERSION, "diagnostics": [d.to_json() for d in diagnostics]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
