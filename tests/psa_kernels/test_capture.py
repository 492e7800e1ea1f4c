"""capture_qkv on tiny randomly initialised diffusers transformers (no download)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

pytest.importorskip("diffusers")

from diffusers import CogVideoXTransformer3DModel, WanTransformer3DModel  # noqa: E402
from diffusers.models.embeddings import get_3d_rotary_pos_embed  # noqa: E402

from psa_kernels.capture import CaptureError, capture_qkv, read_index  # noqa: E402
from psa_kernels.data import load_qkv  # noqa: E402

HEADS, HEAD_DIM, TEXT_DIM, TEXT_TOKENS = 2, 16, 32, 6
LATENT_FRAMES, LATENT_SIDE = 3, 8


def tiny_wan() -> WanTransformer3DModel:
    torch.manual_seed(0)
    return WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=HEADS, attention_head_dim=HEAD_DIM, in_channels=4,
        out_channels=4, text_dim=TEXT_DIM, freq_dim=32, ffn_dim=64, num_layers=2, rope_max_seq_len=32,
    ).eval()


def tiny_cogvideox() -> CogVideoXTransformer3DModel:
    torch.manual_seed(0)
    return CogVideoXTransformer3DModel(
        num_attention_heads=HEADS, attention_head_dim=HEAD_DIM, in_channels=4, out_channels=4, time_embed_dim=16,
        text_embed_dim=TEXT_DIM, num_layers=2, sample_width=LATENT_SIDE, sample_height=LATENT_SIDE,
        sample_frames=(LATENT_FRAMES - 1) * 4 + 1, patch_size=2, max_text_seq_length=TEXT_TOKENS,
        use_rotary_positional_embeddings=True,
    ).eval()


def run_wan(model: WanTransformer3DModel, timestep: float) -> None:
    latents = torch.randn(1, 4, LATENT_FRAMES, LATENT_SIDE, LATENT_SIDE)
    model(hidden_states=latents, timestep=torch.tensor([timestep]), encoder_hidden_states=torch.randn(1, 5, TEXT_DIM))


def run_cogvideox(model: CogVideoXTransformer3DModel, timestep: float) -> None:
    side = LATENT_SIDE // 2
    rotary = get_3d_rotary_pos_embed(HEAD_DIM, ((0, 0), (side, side)), (side, side), LATENT_FRAMES)
    latents = torch.randn(1, LATENT_FRAMES, 4, LATENT_SIDE, LATENT_SIDE)
    text = torch.randn(1, TEXT_TOKENS, TEXT_DIM)
    model(hidden_states=latents, encoder_hidden_states=text, timestep=torch.tensor([timestep]), image_rotary_emb=rotary)


def attention_outputs(model: torch.nn.Module, layer: int) -> tuple[list[torch.Tensor], torch.utils.hooks.RemovableHandle]:
    """The self-attention module's outputs, in the model's token order (CogVideoX: text first)."""
    seen: list[torch.Tensor] = []
    blocks = model.blocks if isinstance(model, WanTransformer3DModel) else model.transformer_blocks

    def hook(module: torch.nn.Module, args: object, output: object) -> None:
        seen.append(torch.cat([output[1], output[0]], dim=1) if isinstance(output, tuple) else output)

    return seen, blocks[layer].attn1.register_forward_hook(hook)


def dense_output(module: torch.nn.Module, path: Path) -> torch.Tensor:
    """The layer's output recomputed from the captured q, k, v with dense SDPA and the layer's out projection."""
    q, k, v = load_qkv(path)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    return module.to_out[0](out.transpose(1, 2).flatten(2))


@pytest.mark.parametrize(
    ("make", "run", "text_length"),
    [(tiny_wan, run_wan, 0), (tiny_cogvideox, run_cogvideox, TEXT_TOKENS)],
    ids=["wan", "cogvideox"],
)
def test_captured_qkv_reproduce_the_layer_output(tmp_path: Path, make, run, text_length: int) -> None:
    model = make()
    seen, handle = attention_outputs(model, layer=1)
    with torch.no_grad(), capture_qkv(model, tmp_path, layers=[1], model_name="tiny") as cap:
        run(model, 500.0)
    handle.remove()
    (record,) = cap.records
    tokens = LATENT_FRAMES * (LATENT_SIDE // 2) ** 2
    assert record.shape == (1, HEADS, tokens + text_length, HEAD_DIM)
    assert record.text_length == text_length
    assert record.grid == (LATENT_SIDE // 2, LATENT_SIDE // 2, LATENT_FRAMES)
    assert record.video == (LATENT_SIDE * 8, LATENT_SIDE * 8, (LATENT_FRAMES - 1) * 4 + 1)
    module = (model.blocks if make is tiny_wan else model.transformer_blocks)[1].attn1
    with torch.no_grad():
        recomputed = dense_output(module, tmp_path / record.file)
    torch.testing.assert_close(recomputed, seen[0], rtol=1e-4, atol=1e-5)


def test_rotary_is_applied_before_capture(tmp_path: Path) -> None:
    """Captured keys differ from the plain projection: the rotary embedding was applied."""
    model = tiny_wan()
    projections: list[torch.Tensor] = []
    handle = model.blocks[0].attn1.to_k.register_forward_hook(lambda m, a, out: projections.append(out))
    with torch.no_grad(), capture_qkv(model, tmp_path, layers=[0]) as cap:
        run_wan(model, 10.0)
    handle.remove()
    k = load_qkv(tmp_path / cap.records[0].file).k
    normed = model.blocks[0].attn1.norm_k(projections[0]).unflatten(2, (HEADS, -1)).transpose(1, 2)
    assert not torch.allclose(k, normed, atol=1e-3)
    torch.testing.assert_close(k.norm(dim=-1), normed.norm(dim=-1), rtol=1e-4, atol=1e-5)  # a rotation


def test_steps_and_passes_follow_the_timestep(tmp_path: Path) -> None:
    model = tiny_wan()
    with torch.no_grad(), capture_qkv(model, tmp_path, layers=[0], steps=[0, 2], model_name="Wan2.1_1.3b") as cap:
        for timestep in (900.0, 900.0, 800.0, 700.0, 700.0):  # steps 0 (two passes), 1, 2 (two passes)
            run_wan(model, timestep)
    assert [(r.step, r.pass_index) for r in cap.records] == [(0, 0), (0, 1), (2, 0), (2, 1)]
    model_name, records = read_index(tmp_path)
    assert model_name == "Wan2.1_1.3b"
    assert records == cap.records
    assert all((tmp_path / r.file).is_file() for r in records)


def test_sdpa_is_restored_after_a_failing_call(tmp_path: Path) -> None:
    model = tiny_wan()
    original = torch.nn.functional.scaled_dot_product_attention

    def fail(module: torch.nn.Module, args: object, output: object) -> None:
        assert torch.nn.functional.scaled_dot_product_attention is not original  # inside the recording
        raise RuntimeError("boom")

    model.blocks[0].attn1.to_out[0].register_forward_hook(fail)  # runs after SDPA, inside attn1
    with pytest.raises(RuntimeError, match="boom"), capture_qkv(model, tmp_path, layers=[0]):
        run_wan(model, 1.0)
    assert torch.nn.functional.scaled_dot_product_attention is original


def test_bad_layer_and_model_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="out of range"):
        capture_qkv(tiny_wan(), tmp_path, layers=[5])
    with pytest.raises(CaptureError, match="Wan and CogVideoX"):
        capture_qkv(torch.nn.Linear(2, 2), tmp_path)


def test_tune_reads_a_capture_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """capture -> tune --qkv DIR: every indexed file is a sample, at the video size the index gives."""
    pytest.importorskip("optuna")
    import json

    from psa_config.cli import main

    model = tiny_wan()
    with torch.no_grad(), capture_qkv(model, tmp_path / "qkv", layers=[0, 1], model_name="Wan2.1_1.3b"):
        run_wan(model, 900.0)
    config = Path(__file__).parents[2] / "configs" / "attention_config.yaml"
    code = main(["tune", str(config), "--model", "Wan2.1_1.3b", "--qkv", str(tmp_path / "qkv"), "--max-error", "2",
                 "--trials", "1", "--n", "32", "--device", "cpu", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [s["label"] for s in report["samples"]] == [r.file for r in read_index(tmp_path / "qkv")[1]]
    assert {tuple(s["video"]) for s in report["samples"]} == {(64, 64, 9)}
    assert all(s["seq_len"] == 48 for s in report["samples"])
