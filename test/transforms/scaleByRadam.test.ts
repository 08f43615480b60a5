import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByRadamOptions, scaleByRadam } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** RAdam in float64 from Liu et al.'s Algorithm 2 with optax's choices (independent of the code under test). */
function reference(grads: Seq, o: ScaleByRadamOptions = {}): number[][] {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, threshold = 5, nesterov = false } = o
  const m = grads[0]!.map(() => 0)
  const v = grads[0]!.map(() => 0)
  const rhoInf = 2 / (1 - b2) - 1
  return grads.map((g, step) => {
    const t = step + 1
    const rho = rhoInf - (2 * t * b2 ** t) / (1 - b2 ** t)
    return g.map((gi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * gi
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi
      const mHat = nesterov
        ? (b1 * m[i]!) / (1 - b1 ** (t + 1)) + ((1 - b1) * gi) / (1 - b1 ** t)
        : m[i]! / (1 - b1 ** t)
      if (rho < threshold) return mHat
      const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho))
      return (r * mHat) / (Math.sqrt(v[i]! / (1 - b2 ** t) + epsRoot) + eps)
    })
  })
}

describe('scaleByRadam', () => {
  it('ρ₁ = 1 whatever b2, so the first update is the bias-corrected momentum m̂ = g', () => {
    // ρ₁ = ρ∞ − 2β₂/(1−β₂) = (2 − 2β₂)/(1−β₂) − 1 = 1 < 5
    expectSeqClose(runSeq(scaleByRadam({ b2: 0.5 }), [[3, -0.25, 0]]), [[3, -0.25, 0]])
  })

  it('with b2 = 0.999 the first 5 steps are momentum only and the 6th is rectified (hand check of ρ)', () => {
    // ρ∞ = 2/0.001 − 1 = 1999; ρ₅ = 1999 − 10·0.999⁵/(1 − 0.999⁵) ≈ 4.992 < 5;  ρ₆ ≈ 5.989 ≥ 5
    const rho = (t: number) => 1999 - (2 * t * 0.999 ** t) / (1 - 0.999 ** t)
    expect(rho(5)).toBeLessThan(5)
    expect(rho(6)).toBeGreaterThanOrEqual(5)
    // Constant gradient 2: m̂ = 2 exactly for t ≤ 5, then r₆·2/(2 + ε) with v̂ = 4.
    const us = runSeq(scaleByRadam(), new Array(6).fill([2]))
    expectSeqClose(us.slice(0, 5), new Array(5).fill([2]), 1e-14)
    const r6 = Math.sqrt(((rho(6) - 4) * (rho(6) - 2) * 1999) / (1995 * 1997 * rho(6)))
    expect(r6).toBeGreaterThan(0.02) // ≈ √(1.989·3.989/(1995·5.989)) ≈ 0.0258
    expect(r6).toBeLessThan(0.03)
    expectSeqClose([us[5]!], [[(r6 * 2) / (2 + 1e-8)]], 1e-12)
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (plain and nesterov, 8 steps)', () => {
    const o = { b1: 0.8, b2: 0.9, eps: 1e-6, threshold: 4.5 } // ρ∞ = 19; rectified from t = 5 (ρ₅ ≈ 4.58)
    expectSeqClose(runSeq(scaleByRadam(), MIXED), reference(MIXED))
    expectSeqClose(runSeq(scaleByRadam(o), MIXED), reference(MIXED, o))
    expectSeqClose(runSeq(scaleByRadam({ ...o, nesterov: true }), MIXED), reference(MIXED, { ...o, nesterov: true }))
  })

  it('threshold Infinity never rectifies: it is SGD with bias-corrected momentum', () => {
    const o = { threshold: Infinity, b1: 0.5 }
    const us = runSeq(scaleByRadam(o), MIXED)
    expectSeqClose(us, reference(MIXED, o))
    expectSeqClose([us[0]!], [MIXED[0]!.map((g) => g)])
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByRadam({ b2: 1 })).toThrow(HyperparameterError)
    expect(() => scaleByRadam({ b2: 1 })).toThrow('scaleByRadam options.b2 must be in [0, 1); got 1')
    expect(() => scaleByRadam({ threshold: NaN })).toThrow(/options\.threshold/)
    expect(() => scaleByRadam({ threshold: 3 })).toThrow(
      'scaleByRadam options.threshold must be in [4, Infinity]; got 3',
    )
    expect(() => scaleByRadam({ nesterov: 1 as unknown as boolean })).toThrow(/options\.nesterov must be true or false/)
  })

  describeContract(() => scaleByRadam())
  describeContract(() => scaleByRadam({ b2: 0.5, threshold: 4, nesterov: true }))
})
