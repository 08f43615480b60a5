/**
 * Strided n-d kernels on row-major typed arrays: NumPy broadcasting, reductions over axes, transposes, batched
 * matmul, concat / slice / pad, gather and its scatter-add transpose. Every kernel allocates its output with the
 * given constructor and never writes to its inputs. Shapes are validated by the callers (src/grad), so these
 * kernels assume consistent arguments.
 */
import type { TypedArray, TypedArrayConstructor } from './backend'
import { chooseMatmulKernel, matmul as dispatchMatmul, finiteRows } from './dispatch'

/** A row-major shape. */
export type Shape = readonly number[]

/** Number of elements of a shape. */
export const sizeOf = (shape: Shape): number => {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Row-major strides of a shape (in elements). */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc
    acc *= shape[i]!
  }
  return s
}

/**
 * The NumPy broadcast of several shapes, or `null` when they are incompatible. When one of the shapes is the
 * broadcast (equal shapes, a bias row against a matrix) that array itself is returned, so a tensor's frozen shape is
 * shared by the result instead of copied and frozen again.
 */
export function broadcastShapes(...shapes: readonly Shape[]): readonly number[] | null {
  // Called several times by every op (the op's check, the eager kernel): no spread, no closure.
  let rank = 0
  for (let k = 0; k < shapes.length; k++) if (shapes[k]!.length > rank) rank = shapes[k]!.length
  for (let k = 0; k < shapes.length; k++)
    if (shapes[k]!.length === rank && fitsInto(shapes, shapes[k]!)) return shapes[k]!
  const out: number[] = []
  for (let i = 0; i < rank; i++) out.push(1)
  for (const s of shapes) {
    const off = rank - s.length
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!
      const o = out[off + i]!
      if (d === o || d === 1) continue
      if (o === 1) out[off + i] = d
      else return null
    }
  }
  return out
}

/** Whether every shape broadcasts to `target` (each of its dimensions 1 or the target's). */
function fitsInto(shapes: readonly Shape[], target: Shape): boolean {
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k]!
    const off = target.length - s.length
    for (let i = 0; i < s.length; i++) if (s[i] !== 1 && s[i] !== target[off + i]) return false
  }
  return true
}

/** Strides of `shape` seen as broadcast to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape)
  const off = outShape.length - shape.length
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : st[i - off]!))
}

/**
 * Visits every index of `shape` (row-major); for each *row* (all but the last axis) calls
 * `row(offsets, n)` where `offsets[k]` is the offset of operand k at the row start. Operand k moves by
 * `strides[k][last]` along the row.
 */
function forEachRow(
  shape: Shape,
  strides: readonly (readonly number[])[],
  row: (offsets: number[], n: number) => void,
): void {
  const r = shape.length
  const k = strides.length
  const offsets = new Array<number>(k).fill(0)
  if (r === 0) {
    row(offsets, 1)
    return
  }
  if (sizeOf(shape) === 0) return
  const n = shape[r - 1]!
  const idx = new Array<number>(r - 1).fill(0)
  for (;;) {
    row(offsets, n)
    let d = r - 2
    for (; d >= 0; d--) {
      idx[d]!++
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!
      if (idx[d]! < shape[d]!) break
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * shape[d]!
      idx[d] = 0
    }
    if (d < 0) return
  }
}

/**
 * Copies into `out`, in the row-major order of `shape`, the elements `a[base + Σ index[i]·strides[i]]` (a strided
 * view of `a`: broadcast, permuted or sliced).
 */
function copyStrided(a: TypedArray, shape: Shape, strides: readonly number[], base: number, out: TypedArray): void {
  const inc = shape.length > 0 ? strides[shape.length - 1]! : 0
  let o = 0
  forEachRow(shape, [strides], (offs, len) => {
    let p = base + offs[0]!
    for (let i = 0; i < len; i++, p += inc) out[o++] = a[p]!
  })
}

/**
 * How many times an operand of `len` elements and `shape` repeats whole when broadcast to `outShape`, when its
 * shape (leading 1s dropped) equals the trailing axes of `outShape`; 0 otherwise.
 */
function trailingRepeat(len: number, shape: Shape, outShape: Shape): number {
  if (len === 0) return 0
  let d = 0
  while (d < shape.length && shape[d] === 1) d++
  const core = shape.length - d
  if (core > outShape.length) return 0
  for (let i = 1; i <= core; i++) if (shape[shape.length - i] !== outShape[outShape.length - i]) return 0
  return sizeOf(outShape) / len
}

/** Binary ops with closure-free loops in {@link binary} (`f` must then compute exactly this op). */
export type FastBinaryOp = 'add' | 'mul' | 'sub' | 'div' | 'gt' | 'le'

// One function per op, so that each loop is monomorphic in its operation: out[o] = a[o] ∘ b[o mod w].
function addRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! + b[j]!
}
function mulRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! * b[j]!
}
function subRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! - b[j]!
}
function divRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! / b[j]!
}
function gtRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! > b[j]! ? 1 : 0
}
function leRows(a: TypedArray, b: TypedArray, out: TypedArray, w: number): void {
  const n = out.length
  for (let o = 0; o < n;) for (let j = 0; j < w; j++, o++) out[o] = a[o]! <= b[j]! ? 1 : 0
}
function addScalar(a: TypedArray, bv: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + bv
}
function mulScalar(a: TypedArray, bv: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * bv
}
const ROWS = { add: addRows, mul: mulRows, sub: subRows, div: divRows, gt: gtRows, le: leRows } as const

/** Runs a fast op where `b` is a whole-row (trailing-axes) or scalar operand of a full-size `a`; false otherwise. */
function fastBinary(op: FastBinaryOp, a: TypedArray, b: TypedArray, bShape: Shape, outShape: Shape, out: TypedArray) {
  const n = out.length
  if (a.length !== n || n === 0) return false
  if (b.length === 1 && (op === 'add' || op === 'mul')) {
    if (op === 'add') addScalar(a, b[0]!, out)
    else mulScalar(a, b[0]!, out)
    return true
  }
  if (b.length !== n && trailingRepeat(b.length, bShape, outShape) === 0) return false
  ROWS[op](a, b, out, b.length)
  return true
}

/**
 * `out[i] = f(a[i'], b[i''])` with NumPy broadcasting of `a` and `b` to `outShape`. `op`, when given, names what `f`
 * computes and selects a closure-free loop for the common layouts (same shape, bias row, scalar).
 */
export function binary(
  f: (a: number, b: number) => number,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  Out: TypedArrayConstructor,
  op?: FastBinaryOp,
): TypedArray {
  const n = sizeOf(outShape)
  const out = new Out(n)
  if (op !== undefined) {
    if (fastBinary(op, a, b, bShape, outShape, out)) return out
    if ((op === 'add' || op === 'mul') && fastBinary(op, b, a, aShape, outShape, out)) return out
  }
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!)
    return out
  }
  if (b.length === 1 && a.length === n) {
    const bv = b[0]!
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, bv)
    return out
  }
  if (a.length === 1 && b.length === n) {
    const av = a[0]!
    for (let i = 0; i < n; i++) out[i] = f(av, b[i]!)
    return out
  }
  // A trailing-axes operand (a bias [n] added to [m, n]): nested flat loops, no index bookkeeping.
  const rows = trailingRepeat(b.length, bShape, outShape)
  if (a.length === n && rows > 0) {
    const w = b.length
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < w; j++, o++) out[o] = f(a[o]!, b[j]!)
    return out
  }
  const rowsA = trailingRepeat(a.length, aShape, outShape)
  if (b.length === n && rowsA > 0) {
    const w = a.length
    for (let r = 0, o = 0; r < rowsA; r++) for (let j = 0; j < w; j++, o++) out[o] = f(a[j]!, b[o]!)
    return out
  }
  const sa = broadcastStrides(aShape, outShape)
  const sb = broadcastStrides(bShape, outShape)
  const last = outShape.length - 1
  const ia = last >= 0 ? sa[last]! : 0
  const ib = last >= 0 ? sb[last]! : 0
  let o = 0
  forEachRow(outShape, [sa, sb], (offs, len) => {
    let pa = offs[0]!
    let pb = offs[1]!
    for (let i = 0; i < len; i++, pa += ia, pb += ib) out[o++] = f(a[pa]!, b[pb]!)
  })
  return out
}

/**
 * `out[i] = c[i] ≠ 0 ? a[i] : b[i]` with NumPy broadcasting of all three to `outShape`. A NaN condition is true
 * (NaN ≠ 0, as NumPy's `bool(nan)`), a −0 condition false; the picked value is copied unchanged.
 */
export function select(
  c: TypedArray,
  cShape: Shape,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  Out: TypedArrayConstructor,
): TypedArray {
  const n = sizeOf(outShape)
  const out = new Out(n)
  if (c.length === n && a.length === n && b.length === n) {
    // No broadcasting (relu's mask, where(x > 0, ct, 0)): one flat loop.
    for (let i = 0; i < n; i++) out[i] = c[i]! !== 0 ? a[i]! : b[i]!
    return out
  }
  if (c.length === n && a.length === n && b.length === 1) {
    const bv = b[0]!
    for (let i = 0; i < n; i++) out[i] = c[i]! !== 0 ? a[i]! : bv
    return out
  }
  if (c.length === n && a.length === 1 && b.length === n) {
    // relu's where(x ≤ 0, 0, x) and the VJP's where(c, 0, ct).
    const av = a[0]!
    for (let i = 0; i < n; i++) out[i] = c[i]! !== 0 ? av : b[i]!
    return out
  }
  const st = [
    broadcastStrides(cShape, outShape),
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ]
  const last = outShape.length - 1
  const [ic, ia, ib] = st.map((s) => (last >= 0 ? s[last]! : 0)) as [number, number, number]
  let o = 0
  forEachRow(outShape, st, (offs, len) => {
    let pc = offs[0]!
    let pa = offs[1]!
    let pb = offs[2]!
    for (let i = 0; i < len; i++, pc += ic, pa += ia, pb += ib) out[o++] = c[pc]! !== 0 ? a[pa]! : b[pb]!
  })
  return out
}

/** Copies `a` (of `shape`) broadcast to `outShape`. */
export function broadcastTo(a: TypedArray, shape: Shape, outShape: Shape, Out: TypedArrayConstructor): TypedArray {
  const n = sizeOf(outShape)
  if (a.length === n) return Out.from(a)
  if (a.length === 1) return new Out(n).fill(a[0]!)
  const out = new Out(n)
  const r = outShape.length
  const w = r > 0 ? outShape[r - 1]! : 1
  // Only the last axis broadcast (a row reduction's cotangent, [m, 1] → [m, n]): each row is one value, repeated.
  if (shape.length === r && shape[r - 1] === 1 && a.length * w === n) {
    for (let i = 0, o = 0; i < a.length; i++) {
      const v = a[i]!
      for (let j = 0; j < w; j++) out[o++] = v
    }
    return out
  }
  copyStrided(a, outShape, broadcastStrides(shape, outShape), 0, out)
  return out
}

/** Which reduction {@link reduce} computes. */
export type ReduceOp = 'sum' | 'max' | 'min'

/**
 * Reduces `a` (of `shape`) over `axes` (sorted, distinct, in range); the output has the shape with those axes
 * removed. Sums accumulate in float64 from +0 (so a sum of only −0 is +0, as XLA; NumPy keeps −0). Max and min are
 * IEEE 754-2019 `maximum` / `minimum` (JavaScript's `Math.max` / `Math.min`): NaN wins, and −0 < +0.
 */
export function reduce(
  op: ReduceOp,
  a: TypedArray,
  shape: Shape,
  axes: readonly number[],
  Out: TypedArrayConstructor,
): TypedArray {
  // The sums of a dense layer's backward pass (a bias gradient over the rows, a softmax's over each row) without the
  // per-row callback or a float64 accumulator array: each sum runs in one float64 variable from +0, adding in the
  // same order as the general loop below (a column's elements by increasing row), and is rounded once on the store.
  // A vector's sum (a mean over a batch): one running sum, as the general loop's single row.
  if (op === 'sum' && shape.length === 1 && axes.length === 1) {
    let s = 0
    for (let i = 0; i < a.length; i++) s += a[i]!
    const out = new Out(1)
    out[0] = s
    return out
  }
  if (op === 'sum' && shape.length === 2 && axes.length === 1) {
    const [rows, cols] = shape as [number, number]
    const n = rows * cols
    if (axes[0] === 0) {
      const out = new Out(cols)
      // Four columns at a time: four independent float64 chains (one running sum is bound by the add's latency),
      // each still adding its column's elements by increasing row.
      let j = 0
      for (; j + 4 <= cols; j += 4) {
        let s0 = 0
        let s1 = 0
        let s2 = 0
        let s3 = 0
        for (let p = j; p < n; p += cols) {
          s0 += a[p]!
          s1 += a[p + 1]!
          s2 += a[p + 2]!
          s3 += a[p + 3]!
        }
        out[j] = s0
        out[j + 1] = s1
        out[j + 2] = s2
        out[j + 3] = s3
      }
      for (; j < cols; j++) {
        let s = 0
        for (let p = j; p < n; p += cols) s += a[p]!
        out[j] = s
      }
      return out
    }
    const out = new Out(rows)
    for (let i = 0, p = 0; i < rows; i++) {
      let s = 0
      for (let j = 0; j < cols; j++, p++) s += a[p]!
      out[i] = s
    }
    return out
  }
  const outShape = shape.filter((_, i) => !axes.includes(i))
  const m = sizeOf(outShape)
  const acc = new Float64Array(m).fill(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity)
  // Output strides laid over the input's axes (0 along reduced axes).
  const ost = stridesOf(outShape)
  const st: number[] = []
  let j = 0
  for (let i = 0; i < shape.length; i++) st.push(axes.includes(i) ? 0 : ost[j++]!)
  const inc = shape.length > 0 ? st[shape.length - 1]! : 0
  let p = 0
  forEachRow(shape, [st], (offs, len) => {
    let q = offs[0]!
    if (op === 'sum') {
      if (inc === 0) {
        let s = 0
        for (let i = 0; i < len; i++) s += a[p++]!
        acc[q]! += s
      } else for (let i = 0; i < len; i++, q += inc) acc[q]! += a[p++]!
    } else if (op === 'max') {
      for (let i = 0; i < len; i++, q += inc) acc[q] = Math.max(acc[q]!, a[p++]!)
    } else {
      for (let i = 0; i < len; i++, q += inc) acc[q] = Math.min(acc[q]!, a[p++]!)
    }
  })
  return new Out(acc)
}

/** Permutes the axes of `a`: `out.shape[i] = shape[perm[i]]`. */
export function transpose(
  a: TypedArray,
  shape: Shape,
  perm: readonly number[],
  Out: TypedArrayConstructor,
): TypedArray {
  const outShape = perm.map((p) => shape[p]!)
  const st = stridesOf(shape)
  const pst = perm.map((p) => st[p]!)
  const out = new Out(a.length)
  const rank = shape.length
  if (
    rank >= 2 &&
    perm[rank - 2] === rank - 1 &&
    perm[rank - 1] === rank - 2 &&
    perm.every((p, i) => i >= rank - 2 || p === i)
  ) {
    // Swap of the last two axes (matmul's VJP): 32×32 tiles, so both sides stay in cache lines.
    const r = shape[rank - 2]!
    const c = shape[rank - 1]!
    const nb = r * c === 0 ? 0 : a.length / (r * c)
    const T = 32
    for (let t = 0; t < nb; t++) {
      const off = t * r * c
      for (let i0 = 0; i0 < r; i0 += T) {
        const i1 = Math.min(i0 + T, r)
        for (let j0 = 0; j0 < c; j0 += T) {
          const j1 = Math.min(j0 + T, c)
          for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[off + j * r + i] = a[off + i * c + j]!
        }
      }
    }
    return out
  }
  copyStrided(a, outShape, pst, 0, out)
  return out
}

/**
 * Batched matrix product of `a` (`[..., m, k]`) and `b` (`[..., k, n]`, batch axes broadcast). Uses the
 * cache-friendly i-k-j loop and accumulates each output row in float64 from +0, so each element is the naive dot
 * product rounded once to `Out`, with IEEE semantics (NaN and ±Infinity propagate; 0·∞ = NaN; a sum of ±0 terms is
 * +0). Large float32 products go to the SIMD / gpu.js kernels, which accumulate in float32.
 */
export function matmul(
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  Out: TypedArrayConstructor,
  trans: { readonly transA?: boolean | undefined; readonly transB?: boolean | undefined } = {},
): { data: TypedArray; shape: number[] } {
  const ra = aShape.length
  const rb = bShape.length
  const transA = trans.transA === true
  const transB = trans.transB === true
  const m = aShape[transA ? ra - 1 : ra - 2]!
  const k = aShape[transA ? ra - 2 : ra - 1]!
  const n = bShape[transB ? rb - 2 : rb - 1]!
  const dispatched =
    Out === Float32Array &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    chooseMatmulKernel(m, k, n) !== 'ts'
  // One product of two matrices (a dense layer's): the dispatcher's fresh result is the output, with no copy and none
  // of the batch bookkeeping below.
  if (dispatched && ra === 2 && rb === 2) {
    return { data: dispatchMatmul(a, b, m, k, n, { transA, transB }), shape: [m, n] }
  }
  const batchA = aShape.slice(0, ra - 2)
  const batchB = bShape.slice(0, rb - 2)
  const batch = broadcastShapes(batchA, batchB)!
  const outShape = [...batch, m, n]
  const nb = sizeOf(batch)
  const sa = broadcastStrides(batchA, batch)
  const sb = broadcastStrides(batchB, batch)
  const bstr = stridesOf(batch)
  // float32 products go through the dispatcher (SIMD wasm, gpu.js or this loop, by size and setBackend); the
  // reference loop below accumulates in float64 and serves float64 and small products.
  // One product (no batch axes): the dispatcher's fresh result is the output, with no copy.
  if (dispatched && nb === 1 && a.length === m * k && b.length === k * n) {
    return { data: dispatchMatmul(a, b, m, k, n, { transA, transB }), shape: outShape }
  }
  const out = new Out(sizeOf(outShape))
  if (dispatched) {
    for (let t = 0; t < nb; t++) {
      const [offA, offB] = batchOffsets(t, batch, bstr, sa, sb)
      const slice = dispatchMatmul(
        a.subarray(offA * m * k, (offA + 1) * m * k),
        b.subarray(offB * k * n, (offB + 1) * k * n),
        m,
        k,
        n,
        { transA, transB },
      )
      out.set(slice, t * m * n)
    }
    return { data: out, shape: outShape }
  }
  if (transA || transB) {
    // The reference loop reads row-major operands: materialise the transposes (float64 and small products only).
    const swap = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]
    const a2 = transA ? transpose(a, aShape, swap(ra), a instanceof Float32Array ? Float32Array : Float64Array) : a
    const b2 = transB ? transpose(b, bShape, swap(rb), b instanceof Float32Array ? Float32Array : Float64Array) : b
    const as2 = transA ? [...batchA, m, k] : aShape
    const bs2 = transB ? [...batchB, k, n] : bShape
    return matmul(a2, as2, b2, bs2, Out)
  }
  const row = new Float64Array(n)
  for (let t = 0; t < nb; t++) {
    const [ia, ib] = batchOffsets(t, batch, bstr, sa, sb)
    const offA = ia * m * k
    const offB = ib * k * n
    const offO = t * m * n
    // A zero of `a` skips row p of `b` only when that row is finite: 0·NaN and 0·∞ are NaN and must propagate.
    // The rows are checked on the first zero (dense operands never pay for it).
    let finite: Uint8Array | null = null
    for (let i = 0; i < m; i++) {
      row.fill(0)
      const ai = offA + i * k
      for (let p = 0; p < k; p++) {
        const av = a[ai + p]!
        if (av === 0 && (finite ??= finiteRows(b, offB, k, n))[p] === 1) continue
        const bp = offB + p * n
        for (let j = 0; j < n; j++) row[j]! += av * b[bp + j]!
      }
      const oi = offO + i * n
      for (let j = 0; j < n; j++) out[oi + j] = row[j]!
    }
  }
  return { data: out, shape: outShape }
}

/** The batch indices into `a` and `b` of output batch `t`, under broadcasting. */
function batchOffsets(
  t: number,
  batch: Shape,
  bstr: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
): [number, number] {
  let offA = 0
  let offB = 0
  let rem = t
  for (let d = 0; d < batch.length; d++) {
    const i = Math.floor(rem / bstr[d]!)
    rem -= i * bstr[d]!
    offA += i * sa[d]!
    offB += i * sb[d]!
  }
  return [offA, offB]
}

/** Concatenates arrays along `axis` (all other axes equal). */
export function concat(
  arrays: readonly TypedArray[],
  shapes: readonly Shape[],
  axis: number,
  Out: TypedArrayConstructor,
): TypedArray {
  const first = shapes[0]!
  const outer = sizeOf(first.slice(0, axis))
  const inner = sizeOf(first.slice(axis + 1))
  const total = shapes.reduce((s, sh) => s + sh[axis]!, 0)
  const out = new Out(outer * total * inner)
  let o = 0
  for (let i = 0; i < outer; i++) {
    arrays.forEach((arr, j) => {
      const len = shapes[j]![axis]! * inner
      const start = i * len
      for (let q = 0; q < len; q++) out[o++] = arr[start + q]!
    })
  }
  return out
}

/** The block `starts[i] ≤ index[i] < starts[i] + sizes[i]` of `a`. */
export function slice(
  a: TypedArray,
  shape: Shape,
  starts: readonly number[],
  sizes: readonly number[],
  Out: TypedArrayConstructor,
): TypedArray {
  const st = stridesOf(shape)
  const base = starts.reduce((s, v, i) => s + v * st[i]!, 0)
  const out = new Out(sizeOf(sizes))
  copyStrided(a, sizes, st, base, out)
  return out
}

/** Pads `a` with `before[i]` zeros before and `after[i]` zeros after along every axis i. */
export function pad(
  a: TypedArray,
  shape: Shape,
  before: readonly number[],
  after: readonly number[],
  Out: TypedArrayConstructor,
): TypedArray {
  const outShape = shape.map((d, i) => d + before[i]! + after[i]!)
  const ost = stridesOf(outShape)
  const base = before.reduce((s, v, i) => s + v * ost[i]!, 0)
  const out = new Out(sizeOf(outShape))
  const inc = shape.length > 0 ? ost[shape.length - 1]! : 0
  let p = 0
  forEachRow(shape, [ost], (offs, len) => {
    let o = base + offs[0]!
    for (let i = 0; i < len; i++, o += inc) out[o] = a[p++]!
  })
  return out
}

/**
 * `take` along `axis`: the output has shape `shape[:axis] ++ [indices.length] ++ shape[axis+1:]` (the caller
 * reshapes the index axis). Indices are integers in `[0, shape[axis])`.
 */
export function gather(
  a: TypedArray,
  shape: Shape,
  indices: ArrayLike<number>,
  axis: number,
  Out: TypedArrayConstructor,
): TypedArray {
  const outer = sizeOf(shape.slice(0, axis))
  const inner = sizeOf(shape.slice(axis + 1))
  const d = shape[axis]!
  const ni = indices.length
  const out = new Out(outer * ni * inner)
  let o = 0
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < ni; j++) {
      const start = (i * d + indices[j]!) * inner
      for (let q = 0; q < inner; q++) out[o++] = a[start + q]!
    }
  }
  return out
}

/** The transpose of {@link gather}: adds each slice of `src` into zeros of `outShape` at its index (duplicates add). */
export function scatterAdd(
  src: TypedArray,
  indices: ArrayLike<number>,
  axis: number,
  outShape: Shape,
  Out: TypedArrayConstructor,
): TypedArray {
  const outer = sizeOf(outShape.slice(0, axis))
  const inner = sizeOf(outShape.slice(axis + 1))
  const d = outShape[axis]!
  const ni = indices.length
  const acc = new Float64Array(sizeOf(outShape))
  let p = 0
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < ni; j++) {
      const start = (i * d + indices[j]!) * inner
      for (let q = 0; q < inner; q++) acc[start + q]! += src[p++]!
    }
  }
  return Out.from(acc)
}
