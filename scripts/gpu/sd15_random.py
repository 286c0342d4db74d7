#!/usr/bin/env python3
"""On a GPU machine: builds Stable Diffusion 1.5 with random weights (architecture-true: the SD 1.5
UNet, VAE and CLIP ViT-L/14 text encoder configurations), times diffusers' own PyTorch fp16
pipeline on it, and exports the same weights to an fp16 ONNX folder in optimum's layout for
`xpaste generate` to time on the same GPU.

    python3 scripts/gpu/sd15_random.py --out /tmp/sd15 --bpe bpe_simple_vocab_16e6.txt.gz --results results.json

Needs torch with CUDA, diffusers and transformers (scripts/gpu-diffusion-check carries diffusers).
"""
import argparse
import json
import os
import sys
import time

import torch
from diffusers import AutoencoderKL, DPMSolverMultistepScheduler, StableDiffusionPipeline, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from diffusion_export import TextEncoder, UNet, VAEDecoder, export, write_clip_tokenizer  # noqa: E402  (scripts/)

SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085,
    "num_train_timesteps": 1000, "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "clip_sample": False,
}
PROMPT = "a photo of a single cat"


def components():
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=768, attention_head_dim=8, norm_num_groups=32)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, norm_num_groups=32, sample_size=512)
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
        max_position_embeddings=77, hidden_act="quick_gelu", bos_token_id=49406, eos_token_id=49407, pad_token_id=49407))
    # Small random weights keep fp16 activations finite through 50 steps.
    with torch.no_grad():
        for module in (unet, vae, text):
            for p in module.parameters():
                if p.dim() > 1:
                    p.mul_(0.5)
    return [m.eval().to("cuda", torch.float16) for m in (unet, vae, text)]


def time_diffusers(pipe, batch, steps):
    stamps = []

    def on_step(_pipe, _i, _t, kwargs):
        torch.cuda.synchronize()
        stamps.append(time.perf_counter())
        return kwargs

    pipe([PROMPT] * batch, num_inference_steps=3, guidance_scale=7.5, output_type="np")  # warm-up
    torch.cuda.synchronize()
    start = time.perf_counter()
    pipe([PROMPT] * batch, num_inference_steps=steps, guidance_scale=7.5, output_type="np", callback_on_step_end=on_step)
    torch.cuda.synchronize()
    total = time.perf_counter() - start
    return {"batch": batch, "steps": steps, "seconds": total, "images_per_second": batch / total,
            "steps_per_second": (len(stamps) - 1) / (stamps[-1] - stamps[0])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--bpe", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    tok = write_clip_tokenizer(args.bpe, os.path.join(args.out, "tokenizer"), 49152 - 256 - 2)
    unet, vae, text = components()
    results = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__}
    import diffusers
    results["diffusers"] = diffusers.__version__
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet,
                                   scheduler=DPMSolverMultistepScheduler.from_config(SD15_SCHEDULER), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    results["diffusers_fp16"] = [time_diffusers(pipe, b, args.steps) for b in (1, 8)]
    print(json.dumps(results), flush=True)
    with open(args.results, "w") as f:
        json.dump(results, f, indent=1)
    if args.skip_export:
        return
    half = torch.float16
    export(TextEncoder(text), (torch.zeros(1, 77, dtype=torch.int32, device="cuda"),), os.path.join(args.out, "text_encoder", "model.onnx"),
           ["input_ids"], ["last_hidden_state", "pooler_output"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}})
    export(UNet(unet), (torch.randn(2, 4, 64, 64, device="cuda", dtype=half), torch.tensor([999.0, 999.0], device="cuda"),
                        torch.randn(2, 77, 768, device="cuda", dtype=half)), os.path.join(args.out, "unet", "model.onnx"),
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"},
            "out_sample": {0: "batch", 2: "height", 3: "width"}})
    export(VAEDecoder(vae), (torch.randn(1, 4, 64, 64, device="cuda", dtype=half),), os.path.join(args.out, "vae_decoder", "model.onnx"),
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"}, "sample": {0: "batch", 2: "height", 3: "width"}})
    os.makedirs(os.path.join(args.out, "scheduler"), exist_ok=True)
    with open(os.path.join(args.out, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(SD15_SCHEDULER, f)
    with open(os.path.join(args.out, "vae_decoder", "config.json"), "w") as f:
        json.dump(dict(vae.config), f)


if __name__ == "__main__":
    main()
