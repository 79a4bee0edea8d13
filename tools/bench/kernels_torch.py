"""PyTorch side of `npm run bench -- kernels`: the same shapes, timed the same way.

Prints one JSON object per line: {"engine": "torch", "kernel", "threads", "ms", "gflops"}.
usage: python tools/bench/kernels_torch.py --threads 1,2 [--reps 7]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

LAYERS = [  # name, input shape, weight shape (3x3, padding 1, batch 64: the tutorial CNN)
    ("conv1", (64, 1, 28, 28), (16, 1, 3, 3)),
    ("conv2", (64, 16, 28, 28), (32, 16, 3, 3)),
    ("conv3", (64, 32, 14, 14), (64, 32, 3, 3)),
]


def median_ms(fn, reps):
    # the same warm-up as the minidl side (at least 10 calls and 0.2 s)
    warm_end = time.perf_counter() + 0.2
    calls = 0
    while calls < 10 or time.perf_counter() < warm_end:
        fn()
        calls += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def emit(kernel, threads, ms, flops):
    print(json.dumps({"engine": "torch", "kernel": kernel, "threads": threads, "ms": ms,
                      "gflops": flops / ms / 1e6}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    torch.manual_seed(0)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        with torch.no_grad():
            a = torch.randn(512, 512)
            b = torch.randn(512, 512)
            emit("sgemm_512", threads, median_ms(lambda: torch.mm(a, b), args.reps * 3), 2 * 512**3)
        for name, xs, ws in LAYERS:
            x = torch.randn(xs)
            w = torch.randn(ws)
            bias = torch.randn(ws[0])
            y = F.conv2d(x, w, bias, padding=1)
            dy = torch.randn_like(y)
            flops = 2 * y.numel() * ws[1] * ws[2] * ws[3]

            def grad(mask):
                # aten's own backward entry point, one gradient at a time (as autograd calls it)
                return torch.ops.aten.convolution_backward(
                    dy, x, w, [ws[0]], [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask)

            with torch.no_grad():
                emit(f"{name}_forward", threads, median_ms(lambda: F.conv2d(x, w, bias, padding=1), args.reps), flops)
                emit(f"{name}_input_grad", threads, median_ms(lambda: grad([True, False, False]), args.reps), flops)
                emit(f"{name}_weight_grad", threads, median_ms(lambda: grad([False, True, False]), args.reps), flops)


if __name__ == "__main__":
    main()
