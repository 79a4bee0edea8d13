"""Weights interchange between PyTorch and minidl through safetensors files, checked both ways.

No Python `safetensors` package is installable on these machines, so this script reads and writes
the format with the standard library, following the spec (huggingface/safetensors README,
"Format"): an 8-byte little-endian header length, a JSON header of {name: {dtype, shape,
data_offsets}} plus optional "__metadata__", then the little-endian data; the writer orders tensors
by decreasing alignment then name and pads the header with spaces to a multiple of 8, as the
reference implementation does.

Run by hand from the repository root:  .venv/bin/python tools/safetensors_roundtrip.py

1. PyTorch -> minidl: writes packages/train/test/fixtures/torch.safetensors from torch tensors of
   every dtype minidl reads, and torch_safetensors.json with the values minidl must decode (the
   test `safetensors.test.ts` checks them).
2. minidl -> PyTorch: runs tools/safetensors_write.ts (tsx), which saves tensors made by minidl
   (randn under manual_seed(0), which is PyTorch-exact, and fixed ints/bools) and re-saves the file
   of step 1 after loading it; this script reads both and compares with torch tensors bit for bit.
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(ROOT, "packages/train/test/fixtures")

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def write(tensors, metadata=None):
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    order = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name in order:
        t = tensors[name]
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def read(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    assert n <= len(blob) - 8, "header length past the end"
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", None)
    out, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, e = info["data_offsets"]
        assert b == end, f"{name}: offsets not contiguous"
        dtype = DTYPES[info["dtype"]]
        count = 1
        for d in info["shape"]:
            count *= d
        assert e - b == count * torch.empty((), dtype=dtype).element_size(), f"{name}: size mismatch"
        raw = bytearray(data[b:e])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
        end = e
    assert end == len(data), "data not fully covered"
    return out, metadata


def torch_side():
    g = torch.Generator().manual_seed(0)
    return {
        "fc.weight": torch.randn(3, 4, generator=g),
        "fc.bias": torch.tensor([0.5, -0.25, 1e-30]),
        "bn.num_batches_tracked": torch.tensor(123, dtype=torch.int64),
        "ids": torch.tensor([[-5, 0], [7, 2147483647]], dtype=torch.int64),
        "i32": torch.tensor([-2147483648, 1, 2], dtype=torch.int32),
        "mask": torch.tensor([True, False, True, True]),
        "f64": torch.tensor([1 / 3, -2.5], dtype=torch.float64),
        "f16": torch.tensor([0.1, -65504.0, 6e-8, float("inf")], dtype=torch.float16),
        "bf16": torch.tensor([0.1, -3.0e38, 1.0], dtype=torch.bfloat16),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "empty": torch.zeros(0, 4),
    }


def minidl_view(t):
    """The dtype and flat values minidl gives this tensor (see safetensors.ts's dtype table)."""
    if t.dtype == torch.bool:
        return {"dtype": "bool", "shape": list(t.shape), "values": t.reshape(-1).tolist()}
    if t.dtype.is_floating_point:
        # float64 stays float64; the narrower floats widen to float32. JSON has no infinities:
        # those are written as the strings JavaScript's Number() parses
        wide = t if t.dtype == torch.float64 else t.float()
        values = [v if math.isfinite(v) else ("Infinity" if v > 0 else "-Infinity") for v in wide.reshape(-1).tolist()]
        return {"dtype": "float64" if t.dtype == torch.float64 else "float32", "shape": list(t.shape), "values": values}
    dtype = "int64" if t.dtype == torch.int64 else "int32"
    return {"dtype": dtype, "shape": list(t.shape), "values": [float(v) for v in t.float().reshape(-1).tolist()]}


def same(a, b):
    """Same dtype, shape and bytes (so NaN payloads and -0 count too)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return a.numel() == 0 or torch.equal(a.reshape(-1).view(torch.uint8), b.reshape(-1).view(torch.uint8))


def main():
    tensors = torch_side()
    blob = write(tensors, {"format": "pt", "source": "torch"})
    back, _ = read(blob)
    assert all(same(tensors[k], back[k]) for k in tensors), "python writer/reader disagree"
    with open(os.path.join(FIXTURES, "torch.safetensors"), "wb") as f:
        f.write(blob)
    with open(os.path.join(FIXTURES, "torch_safetensors.json"), "w") as f:
        json.dump({k: minidl_view(v) for k, v in tensors.items()}, f)
    print(f"1. wrote torch.safetensors ({len(blob)} bytes, {len(tensors)} tensors) and its expected values")

    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["npx", "tsx", "--conditions=@minidl/source", "tools/safetensors_write.ts", tmp,
               os.path.join(FIXTURES, "torch.safetensors")]
        subprocess.run(cmd, cwd=ROOT, check=True)
        made, meta = read(open(os.path.join(tmp, "minidl.safetensors"), "rb").read())
        g = torch.Generator().manual_seed(0)
        expect = {
            "layer.weight": torch.randn(2, 3, generator=g),
            "layer.bias": torch.tensor([0.0, -1.5]),
            "labels": torch.tensor([3, -1, 2147483647], dtype=torch.int64),
            "flags": torch.tensor([True, False]),
            "counts": torch.tensor([[1, 2], [3, 4]], dtype=torch.int32),
        }
        ok = meta == {"written_by": "minidl"} and set(made) == set(expect)
        for k, v in expect.items():
            good = k in made and same(made[k], v)
            ok &= good
            print(f"   minidl -> torch  {k:24s} {str(v.dtype):14s} {list(v.shape)}  {'bit-identical' if good else 'MISMATCH'}")
        resaved, _ = read(open(os.path.join(tmp, "resaved.safetensors"), "rb").read())
        for k, v in tensors.items():
            want = v if v.dtype in (torch.float32, torch.float64, torch.int64, torch.int32, torch.bool) else None
            if v.dtype in (torch.float16, torch.bfloat16):
                want = v.float()
            elif v.dtype == torch.uint8:
                want = v.int()
            good = k in resaved and same(resaved[k], want)
            ok &= good
            print(f"   torch -> minidl -> torch  {k:24s} {str(v.dtype):14s} as {str(want.dtype):14s} {'identical' if good else 'MISMATCH'}")
    print("2. round trip:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
