"""Writes test/fixtures/pool.json: PyTorch's max_pool2d (values and indices) and avg_pool2d (both
count_include_pad settings) on small inputs, including ceil_mode windows that overhang the input.

usage (by hand; tests only read the JSON): /work/main/.venv/bin/python scripts/pool_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

CASES = [  # shape, kernel, stride, padding, dilation, ceil_mode
    ((1, 2, 7, 9), 3, 2, 1, 1, True),
    ((1, 1, 6, 5), 3, 2, 1, 1, True),
    ((2, 2, 5, 6), 3, 2, 0, 1, True),
    ((1, 1, 8, 8), 2, 3, 0, 2, True),
    ((1, 1, 10, 7), 4, 3, 2, 1, True),
    ((1, 3, 5, 5), 2, 2, 1, 1, True),
    ((2, 3, 8, 8), 2, 2, 0, 1, False),
    ((1, 2, 9, 7), 3, 1, 1, 1, False),
]


def main():
    torch.manual_seed(0)
    out = []
    for shape, k, s, p, d, ceil in CASES:
        x = torch.randn(shape)
        y, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
        case = {"shape": list(shape), "kernel": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": ceil,
                "x": x.flatten().tolist(), "out_shape": list(y.shape), "max": y.flatten().tolist(),
                "indices": idx.flatten().tolist()}
        if d == 1:
            case["avg"] = F.avg_pool2d(x, k, s, p, ceil_mode=ceil).flatten().tolist()
            case["avg_exclude_pad"] = F.avg_pool2d(x, k, s, p, ceil_mode=ceil,
                                                   count_include_pad=False).flatten().tolist()
        out.append(case)
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pool.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f)


if __name__ == "__main__":
    main()
