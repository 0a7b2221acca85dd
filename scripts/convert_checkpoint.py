#!/usr/bin/env python3
"""Converts a checkpoint of the LFA paper (Han, Srinivas & Lakkaraju, NeurIPS 2022) for lfa.

The paper's public repository (github.com/AI4LIFE-GROUP/lfa) ships its trained models as
models/model_checkpoints/<task>_<model>_<data>_ckpt.pth: torch.save pickles of
{'model': state_dict, 'epoch', 'loss', 'acc'} whose tensors are tagged for CUDA. LibTorch's
pickle_load cannot map those to the CPU, so this script, run once on any machine with PyTorch,
writes the two files lfa reads:

  <data>_<model>.state.pt          the state dict as a plain dict of CPU tensors, original key names
                                   (linear.weight, linear1.weight, ...); lfa's MlpModel reads it
  <data>_<model>.torchscript.pt    the same network as an nn.Sequential traced to TorchScript;
                                   `lfa explain --model` reads it

The architecture is the paper's: every hidden layer has width 8; WHO models (regression) use tanh
and a linear output; HELOC models (classification) use ReLU and a sigmoid output. Layers are read
from the checkpoint in order (linear, or linear1, linear2, ...), so the depth needs no flag.

  python3 scripts/convert_checkpoint.py lfa/models/model_checkpoints/classif_ffnnA_heloc_ckpt.pth \
      --dataset heloc --model ffnnA --out-dir "$LFA_DATA_DIR/lfa-paper/models"

  # all eight:
  for ckpt in lfa/models/model_checkpoints/*_ckpt.pth; do
    python3 scripts/convert_checkpoint.py "$ckpt" --out-dir "$LFA_DATA_DIR/lfa-paper/models"
  done

With --points CSV (the paper's *-test20-normalized-subset.csv, target last) it prints the converted
model's outputs on the first points, to compare with the original.

This is a user-side tool; the project's build and tests do not run it.
"""

import argparse
import os
import re
import sys

import torch
from torch import nn

ACTIVATIONS = {
    "who": (nn.Tanh, None),            # hidden, output
    "heloc": (nn.ReLU, nn.Sigmoid),
}
NAME_PATTERN = re.compile(r"(regr|classif)_(\w+?)_(who|heloc)_ckpt\.pth$")


def load_checkpoint(path):
    # Tensors only where the installed PyTorch can (weights_only, 1.13+); the paper's checkpoints
    # also hold plain numbers, which some versions reject there, so fall back to a full unpickle
    # (only for files you trust, such as the paper's own).
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # PyTorch < 1.13: no weights_only
        return torch.load(path, map_location="cpu")
    except Exception as error:  # pickle.UnpicklingError and friends
        print(f"note: {path} is not loadable with weights_only=True ({error}); unpickling it fully",
              file=sys.stderr)
        return torch.load(path, map_location="cpu", weights_only=False)


def load_state_dict(path):
    checkpoint = load_checkpoint(path)
    state = checkpoint["model"] if isinstance(checkpoint, dict) and "model" in checkpoint else checkpoint
    if not isinstance(state, dict) or not state:
        sys.exit(f"{path}: expected a state dict or {{'model': state_dict, ...}}")
    return {key: value.detach().cpu().contiguous() for key, value in state.items()}


def layers_in_order(state):
    """[(weight, bias)] of the Linear layers, ordered by the number in their key (none = 0)."""
    layers = {}
    for key, value in state.items():
        match = re.fullmatch(r"(.*?)(\d*)\.(weight|bias)", key)
        if not match:
            continue
        index = int(match.group(2) or 0)
        layers.setdefault(index, {})[match.group(3)] = value
    ordered = [layers[i] for i in sorted(layers)]
    for i, layer in enumerate(ordered):
        if set(layer) != {"weight", "bias"} or layer["weight"].dim() != 2:
            sys.exit(f"layer {i}: expected a Linear weight and bias, got {sorted(layer)}")
    return [(layer["weight"], layer["bias"]) for layer in ordered]


def build_sequential(layers, dataset):
    hidden, output = ACTIVATIONS[dataset]
    modules = []
    for i, (weight, bias) in enumerate(layers):
        linear = nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(bias)
        modules.append(linear)
        last = i + 1 == len(layers)
        if not last:
            modules.append(hidden())
        elif output is not None:
            modules.append(output())
    return nn.Sequential(*modules).eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", help="<task>_<model>_<data>_ckpt.pth from the paper's repository")
    parser.add_argument("--dataset", choices=sorted(ACTIVATIONS), help="default: from the file name")
    parser.add_argument("--model", help="linear, logistic, ffnnA, ffnnB or ffnnC (default: from the file name)")
    parser.add_argument("--out-dir", default=".", help="where to write the two files (default .)")
    parser.add_argument("--points", help="optional CSV (header, target last) to print outputs on")
    args = parser.parse_args()

    match = NAME_PATTERN.search(os.path.basename(args.checkpoint))
    dataset = args.dataset or (match.group(3) if match else None)
    model = args.model or (match.group(2) if match else None)
    if dataset is None or model is None:
        sys.exit("cannot tell the dataset and model from the file name; pass --dataset and --model")

    state = load_state_dict(args.checkpoint)
    network = build_sequential(layers_in_order(state), dataset)
    inputs = network[0].in_features

    os.makedirs(args.out_dir, exist_ok=True)
    stem = os.path.join(args.out_dir, f"{dataset}_{model}")
    torch.save(state, stem + ".state.pt")
    example = torch.rand(16, inputs)
    traced = torch.jit.trace(network, example)
    traced.save(stem + ".torchscript.pt")

    # The saved TorchScript must compute what the rebuilt network computes.
    reloaded = torch.jit.load(stem + ".torchscript.pt")
    check = torch.rand(256, inputs)
    with torch.no_grad():
        difference = (reloaded(check) - network(check)).abs().max().item()
    if difference > 1e-6:
        sys.exit(f"TorchScript output differs from the network by {difference}")

    print(f"{stem}.state.pt: {len(state)} tensors ({', '.join(state)})")
    print(f"{stem}.torchscript.pt: {network}")
    if args.points:
        import numpy as np
        data = np.loadtxt(args.points, delimiter=",", skiprows=1, dtype=np.float64)
        x = torch.from_numpy(data[:5, :-1]).float()
        with torch.no_grad():
            print("outputs on the first 5 points:", reloaded(x).flatten().tolist())


if __name__ == "__main__":
    main()
