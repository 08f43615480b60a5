// @ts-nocheck — AssemblyScript source (compiled by scripts/build-wasm.mjs with asc), not TypeScript for tsc.
// Pointers are byte offsets into this module's linear memory; the JS side (src/kernels/wasm/index.ts) lays out the
// buffers, copies inputs in and outputs out. Runtime "stub": nothing here allocates.

// ---- matmul ----------------------------------------------------------------------------------------------------
// C[M×Np] = op(A)[M×K] · op(B)[K×N] (+ bias, then ReLU), f32, Np = N rounded up to 8 (the caller copies the first N
// columns out). op(A) is packed into 4-row panels Ap[ib][k][r] (rows past M are zero), op(B) into 8-column panels
// Bp[jb][k][c] (columns past N are zero), so the inner kernel reads both sequentially. The micro-kernel keeps a
// 4×8 block of C in 8 v128 accumulators: per k, 2 loads of B, 4 splats of A, 8 mul + 8 add.
// Packing and the product are exported by ranges (rows in steps of 4, columns in steps of 8) so that two threads
// can share one product: every element of C is computed by the same instructions in the same order whichever
// thread and range computes it, so a split result is bit-identical to the one-thread result.

// Four rows of four floats at r0…r3 (k to k+3) stored transposed: four vectors at out, out + stride, … (k, k+1, …),
// each holding the four rows' values at one k. Two rounds of shuffles; only data moves, so the bits are the inputs'.
@inline function transpose4(r0: usize, r1: usize, r2: usize, r3: usize, out: usize, stride: usize): void {
  const x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3)
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5)
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7)
  v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5))
  v128.store(out + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7))
  v128.store(out + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5))
  v128.store(out + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7))
}

/** Packs rows [i0, i1) of op(A) (i0, i1 multiples of 4, i1 ≤ Mp) into `ap`. */
export function packA(a: usize, ap: usize, M: i32, K: i32, transA: i32, i0: i32, i1: i32): void {
  for (let ib = i0; ib < i1; ib += 4) {
    const base = ap + (<usize>ib * <usize>K) * 4
    let k0 = 0
    // A whole panel (4 rows inside M) moves four floats at a time: one contiguous vector per k from a transposed A
    // (its 4 rows are adjacent in each stored row), 4×4 transposes from a plain one; the rest element by element.
    if (ib + 4 <= M) {
      if (transA) {
        // Pointers stepped in a do-while (as in `micro`): V8's code for the indexed for loop took ~1.7× as long.
        let src = a + <usize>ib * 4
        let dst = base
        const end = base + <usize>K * 16
        if (dst < end) do {
          v128.store(dst, v128.load(src))
          src += <usize>M * 4
          dst += 16
        } while (dst < end)
        k0 = K
      } else {
        const row = <usize>K * 4
        const r0 = a + <usize>ib * row
        for (; k0 + 4 <= K; k0 += 4) {
          const at = r0 + <usize>k0 * 4
          transpose4(at, at + row, at + 2 * row, at + 3 * row, base + <usize>k0 * 16, 16)
        }
      }
    }
    for (let k = k0; k < K; k++) {
      for (let r = 0; r < 4; r++) {
        const i = ib + r
        let x: f32 = 0
        if (i < M) x = transA ? load<f32>(a + (<usize>k * <usize>M + <usize>i) * 4) : load<f32>(a + (<usize>i * <usize>K + <usize>k) * 4)
        store<f32>(base + (<usize>k * 4 + <usize>r) * 4, x)
      }
    }
  }
}

/** Packs columns [j0, j1) of op(B) (j0, j1 multiples of 8, j1 ≤ Np) into `bp`. */
export function packB(b: usize, bp: usize, K: i32, N: i32, transB: i32, j0: i32, j1: i32): void {
  for (let jb = j0; jb < j1; jb += 8) {
    const base = bp + (<usize>jb * <usize>K) * 4
    let k0 = 0
    // A whole panel (8 columns inside N): two contiguous vectors per k from a plain B, two 4×4 transposes per 4 k
    // from a transposed one (its 8 columns are stored rows); the rest element by element.
    if (jb + 8 <= N) {
      if (!transB) {
        for (; k0 < K; k0++) {
          const src = b + (<usize>k0 * <usize>N + <usize>jb) * 4
          const dst = base + <usize>k0 * 32
          v128.store(dst, v128.load(src))
          v128.store(dst, v128.load(src, 16), 16)
        }
      } else {
        const row = <usize>K * 4
        const r0 = b + <usize>jb * row
        for (; k0 + 4 <= K; k0 += 4) {
          const at = r0 + <usize>k0 * 4
          const dst = base + <usize>k0 * 32
          transpose4(at, at + row, at + 2 * row, at + 3 * row, dst, 32)
          transpose4(at + 4 * row, at + 5 * row, at + 6 * row, at + 7 * row, dst + 16, 32)
        }
      }
    }
    for (let k = k0; k < K; k++) {
      for (let c = 0; c < 8; c++) {
        const j = jb + c
        let x: f32 = 0
        if (j < N) x = transB ? load<f32>(b + (<usize>j * <usize>K + <usize>k) * 4) : load<f32>(b + (<usize>k * <usize>N + <usize>j) * 4)
        store<f32>(base + (<usize>k * 8 + <usize>c) * 4, x)
      }
    }
  }
}

/** Packs rows [i0, i1) of op(A) and columns [j0, j1) of op(B): one thread's share of the packing. */
export function pack(a: usize, b: usize, ap: usize, bp: usize, M: i32, K: i32, N: i32, transA: i32, transB: i32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  packA(a, ap, M, K, transA, i0, i1)
  packB(b, bp, K, N, transB, j0, j1)
}

// x ≤ 0 ? +0 : x lane by lane (bitselect keeps a NaN's bits, as the unfused relu = where(x ≤ 0, 0, x) does).
@inline function relu4(x: v128): v128 {
  return v128.bitselect(f32x4.splat(0), x, f32x4.le(x, f32x4.splat(0)))
}

// One 4×8 block of C over k in [k0, k1), accumulated into C when acc != 0.
function micro(ap: usize, bp: usize, c: usize, ldc: i32, k0: i32, k1: i32, acc: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  let pa = ap + <usize>k0 * 16
  let pb = bp + <usize>k0 * 32
  // The loop steps the panel pointers alone (no k counter) and is a do-while, and the epilogue is a function of its
  // own: V8 then keeps the splats' addresses in registers instead of recomputing three per k (1024³ on one thread
  // ~20 % faster on the 2-vCPU bench machine; the same arithmetic in the same order).
  const end = pa + <usize>(k1 - k0) * 16
  if (pa < end) do {
    const b0 = v128.load(pb)
    const b1 = v128.load(pb, 16)
    const a0 = v128.load32_splat(pa)
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1))
    const a1 = v128.load32_splat(pa, 4)
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1))
    const a2 = v128.load32_splat(pa, 8)
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1))
    const a3 = v128.load32_splat(pa, 12)
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1))
    pa += 16
    pb += 32
  } while (pa < end)
  const row = <usize>ldc * 4
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16))
    c10 = f32x4.add(c10, v128.load(c + row)); c11 = f32x4.add(c11, v128.load(c + row, 16))
    c20 = f32x4.add(c20, v128.load(c + 2 * row)); c21 = f32x4.add(c21, v128.load(c + 2 * row, 16))
    c30 = f32x4.add(c30, v128.load(c + 3 * row)); c31 = f32x4.add(c31, v128.load(c + 3 * row, 16))
  }
  v128.store(c, c00); v128.store(c, c01, 16)
  v128.store(c + row, c10); v128.store(c + row, c11, 16)
  v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16)
  v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16)
}

// The epilogue of one finished 4×8 block of C (the complete sums, as stored): epi 1 adds the 8 bias values at
// `bias` to each row, 2 then applies ReLU. In f32 after the sum: the same rounding as a separate bias add after the
// product.
function epilogue(c: usize, ldc: i32, bias: usize, epi: i32): void {
  const z0 = v128.load(bias), z1 = v128.load(bias, 16)
  const row = <usize>ldc * 4
  for (let r: usize = 0; r < 4; r++) {
    let x0 = f32x4.add(v128.load(c + r * row), z0)
    let x1 = f32x4.add(v128.load(c + r * row, 16), z1)
    if (epi == 2) {
      x0 = relu4(x0)
      x1 = relu4(x1)
    }
    v128.store(c + r * row, x0)
    v128.store(c + r * row, x1, 16)
  }
}

const KC: i32 = 256

/**
 * Rows [i0, i1) × columns [j0, j1) of C (Mp×Np, row stride Np; i0, i1 multiples of 4, j0, j1 multiples of 8) from
 * the packed panels, plus the bias row at `bias` (Np floats) when `bias` != 0, then ReLU when `relu` != 0.
 * The k loop is split in blocks of KC so that a B panel block (KC·8 floats = 8 KiB) stays in L1 across row blocks.
 * K = 0 gives +0 (+ bias).
 */
export function gemm(ap: usize, bp: usize, c: usize, bias: usize, K: i32, Np: i32, i0: i32, i1: i32, j0: i32, j1: i32, relu: i32): void {
  const epi = bias == 0 ? 0 : relu ? 2 : 1
  const last = K == 0 ? 0 : ((K - 1) / KC) * KC
  for (let k0 = 0; k0 <= last; k0 += KC) {
    const k1 = min(k0 + KC, K)
    for (let jb = j0; jb < j1; jb += 8) {
      const pb = bp + <usize>jb * <usize>K * 4
      const e = k0 == last ? epi : 0
      for (let ib = i0; ib < i1; ib += 4) {
        const cb = c + (<usize>ib * <usize>Np + <usize>jb) * 4
        micro(ap + <usize>ib * <usize>K * 4, pb, cb, Np, k0, k1, k0 > 0 ? 1 : 0)
        if (e) epilogue(cb, Np, bias + <usize>jb * 4, e)
      }
    }
  }
}

/** The whole product on one thread: C (Mp×Np) = op(A)·op(B). `ap` needs Mp·K floats, `bp` K·Np floats. */
export function matmul(a: usize, b: usize, c: usize, ap: usize, bp: usize, M: i32, K: i32, N: i32, transA: i32, transB: i32): void {
  const Mp = (M + 3) & ~3
  const Np = (N + 7) & ~7
  packA(a, ap, M, K, transA, 0, Mp)
  packB(b, bp, K, N, transB, 0, Np)
  gemm(ap, bp, c, 0, K, Np, 0, Mp, 0, Np, 0)
}

// ---- relu ------------------------------------------------------------------------------------------------------

/** out = relu4(x) over n floats (n a multiple of 4): x ≤ 0 ? +0 : x, NaN's bits kept (fusedLayer.ts's relu32). */
export function relu(x: usize, out: usize, n: i32): void {
  for (let i: usize = 0; i < <usize>n * 4; i += 16) v128.store(out + i, relu4(v128.load(x + i)))
}

/** out = x ≤ 0 ? +0 : ct over n floats (n a multiple of 4): relu's VJP, ct's bits kept (fusedLayer.ts's mask32). */
export function reluMask(ct: usize, x: usize, out: usize, n: i32): void {
  for (let i: usize = 0; i < <usize>n * 4; i += 16) {
    v128.store(out + i, v128.bitselect(f32x4.splat(0), v128.load(ct + i), f32x4.le(v128.load(x + i), f32x4.splat(0))))
  }
}

// ---- fused Adam / AdamW ----------------------------------------------------------------------------------------
// The Adam direction in f32x4 with float32 rounding at every operation (what XLA computes for float32, and
// what optax users get); the scalars come from the host in float64 and are rounded to float32 once here. Capitals
// are those float32 scalars (C1 = f32(1 − b1), BC1 = f32(1 − b1ᵗ), ...); ⊕ ⊗ ⊘ √ are float32 operations.
//   m' = C1⊗g ⊕ B1⊗m                  v' = C2⊗(g⊗g) ⊕ B2⊗v
//   d  = √(v'⊘BC2 ⊕ ER) ⊕ EPS
//   u1 = (m'⊘BC1)⊘d                   (nesterov: ((B1⊗m')⊘BC1N ⊕ (C1⊗g)⊘BC1)⊘d)
// The decay and the final scale keep the semantics of addDecayedWeights and scale / scaleByLearningRate on a
// float32 leaf (float64 arithmetic from the float32 values, one rounding where the result is stored), in f64x2:
//   u2 = applyWd ? f32(u1 + wd·p) : u1      u = f32(s·u2)      (skipped when !applyWd and s = 1: f32(1·u1) = u1)
//   p' = p ⊕ u                               (only when pOut != 0; u itself is stored only when uOut != 0)
// n must be a multiple of 4 here; the JS wrapper finishes the tail with the TS kernel.

export function adamw(
  p: usize, g: usize, m: usize, v: usize, mOut: usize, vOut: usize, uOut: usize, pOut: usize, n: i32,
  b1: f64, b2: f64, bc1: f64, bc2: f64, bc1n: f64, eps: f64, epsRoot: f64, wd: f64, s: f64,
  applyWd: i32, nesterov: i32,
): void {
  const C1 = f32x4.splat(<f32>(1 - b1)), B1 = f32x4.splat(<f32>b1)
  const C2 = f32x4.splat(<f32>(1 - b2)), B2 = f32x4.splat(<f32>b2)
  const BC1 = f32x4.splat(<f32>bc1), BC2 = f32x4.splat(<f32>bc2), BC1N = f32x4.splat(<f32>bc1n)
  const EPS = f32x4.splat(<f32>eps), ER = f32x4.splat(<f32>epsRoot)
  const vwd = f64x2.splat(wd), vs = f64x2.splat(s)
  const tail = applyWd != 0 || s != 1
  // A do-while: in a `for` loop V8 recomputes the splat constants above in every iteration (~25 % of the kernel's
  // time on the bench machine).
  const end = <usize>n * 4
  let i: usize = 0
  if (i < end) do {
    const gf = v128.load(g + i), mf = v128.load(m + i), vf = v128.load(v + i)
    const m1 = f32x4.add(f32x4.mul(C1, gf), f32x4.mul(B1, mf))
    const v1 = f32x4.add(f32x4.mul(C2, f32x4.mul(gf, gf)), f32x4.mul(B2, vf))
    v128.store(mOut + i, m1)
    v128.store(vOut + i, v1)
    const d = f32x4.add(f32x4.sqrt(f32x4.add(f32x4.div(v1, BC2), ER)), EPS)
    const mhat = nesterov
      ? f32x4.add(f32x4.div(f32x4.mul(B1, m1), BC1N), f32x4.div(f32x4.mul(C1, gf), BC1))
      : f32x4.div(m1, BC1)
    let u = f32x4.div(mhat, d)
    const pf = v128.load(p + i)
    if (tail) {
      let ul = f64x2.promote_low_f32x4(u), uh = f64x2.promote_low_f32x4(v128.shuffle<i32>(u, u, 2, 3, 0, 1))
      if (applyWd) {
        const pl = f64x2.promote_low_f32x4(pf), ph = f64x2.promote_low_f32x4(v128.shuffle<i32>(pf, pf, 2, 3, 0, 1))
        ul = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(ul, f64x2.mul(vwd, pl))))
        uh = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(uh, f64x2.mul(vwd, ph))))
      }
      const lo = f32x4.demote_f64x2_zero(f64x2.mul(vs, ul))
      const hi = f32x4.demote_f64x2_zero(f64x2.mul(vs, uh))
      u = v128.shuffle<i32>(lo, hi, 0, 1, 4, 5)
    }
    if (uOut) v128.store(uOut + i, u)
    if (pOut) v128.store(pOut + i, f32x4.add(pf, u))
    i += 16
  } while (i < end)
}

// ---- sums of squares -------------------------------------------------------------------------------------------
// Σx² of float32 data in eight float64 lanes (lane k sums the elements ≡ k mod 8 in order): the lanes of
// src/kernels/sumSquares.ts, two per f64x2, so the result is the same bits as the TS loop, 4–5× faster.

/** Adds the squares of the n floats at `x` (n a multiple of 8) into the 8 float64 lanes at `lanes` (64 bytes). */
export function sumSquareLanes(x: usize, n: i32, lanes: usize): void {
  let a0 = v128.load(lanes), a1 = v128.load(lanes, 16), a2 = v128.load(lanes, 32), a3 = v128.load(lanes, 48)
  for (let i = 0; i < n; i += 8) {
    const v0 = v128.load(x + <usize>i * 4)
    const v1 = v128.load(x + <usize>i * 4, 16)
    const d0 = f64x2.promote_low_f32x4(v0)
    const d1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(v0, v0, 2, 3, 0, 1))
    const d2 = f64x2.promote_low_f32x4(v1)
    const d3 = f64x2.promote_low_f32x4(v128.shuffle<f32>(v1, v1, 2, 3, 0, 1))
    a0 = f64x2.add(a0, f64x2.mul(d0, d0))
    a1 = f64x2.add(a1, f64x2.mul(d1, d1))
    a2 = f64x2.add(a2, f64x2.mul(d2, d2))
    a3 = f64x2.add(a3, f64x2.mul(d3, d3))
  }
  v128.store(lanes, a0); v128.store(lanes, a1, 16); v128.store(lanes, a2, 32); v128.store(lanes, a3, 48)
}
