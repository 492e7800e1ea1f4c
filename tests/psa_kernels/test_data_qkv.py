"""Q/K/V inputs: random and local generators, loading captured tensors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from psa_kernels.data import Grid, Qkv, QkvFileError, grid_positions, load_qkv, local_qkv, random_qkv, save_qkv


def test_random_qkv_shape_dtype_and_seed() -> None:
    a = random_qkv(2, 3, 50, 16, dtype=torch.float16, seed=7)
    b = random_qkv(2, 3, 50, 16, dtype=torch.float16, seed=7)
    c = random_qkv(2, 3, 50, 16, dtype=torch.float16, seed=8)
    assert a.shape == (2, 3, 50, 16)
    assert all(x.dtype == torch.float16 and x.shape == (2, 3, 50, 16) for x in a)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a.q, c.q)
    assert not torch.equal(a.q, a.k)


def test_local_qkv_puts_text_first_and_is_reproducible() -> None:
    grid = Grid(width=5, height=4, depth=3)
    a = local_qkv(grid, text_length=7, batch=2, heads=3, head_dim=32, seed=1)
    b = local_qkv(grid, text_length=7, batch=2, heads=3, head_dim=32, seed=1)
    assert a.shape == (2, 3, 7 + 60, 32)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    video = local_qkv(grid, text_length=0, batch=2, heads=3, head_dim=32, seed=1)
    torch.testing.assert_close(a.q[:, :, 7:], video.q)


def test_grid_positions_are_raster_order() -> None:
    grid = Grid(width=3, height=2, depth=2)
    positions = grid_positions(grid)
    index = lambda x, y, z: x + grid.width * (y + grid.height * z)  # noqa: E731
    assert positions.shape == (12, 3)
    assert positions[index(2, 1, 0)].tolist() == [2.0, 1.0, 0.0]
    assert positions[index(1, 0, 1)].tolist() == [1.0, 0.0, 1.0]


def _neighbour_vs_far_cosine(qkv: Qkv, grid: Grid) -> tuple[float, float]:
    """Mean cosine of q with k at the next token along x, and with k at a far-away token."""
    pos = grid_positions(grid)
    q = torch.nn.functional.normalize(qkv.q[0].float(), dim=-1)
    k = torch.nn.functional.normalize(qkv.k[0].float(), dim=-1)
    has_right = pos[:, 0] < grid.width - 1
    near = (q[:, has_right] * k[:, has_right.nonzero()[:, 0] + 1]).sum(-1).mean()
    far_index = torch.arange(grid.tokens - 1, -1, -1)  # the point-mirrored token
    far_mask = (pos - pos[far_index]).norm(dim=-1) >= 5
    far = (q[:, far_mask] * k[:, far_index[far_mask]]).sum(-1).mean()
    return float(near), float(far)


@settings(max_examples=15, deadline=None)
@given(
    width=st.integers(8, 16),
    height=st.integers(8, 12),
    depth=st.integers(2, 4),
    seed=st.integers(0, 10_000),
)
def test_local_keys_near_a_query_score_higher_than_far_ones(width: int, height: int, depth: int, seed: int) -> None:
    grid = Grid(width, height, depth)
    near, far = _neighbour_vs_far_cosine(local_qkv(grid, heads=4, head_dim=64, seed=seed), grid)
    assert near > far + 0.2
    rand_near, rand_far = _neighbour_vs_far_cosine(random_qkv(1, 4, grid.tokens, 64, seed=seed), grid)
    assert abs(rand_near - rand_far) < 0.1


def test_local_attention_concentrates_on_fewer_keys_than_random() -> None:
    grid = Grid(16, 12, 4)

    def keys_for_90_percent(qkv: Qkv) -> float:
        weights = torch.softmax(qkv.q @ qkv.k.transpose(-1, -2) / 8.0, dim=-1)
        cumulative = weights.sort(dim=-1, descending=True).values.cumsum(-1)
        return float((cumulative < 0.9).sum(-1).float().mean())

    local = keys_for_90_percent(local_qkv(grid, heads=2, head_dim=64, seed=3))
    flat = keys_for_90_percent(random_qkv(1, 2, grid.tokens, 64, seed=3))
    assert local < 0.5 * flat


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_save_and_load_round_trip(tmp_path: Path, suffix: str) -> None:
    qkv = random_qkv(1, 2, 40, 16, dtype=torch.bfloat16, seed=2)
    path = tmp_path / f"captured{suffix}"
    save_qkv(path, qkv)
    loaded = load_qkv(path)
    assert all(torch.equal(a, b) and b.dtype == torch.bfloat16 for a, b in zip(qkv, loaded))


def test_three_dimensional_tensors_get_a_batch_of_one(tmp_path: Path) -> None:
    path = tmp_path / "heads.pt"
    torch.save({key: torch.randn(2, 10, 8) for key in "qkv"}, path)
    assert load_qkv(path).shape == (1, 2, 10, 8)


def _write_pt(path: Path, content: object) -> Path:
    torch.save(content, path)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"q": torch.randn(1, 2, 8, 4), "k": torch.randn(1, 2, 8, 4)}, "missing v"),
        ({key: torch.randn(8, 4) for key in "qkv"}, "expected [B, H, L, D]"),
        ({"q": torch.randn(1, 2, 8, 4), "k": torch.randn(1, 2, 9, 4), "v": torch.randn(1, 2, 8, 4)}, "one shape"),
        ({key: torch.ones(1, 2, 8, 4, dtype=torch.int32) for key in "qkv"}, "floating dtype"),
        ({"q": [1, 2], "k": torch.randn(1, 1, 2, 2), "v": torch.randn(1, 1, 2, 2)}, "not a tensor"),
        ([torch.randn(1, 1, 2, 2)] * 3, "expected a dict"),
    ],
)
def test_bad_files_raise_a_named_problem(tmp_path: Path, content: object, message: str) -> None:
    path = _write_pt(tmp_path / "bad.pt", content)
    with pytest.raises(QkvFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_qkv(path)


def test_missing_corrupt_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(QkvFileError, match="no such file"):
        load_qkv(tmp_path / "absent.pt")
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(b"not a tensor file")
    with pytest.raises(QkvFileError, match="cannot read tensors"):
        load_qkv(corrupt)
    with pytest.raises(QkvFileError, match=r"\.pt, \.pth or \.safetensors"):
        load_qkv(tmp_path / "tensors.npz")
