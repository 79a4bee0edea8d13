"""PyTorch side of tools/bench/tensor-cnn-step.ts: the same training step of the tutorial CNN
(batch 64, tensor ops, SGD update), median of 15 after 2 warm-up steps, printed as JSON.

    .venv/bin/python tools/bench/tensor_cnn_step_torch.py [threads]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def param(shape, fan):
    return (torch.randn(shape) * (2 / fan) ** 0.5).requires_grad_()


w1, b1 = param([16, 1, 3, 3], 9), torch.zeros(16, requires_grad=True)
w2, b2 = param([32, 16, 3, 3], 144), torch.zeros(32, requires_grad=True)
w3, b3 = param([64, 32, 3, 3], 288), torch.zeros(64, requires_grad=True)
w4, b4 = param([100, 3136], 3136), torch.zeros(100, requires_grad=True)
w5, b5 = param([10, 100], 100), torch.zeros(10, requires_grad=True)
params = [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5]
x = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    h = F.conv2d(x, w1, b1, padding=1).relu()
    h = F.conv2d(h, w2, b2, padding=1).relu()
    h = F.max_pool2d(h, 2)
    h = F.conv2d(h, w3, b3, padding=1).relu()
    h = F.max_pool2d(h, 2).flatten(1)
    h = F.linear(h, w4, b4).relu()
    loss = -torch.log_softmax(F.linear(h, w5, b5), 1).gather(1, y.unsqueeze(1)).mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=0.01)
            p.grad = None
    return loss.item()


times = []
for i in range(17):
    t0 = time.perf_counter()
    step()
    if i >= 2:
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({'backend': 'pytorch', 'torch': torch.__version__, 'stepMs': round(times[len(times) // 2], 1)}))
