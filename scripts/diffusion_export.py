"""What the Stable Diffusion fixture script (make-tiny-diffusion.py) and the GPU check
(gpu/sd15_random.py) share: CLIP's vocabulary as vocab.json + merges.txt, and the component
wrappers exported to ONNX with optimum's input and output names."""
import gzip
import json
import os
import time

import torch


def byte_characters():
    """CLIP's printable stand-ins for the 256 byte values, in vocabulary order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def write_clip_tokenizer(bpe_gz, folder, merges_count):
    """vocab.json + merges.txt of CLIP's BPE cut to its first `merges_count` merges (48,894: all of
    it), and transformers' tokenizer files beside them; returns the tokenizer."""
    from transformers import CLIPTokenizer
    lines = gzip.open(bpe_gz, "rt", encoding="utf-8").read().split("\n")[1:1 + merges_count]
    merges = [m for m in lines if m]
    chars = byte_characters()
    vocab = chars + [c + "</w>" for c in chars] + ["".join(m.split()) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    tok = CLIPTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"), pad_token="<|endoftext|>",
                        model_max_length=77)
    tok.save_pretrained(folder)
    return tok


class TextEncoder(torch.nn.Module):
    """input_ids → last_hidden_state, pooler_output."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        out = self.model(input_ids=input_ids)
        return out.last_hidden_state, out.pooler_output


class UNet(torch.nn.Module):
    """sample, timestep, encoder_hidden_states → out_sample; with fp16_io, float16 in and out
    around a float32 model."""

    def __init__(self, model, fp16_io=False):
        super().__init__()
        self.model = model
        self.fp16_io = fp16_io

    def forward(self, sample, timestep, encoder_hidden_states):
        if self.fp16_io:
            sample, timestep, encoder_hidden_states = sample.float(), timestep.float(), encoder_hidden_states.float()
        out = self.model(sample, timestep, encoder_hidden_states, return_dict=False)[0]
        return out.half() if self.fp16_io else out


class VAEDecoder(torch.nn.Module):
    """latent_sample → sample."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, latent_sample):
        return self.model.decode(latent_sample, return_dict=False)[0]


def export(module, args, path, inputs, outputs, axes, opset=17):
    """torch.onnx.export with the TorchScript exporter (optimum's), timed."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    start = time.perf_counter()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=opset, do_constant_folding=True, dynamo=False)
    print(f"{path}: {os.path.getsize(path)} bytes, {time.perf_counter() - start:.0f} s", flush=True)
