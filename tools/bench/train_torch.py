"""PyTorch side of `npm run bench -- train`: the same loop (tools/bench/train/loop.ts) in PyTorch —
the tutorial CNN (SEED.md model 3, kaiming_normal_ weights, zero biases) on random 28x28 inputs,
cross-entropy, SGD(lr=0.01, momentum=0.9), batches from a shuffling DataLoader over a TensorDataset.
A step's time runs from the end of one loop iteration to the end of the next (batch fetching
included); prints the median wall and CPU time per step after warm-up as one JSON line.

    .venv/bin/python tools/bench/train_torch.py --batch 64 [--threads 2] [--reps 100] [--warmup 50]
"""
import argparse
import json
import resource
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument('--batch', type=int, default=64)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--reps', type=int, default=100)
parser.add_argument('--warmup', type=int, default=50)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2, 2))
        self.fc_layer = nn.Sequential(nn.Linear(64 * 7 * 7, 100), nn.ReLU(), nn.Linear(100, 10))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight.data)
                m.bias.data.fill_(0)

    def forward(self, x):
        return self.fc_layer(self.layer(x).view(x.shape[0], -1))


steps = args.warmup + args.reps
model = CNN()
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
