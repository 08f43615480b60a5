import type { AdamwOut, AdamwScalars } from '../wasm/index'

/**
 * The fused Adam/AdamW step in plain TypeScript: one loop over the leaf, no per-transform arrays.
 *
 * Bit-identical to the unfused float32 chain `scaleByAdam → addDecayedWeights → scaleByLearningRate` (and
 * `applyUpdates` when `out.p` is given): each stage is computed in float64 from the float32 values and rounded
 * to float32 (`Math.fround`) exactly where the unfused path stores a Float32Array, in the same operation order.
 *
 * ```text
 * m′ = f32((1−β₁)·g + β₁·m)          v′ = f32((1−β₂)·g² + β₂·v)
 * d  = √(v′/bc₂ + ε̄) + ε
 * u₁ = f32(m′/bc₁/d)                 (nesterov: f32((β₁·m′/bc₁ₙ + (1−β₁)·g/bc₁)/d))
 * u₂ = applyWd ? f32(u₁ + λ·p) : u₁
 * u  = f32(s·u₂)                     p′ = f32(p + u)
 * ```
 * Writes only into `out` (library-owned buffers); never into p, g, m, v. `from`/`to` restrict the loop to a range of
 * elements (the SIMD kernel's scalar tail).
 */
export function adamwFusedTs(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamwScalars,
  out: AdamwOut,
  from = 0,
  to = g.length,
): void {
  const fr = Math.fround
  const { b1, b2, bc1, bc2, bc1Next, eps, epsRoot, wd, s } = c
  const c1 = 1 - b1
  const c2 = 1 - b2
  const mo = out.m
  const vo = out.v
  const uo = out.u
  const po = out.p
  const applyWd = c.applyWd
  const nesterov = c.nesterov
  for (let i = from; i < to; i++) {
    const gi = g[i]!
    const mi = fr(c1 * gi + b1 * m[i]!)
    const vi = fr(c2 * (gi * gi) + b2 * v[i]!)
    mo[i] = mi
    vo[i] = vi
    const d = Math.sqrt(vi / bc2 + epsRoot) + eps
    let u = nesterov ? fr(((b1 * mi) / bc1Next + (c1 * gi) / bc1) / d) : fr(mi / bc1 / d)
    if (applyWd) u = fr(u + wd * p[i]!)
    u = fr(s * u)
    uo[i] = u
    if (po !== undefined) po[i] = p[i]! + u
  }
}
