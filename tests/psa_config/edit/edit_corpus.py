"""The reference file and the styled corpus the edit tests run over."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
CORPUS_DIR = Path(__file__).parent / "corpus"
REFERENCE = ROOT / "configs" / "attention_config.yaml"


def corpus_files() -> list[Path]:
    """The reference file and the styled variants."""
    return [REFERENCE, *sorted(CORPUS_DIR.glob("*.yaml"))]


def read(path: Path) -> str:
    """Exact text (CRLF kept)."""
    return path.read_bytes().decode("utf-8")


@lru_cache(maxsize=None)
def load(text: str) -> Any:
    """PyYAML's reading (the runtime's); cached, so callers must not mutate it."""
    return yaml.safe_load(text)


def psa_presets(text: str) -> list[tuple[str, str]]:
    return [(m, p) for m, section in load(text).items() for p, preset in section["attention_configs"].items()
            if preset.get("type") == "psa"]
