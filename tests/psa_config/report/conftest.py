"""The ``mixed`` fixture: diagnostics of every severity, in two files."""

from __future__ import annotations

import pytest
from report_samples import make

from psa_config.diagnostics import Diagnostic, Severity


@pytest.fixture
def mixed() -> list[Diagnostic]:
    """Two files, all three severities, a message with characters formats must escape."""
    return [
        make(line=3, column=7),
        make(line=9, column=2, severity=Severity.WARNING, code="PSA301", name="pooled-tile-misread",
             message="level 8 reads wrong rows: n=64, tile_n=32", fix="use n: 128"),
        make(path="other/attention_config.yml", line=1, column=1, severity=Severity.INFO, code="PSA401",
             name="runtime-default", message="100% of\nkeys, default: true"),
    ]
