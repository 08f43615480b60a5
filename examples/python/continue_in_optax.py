#!/usr/bin/env python3
"""Continue a descent Adam/AdamW run for a few steps in optax's arithmetic, and write it back for descent.

    python3 continue_in_optax.py IN.safetensors OUT.safetensors --steps 3 [--rounding optax|descent]

IN is a file from descent's `saveSafetensors(state, { optimizer: { name: 'adamw', learningRate, b1, b2, eps,
epsRoot, weightDecay } })`. Its keys are optax's state paths:

    params/<path>             the params                        (optax: params)
    opt_state/0/count         int32 0-d                         (optax: opt_state[0].count, ScaleByAdamState)
    opt_state/0/mu/<path>     first moment, like the params     (optax: opt_state[0].mu)
    opt_state/0/nu/<path>     second moment                     (optax: opt_state[0].nu)

The other parts of adamw's chain (add_decayed_weights, scale_by_learning_rate with a constant rate) have empty
states, so they have no tensors. OUT has the same keys, dtypes and metadata, with `step` advanced by --steps.

This script needs only the standard library (struct/json/math): it is what runs in descent's CI, where jax cannot be
installed. It reads and writes with the `safetensors` package when it is importable. The gradient is that of the
test problem f(θ) = Σ ¼(θ − c)⁴ + ½(θ − c)² (a real run would take it from jax.grad of its loss); the update is
what optax computes, written out per element:

    --rounding optax (default): every operation in float32, as jnp does for float32 arrays:
        mu = (1−b1)·g + b1·mu            nu = (1−b2)·g·g + b2·nu           count = count + 1
        mu_hat = mu / (1 − b1**count)    nu_hat = nu / (1 − b2**count)     (b**count in float32, as jnp.power)
        u = mu_hat / (sqrt(nu_hat + eps_root) + eps)
        u = u + weight_decay·params      (adamw only: optax.add_decayed_weights)
        u = −learning_rate·u             params = params + u               (optax.apply_updates)
    --rounding descent: the same formulas, Adam's direction in float32 per operation with the bias corrections
        1 − b**t taken in float64 and rounded to float32 once, the weight decay and the learning rate in float64
        rounded to float32 where descent stores the update: bit for bit what descent's adamw computes, where Python's b**t equals JavaScript's (exactly when b's powers are exact, e.g.
        b1 = 0.5, b2 = 0.75; glibc's and V8's pow differ in the last bit for 0.9**4).

See docs/interop.md for the same with jax and optax themselves.
"""
import argparse
import json
import math
import struct
import sys

FMT = {"F64": "d", "F32": "f", "I64": "q", "I32": "i"}
WIDTH = {"F64": 8, "I64": 8, "F32": 4, "I32": 4, "BOOL": 1}


def f32(x):
    """x rounded to the nearest float32 (ties to even), as a Python float."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:  # struct refuses finite values beyond float32's range; float32 arithmetic gives ±inf
        return math.copysign(math.inf, x)


def read_safetensors(path):
    """{name: (dtype, shape, [values])} and the metadata of a safetensors file (stdlib, or the safetensors package)."""
    try:
        from safetensors.numpy import load_file, safe_open  # noqa: F401

        with safe_open(path, framework="np") as f:
            metadata = f.metadata() or {}
        arrays = load_file(path)
        kinds = {"float64": "F64", "float32": "F32", "int64": "I64", "int32": "I32", "bool": "BOOL"}
        tensors = {k: (kinds[str(a.dtype)], list(a.shape), [v.item() for v in a.reshape(-1)]) for k, a in arrays.items()}
        return tensors, metadata
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + n :]
    tensors = {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        count = math.prod(shape)
        raw = body[begin:end]
        values = [b != 0 for b in raw] if dtype == "BOOL" else list(struct.unpack("<%d%s" % (count, FMT[dtype]), raw))
        tensors[name] = (dtype, shape, values)
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes {name: (dtype, shape, [values])} as descent lays files out: 8-byte dtypes first, then 4, then BOOL."""
    try:
        import numpy as np
        from safetensors.numpy import save_file

        kinds = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "I32": np.int32, "BOOL": np.bool_}
        arrays = {k: np.array(v, dtype=kinds[d]).reshape(s) for k, (d, s, v) in tensors.items()}
        save_file(arrays, path, metadata=metadata)
        return
    except ImportError:
        pass
    names = sorted(tensors, key=lambda k: (-WIDTH[tensors[k][0]], k))
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in names:
        dtype, shape, values = tensors[name]
        raw = bytes(int(bool(v)) for v in values) if dtype == "BOOL" else struct.pack("<%d%s" % (len(values), FMT[dtype]), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad the header so that the data starts 8-aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def gradient(x, c):
    """∇ of ¼(θ − c)⁴ + ½(θ − c)² at a float32 θ, in float64 and rounded to float32 (as descent's test computes it)."""
    d = x - c
    return f32(d * d * d + d)


def adam_step_optax(p, g, m, v, t, h):
    """One element of optax.adamw(...).update + optax.apply_updates, every operation rounded to float32."""
    b1, b2 = f32(h["b1"]), f32(h["b2"])
    bc1 = f32(1 - f32(b1**t))
    bc2 = f32(1 - f32(b2**t))
    m = f32(f32(f32(1 - h["b1"]) * g) + f32(b1 * m))
    v = f32(f32(f32(1 - h["b2"]) * f32(g * g)) + f32(b2 * v))
    u = f32(f32(m / bc1) / f32(f32(math.sqrt(f32(f32(v / bc2) + f32(h["epsRoot"])))) + f32(h["eps"])))
    if h["name"] == "adamw":
        u = f32(u + f32(f32(h["weightDecay"]) * p))
    u = f32(u * f32(-h["learningRate"]))
    return f32(p + u), m, v


def adam_step_descent(p, g, m, v, t, h):
    """The same element as descent computes it: Adam's direction with every operation in float32 (hyperparameters and
    the bias corrections 1 − b**t, taken in float64, rounded to float32 once), the decay and the learning rate in
    float64 rounded to float32 where descent stores the update."""
    b1, b2 = f32(h["b1"]), f32(h["b2"])
    bc1, bc2 = f32(1 - h["b1"] ** t), f32(1 - h["b2"] ** t)
    m = f32(f32(f32(1 - h["b1"]) * g) + f32(b1 * m))
    v = f32(f32(f32(1 - h["b2"]) * f32(g * g)) + f32(b2 * v))
    u = f32(f32(m / bc1) / f32(f32(math.sqrt(f32(f32(v / bc2) + f32(h["epsRoot"])))) + f32(h["eps"])))
    if h["name"] == "adamw":
        u = f32(u + h["weightDecay"] * p)
    u = f32(-h["learningRate"] * u)
    return f32(p + u), m, v


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--rounding", choices=["optax", "descent"], default="optax")
    ap.add_argument("--c", type=float, default=0.3, help="the minimiser of the test problem")
    args = ap.parse_args(argv)

    tensors, metadata = read_safetensors(args.input)
    if metadata.get("format") != "descent-train-state":
        sys.exit("not a descent train state: __metadata__.format is %r" % metadata.get("format"))
    h = {"b1": 0.9, "b2": 0.999, "eps": 1e-8, "epsRoot": 0.0, "weightDecay": 1e-4}
    h.update(json.loads(metadata.get("optimizer", "{}")))
    if h.get("name") not in ("adam", "adamw") or not isinstance(h.get("learningRate"), (int, float)):
        sys.exit("this script continues adam/adamw with a constant learningRate; metadata.optimizer is %r" % h)
    step = adam_step_optax if args.rounding == "optax" else adam_step_descent

    count_dtype, _, (count,) = tensors["opt_state/0/count"]
    for name in [k for k in tensors if k == "params" or k.startswith("params/")]:
        rest = name[len("params") :]
        dtype, shape, p = tensors[name]
        _, _, m = tensors["opt_state/0/mu" + rest]
        _, _, v = tensors["opt_state/0/nu" + rest]
        if dtype != "F32":
            sys.exit("%s is %s; this script computes in float32" % (name, dtype))
        for i in range(len(p)):
            pi, mi, vi = p[i], m[i], v[i]
            for t in range(count + 1, count + 1 + args.steps):
                pi, mi, vi = step(pi, gradient(pi, args.c), mi, vi, t, h)
            p[i], m[i], v[i] = pi, mi, vi
    tensors["opt_state/0/count"] = (count_dtype, [], [count + args.steps])
    metadata = dict(metadata, step=str(int(metadata["step"]) + args.steps))
    write_safetensors(args.output, tensors, metadata)


if __name__ == "__main__":
    main(sys.argv[1:])
