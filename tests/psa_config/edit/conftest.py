from __future__ import annotations

from pathlib import Path

import pytest
from edit_corpus import corpus_files


@pytest.fixture(params=corpus_files(), ids=lambda p: p.name)
def corpus_path(request: pytest.FixtureRequest) -> Path:
    return request.param  # type: ignore[no-any-return]
