import type { AdamwOut, AdamwScalars } from '../wasm/index'

/**
 * The fused Adam/AdamW step in plain TypeScript: one loop over the leaf, no per-transform arrays; the reference the
 * SIMD kernel is tested against bit for bit.
 *
 * The Adam direction (m′, v′, u₁) is computed with float32 rounding at every operation (`Math.fround` after each
 * float64 operation on float32 values, which equals the float32 operation for + − × ÷ √): what XLA computes for
 * float32, and what optax users get. The float64 host scalars are rounded to float32 once (capitals below;
 * ⊕ ⊗ ⊘ √ are float32 operations). The decay and the final scale keep the semantics of `addDecayedWeights` and
 * `scale` / `scaleByLearningRate` on a float32 leaf (float64 arithmetic, rounded once where the result is stored),
 * so the fused step is bit-identical to the unfused chain `scaleByAdam → addDecayedWeights → scaleByLearningRate`
 * (and `applyUpdates` when `out.p` is given).
 *
 * ```text
 * m′ = C1⊗g ⊕ B1⊗m                  v′ = C2⊗(g⊗g) ⊕ B2⊗v          C1 = f32(1−β₁), C2 = f32(1−β₂)
 * d  = √(v′⊘BC2 ⊕ ER) ⊕ EPS                                        BC1 = f32(1−β₁ᵗ), BC2 = f32(1−β₂ᵗ), ER = f32(ε̄)
 * u₁ = (m′⊘BC1)⊘d                   (nesterov: ((B1⊗m′)⊘BC1N ⊕ (C1⊗g)⊘BC1)⊘d, BC1N = f32(1−β₁ᵗ⁺¹))
 * u₂ = applyWd ? f32(u₁ + λ·p) : u₁
 * u  = f32(s·u₂)                    p′ = p ⊕ u
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
  const { wd, s } = c
  const B1 = fr(c.b1)
  const B2 = fr(c.b2)
  const C1 = fr(1 - c.b1)
  const C2 = fr(1 - c.b2)
  const BC1 = fr(c.bc1)
  const BC2 = fr(c.bc2)
  const BC1N = fr(c.bc1Next)
  const EPS = fr(c.eps)
  const ER = fr(c.epsRoot)
  const mo = out.m
  const vo = out.v
  const uo = out.u
  const po = out.p
  const applyWd = c.applyWd
  const nesterov = c.nesterov
  const tail = applyWd || s !== 1
  for (let i = from; i < to; i++) {
    const gi = g[i]!
    const mi = fr(fr(C1 * gi) + fr(B1 * m[i]!))
    const vi = fr(fr(C2 * fr(gi * gi)) + fr(B2 * v[i]!))
    mo[i] = mi
    vo[i] = vi
    const d = fr(fr(Math.sqrt(fr(fr(vi / BC2) + ER))) + EPS)
    const mhat = nesterov ? fr(fr(fr(B1 * mi) / BC1N) + fr(fr(C1 * gi) / BC1)) : fr(mi / BC1)
    let u = fr(mhat / d)
    if (tail) {
      if (applyWd) u = fr(u + wd * p[i]!)
      u = fr(s * u)
    }
    uo[i] = u
    if (po !== undefined) po[i] = p[i]! + u
  }
}
