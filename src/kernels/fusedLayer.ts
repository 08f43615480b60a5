/**
 * Single-pass kernels of the fused MLP ops (`relu`, `linear`): each reads its inputs once and writes one fresh
 * output, where the composed ops (`where(x ≤ 0, 0, x)`, `matmul + add`) need a mask tensor or a second array.
 * Float32 and float64 loops are separate functions so that each stays monomorphic (one element kind per call site).
 * @internal
 */
import type { TypedArray, TypedArrayConstructor } from './backend'
import { outputF32 } from './outputF32'
import { RELU_WASM_MIN, reluMaskWasm, reluWasm } from './wasm/reluWasm'

/** The bits of a float32 array, read as int32 (the same memory). */
const bits = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length)

// Branch-free selects on the bits: `keep − 1` is 0 (x ≤ 0: +0's bits) or −1 (all of them: NaN payloads, ±Infinity and
// −0 pass through unchanged). Half the signs of a layer's pre-activations are negative in no pattern, so the branch
// `x ≤ 0 ? 0 : v` mispredicts half the time; the mask form runs ≈ 2.5× faster at 32 k elements. From RELU_WASM_MIN
// elements the SIMD kernels (the same selects, four lanes at a time) do all but the last n mod 4.
function relu32(x: Float32Array, out: Float32Array): void {
  const xi = bits(x)
  const oi = bits(out)
  const from = xi.length >= RELU_WASM_MIN ? reluWasm(x, out) : 0
  for (let i = from; i < xi.length; i++) oi[i] = xi[i]! & (+(x[i]! <= 0) - 1)
}

// An output both loops overwrite in full, so a float32 one need not be zero-filled first (outputF32).
const fresh = (Out: TypedArrayConstructor, n: number): TypedArray =>
  (Out as unknown) === Float32Array ? outputF32(n) : new Out(n)

function relu64(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    out[i] = v <= 0 ? 0 : v
  }
}

/** `x ≤ 0 ? +0 : x` element by element (NaN stays NaN, −0 becomes +0), into a fresh array of `Out`. */
export function reluKernel(x: TypedArray, Out: TypedArrayConstructor): TypedArray {
  const out = fresh(Out, x.length)
  if (x instanceof Float32Array && out instanceof Float32Array) relu32(x, out)
  else relu64(x, out)
  return out
}

function mask32(ct: Float32Array, x: Float32Array, out: Float32Array): void {
  const ci = bits(ct)
  const oi = bits(out)
  const from = ci.length >= RELU_WASM_MIN ? reluMaskWasm(ct, x, out) : 0
  for (let i = from; i < ci.length; i++) oi[i] = ci[i]! & (+(x[i]! <= 0) - 1)
}

function mask64(ct: TypedArray, x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < ct.length; i++) out[i] = x[i]! <= 0 ? 0 : ct[i]!
}

/**
 * `x ≤ 0 ? 0 : ct` element by element (the VJP of relu: the mask is read from `x` in the same pass, never stored);
 * `ct` and `x` have the same length. The result has `ct`'s element type.
 */
export function reluMaskKernel(ct: TypedArray, x: TypedArray, Out: TypedArrayConstructor): TypedArray {
  const out = fresh(Out, ct.length)
  if (ct instanceof Float32Array && x instanceof Float32Array && out instanceof Float32Array) mask32(ct, x, out)
  else mask64(ct, x, out)
  return out
}

function bias32(out: Float32Array, bias: Float32Array, n: number): void {
  for (let r = 0; r < out.length; r += n) {
    for (let j = 0; j < n; j++) out[r + j]! += bias[j]!
  }
}

function bias64(out: TypedArray, bias: TypedArray, n: number): void {
  for (let r = 0; r < out.length; r += n) {
    for (let j = 0; j < n; j++) out[r + j]! += bias[j]!
  }
}

/**
 * Adds `bias` (length n) to every row of the row-major `out` (rows of n), in place: the epilogue of `linear`,
 * run on the matmul's fresh output. Each element is rounded once to `out`'s type, as `add(matmul(x, w), b)`.
 */
export function addBiasRowsInPlace(out: TypedArray, bias: TypedArray, n: number): void {
  if (n === 0) return
  if (out instanceof Float32Array && bias instanceof Float32Array) bias32(out, bias, n)
  else bias64(out, bias, n)
}

/**
 * Log-softmax of every row of `k` elements: `y = (x − m) − log Σ exp(x − m)` with `m` the row's max, in two passes
 * over the row. Each intermediate is rounded to the output type where the composed ops store it (x − m, exp, the
 * float64 sum, the log), so the result is bit for bit that of `sub(shifted, log(sum(exp(shifted))))`.
 */
export function logSoftmaxRowsKernel(x: TypedArray, k: number, Out: TypedArrayConstructor): TypedArray {
  const out = fresh(Out, x.length)
  if (x instanceof Float32Array && out instanceof Float32Array) logSoftmaxRows32(x, k, out)
  else logSoftmaxRows64(x, k, out)
  return out
}

// One loop per element kind (monomorphic loads and stores); every element of `out` is written.
function logSoftmaxRows32(x: Float32Array, k: number, out: Float32Array): void {
  for (let r = 0; r < x.length; r += k) {
    let m = -Infinity
    for (let j = r; j < r + k; j++) m = Math.max(m, x[j]!)
    let s = 0
    for (let j = r; j < r + k; j++) {
      const d = Math.fround(x[j]! - m)
      out[j] = d
      s += Math.fround(Math.exp(d))
    }
    const l = Math.fround(Math.log(Math.fround(s)))
    for (let j = r; j < r + k; j++) out[j]! -= l
  }
}

function logSoftmaxRows64(x: TypedArray, k: number, out: TypedArray): void {
  for (let r = 0; r < x.length; r += k) {
    let m = -Infinity
    for (let j = r; j < r + k; j++) m = Math.max(m, x[j]!)
    let s = 0
    for (let j = r; j < r + k; j++) {
      out[j] = x[j]! - m
      s += Math.exp(out[j]!)
    }
    const l = Math.log(s)
    for (let j = r; j < r + k; j++) out[j]! -= l
  }
}

function logSoftmaxVjp32(ct: Float32Array, y: Float32Array, k: number, out: Float32Array): void {
  for (let r = 0; r < ct.length; r += k) {
    let s = 0
    for (let j = r; j < r + k; j++) s += ct[j]!
    const sum = Math.fround(s)
    for (let j = r; j < r + k; j++) out[j] = ct[j]! + -Math.fround(Math.fround(Math.exp(y[j]!)) * sum)
  }
}

function logSoftmaxVjp64(ct: TypedArray, y: TypedArray, k: number, out: TypedArray): void {
  for (let r = 0; r < ct.length; r += k) {
    let s = 0
    for (let j = r; j < r + k; j++) s += ct[j]!
    for (let j = r; j < r + k; j++) out[j] = ct[j]! + -(Math.exp(y[j]!) * s)
  }
}

/**
 * The VJP of log-softmax over rows of `k` elements, `ct − exp(y)·Σ_row ct` (y the log-softmax), in two passes over
 * each row. `ct` and `y` have the same length and element type as `Out`. Each intermediate is rounded where the composed
 * ops store it (exp(y), the float64 row sum, the product) and the difference is taken as `ct + (−p)`, as `sub` does,
 * so the result is bit for bit that of `sub(ct, mul(exp(y), sum(ct, { keepDims: true })))`.
 */
export function logSoftmaxVjpRowsKernel(
  ct: TypedArray,
  y: TypedArray,
  k: number,
  Out: TypedArrayConstructor,
): TypedArray {
  const out = fresh(Out, ct.length)
  if (k === 0) return out
  if (ct instanceof Float32Array && y instanceof Float32Array && out instanceof Float32Array) {
    logSoftmaxVjp32(ct, y, k, out)
  } else logSoftmaxVjp64(ct, y, k, out)
  return out
}
