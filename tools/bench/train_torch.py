"""PyTorch side of `npm run bench -- train`: the same loop (tools/bench/train/loop.ts) in PyTorch —
the tutorial CNN (SEED.md model 3, kaiming_normal_ weights, zero biases) on random 28x28 inputs,
cross-entropy, SGD(lr=0.01, momentum=0.9), batches from a shuffling DataLoader over a TensorDataset.
A step's time runs from the end of one loop iteration to the end of the next (batch fetching
included); prints the median wall and CPU time per step after warm-up as one JSON line.

    .venv/bin/python tools/bench/train_torch.py --batch 64 [--threads 2] [--reps 100] [--warmup 50]
"""
import argparse
import json
import pathlib
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'pytorch'))
from tutorial_cnn import TutorialCNN  # noqa: E402  (kaiming_normal_ weights and zero biases, as the loop)

parser = argparse.ArgumentParser()
parser.add_argument('--batch', type=int, default=64)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--reps', type=int, default=100)
parser.add_argument('--warmup', type=int, default=50)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
steps = args.warmup + args.reps
model = TutorialCNN('kaiming')
n = args.batch * min(steps, 16)
loader = DataLoader(TensorDataset(torch.rand(n, 1, 28, 28), torch.randint(0, 10, (n,))),
                    batch_size=args.batch, shuffle=True, generator=torch.Generator().manual_seed(0))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

wall, cpu = [], []
step = 0
t, c = time.perf_counter(), time.process_time()
while step < steps:
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
        now, cnow = time.perf_counter(), time.process_time()
        if step >= args.warmup:
            wall.append((now - t) * 1000)
            cpu.append((cnow - c) * 1000)
        t, c = now, cnow
        step += 1
        if step >= steps:
            break

median = lambda xs: sorted(xs)[len(xs) // 2]
step_ms = median(wall)
print(json.dumps({
    'batch': args.batch,
    'threads': args.threads,
    'steps': len(wall),
    'step_ms': round(step_ms, 2),
    'cpu_ms': round(median(cpu), 2),
    'samples_per_sec': round(args.batch / step_ms * 1000),
    'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    'version': torch.__version__,
}))
