"""Capture q, k, v from a tiny randomly initialised Wan transformer at a real Wan2.1 1.3B attention shape.

The attention layers have Wan2.1 1.3B's geometry (12 heads x 128, patch 1x2x2,
rotary embedding); everything else is shrunk (2 blocks, small FFN and text
width) and the weights are random, so this exercises capture and ``tune --qkv``
end to end without a download. Random weights give flatter attention than a
trained model: treat results on these tensors as a pipeline check, not as a
preset for real videos.

    python dev/capture_tiny_wan.py --out /tmp/qkv --video 832x480x81 --device cuda
"""

from __future__ import annotations

import argparse
import sys
import time

import torch

LATENT_CHANNELS = 16
TEXT_TOKENS, TEXT_DIM = 512, 64


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the .safetensors files and index.json")
    parser.add_argument("--video", default="832x480x81", help="WIDTHxHEIGHTxFRAMES (default 832x480x81)")
    parser.add_argument("--layers", default="0,1", help="blocks to capture (default 0,1)")
    parser.add_argument("--steps", type=int, default=2, help="denoising steps to run, each captured (default 2)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", choices=("bf16", "fp32"), default="bf16", help="dtype of the saved tensors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from diffusers import WanTransformer3DModel

    from psa_kernels.capture import capture_qkv

    width, height, frames = (int(side) for side in args.video.lower().split("x"))
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    torch.manual_seed(args.seed)
    model = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=LATENT_CHANNELS,
        out_channels=LATENT_CHANNELS, text_dim=TEXT_DIM, freq_dim=256, ffn_dim=512, num_layers=2,
    )
    # bf16 on CUDA (flash SDPA at 32k tokens; float32 could fall back to a 50 GB math kernel), float32 on the CPU
    model_dtype = torch.bfloat16 if args.device == "cuda" else torch.float32
    model = model.to(args.device, model_dtype).eval()
    latent = (1, LATENT_CHANNELS, (frames - 1) // 4 + 1, height // 8, width // 8)
    latents = torch.randn(latent, device=args.device, dtype=model_dtype)
    text = torch.randn(1, TEXT_TOKENS, TEXT_DIM, device=args.device, dtype=model_dtype)
    layers = [int(layer) for layer in args.layers.split(",")]
    start = time.perf_counter()
    with torch.no_grad(), capture_qkv(model, args.out, layers=layers, model_name="Wan2.1_1.3b", dtype=dtype) as capture:
        for step in range(args.steps):
            timestep = torch.tensor([999.0 - 500.0 * step], device=args.device)
            latents = model(hidden_states=latents, timestep=timestep, encoder_hidden_states=text).sample
    for record in capture.records:
        print(f"{record.file}: shape {list(record.shape)}, video {record.video_text}, text {record.text_length}")
    print(f"captured {len(capture.records)} files in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
