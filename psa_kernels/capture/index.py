"""The JSON index written beside captured ``.safetensors`` files, and reading it back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

INDEX_NAME = "index.json"
FORMAT = "psa-qkv-capture/1"


@dataclass(frozen=True)
class CaptureRecord:
    """One captured attention call: its file (relative to the index) and where it came from."""

    file: str
    layer: int
    step: int
    pass_index: int
    """Calls at one denoising step (Wan runs the conditional and unconditional passes separately)."""
    timestep: float | None
    shape: tuple[int, int, int, int]
    dtype: str
    video: tuple[int, int, int]
    """(width, height, frames) in pixels, as ``--video`` takes it."""
    grid: tuple[int, int, int]
    """Token grid (width, height, depth)."""
    text_length: int

    @property
    def video_text(self) -> str:
        return "x".join(str(side) for side in self.video)


class CaptureIndexError(ValueError):
    """An index file that cannot be read (a one-line message)."""


def write_index(folder: Path, model: str, transformer: str, records: list[CaptureRecord]) -> Path:
    path = folder / INDEX_NAME
    body = {"format": FORMAT, "model": model, "transformer": transformer, "samples": [asdict(r) for r in records]}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path


def read_index(folder: Path) -> tuple[str, list[CaptureRecord]]:
    """(model name, records) of ``folder/index.json``; raises :class:`CaptureIndexError` naming the problem."""
    path = folder / INDEX_NAME
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        records = [_record(item) for item in body["samples"]]
        return str(body["model"]), records
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CaptureIndexError(f"{path}: not a capture index ({exc})") from None


def _record(item: dict[str, object]) -> CaptureRecord:
    fields = dict(item)
    for key in ("shape", "video", "grid"):
        fields[key] = tuple(fields[key])  # type: ignore[arg-type]
    return CaptureRecord(**fields)  # type: ignore[arg-type]
