import { describe, expect, it } from 'vitest'
import {
  type DType,
  HyperparameterError,
  type PyTree,
  type ScaleByStddevOptions,
  scaleByRms,
  scaleByStddev,
  tensor,
  tree,
} from '../../src/index'
import { type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'
import { expectSameStructure, values } from '../_helpers/assertions'

/** Runs `scaleByStddev(options)` over gradient vectors on one tensor leaf; returns every step's updates. */
const runVector = (options: ScaleByStddevOptions, grads: Seq, dtype: DType = 'float64'): number[][] =>
  runSeq(scaleByStddev(options), grads, dtype)

/** Centred RMSProp's scaling recomputed in float64 from the formula. */
function referenceStddev(grads: Seq, o: Required<ScaleByStddevOptions>): number[][] {
  const mu = new Array<number>(grads[0]!.length).fill(0)
  const nu = new Array<number>(grads[0]!.length).fill(o.initialScale)
  return grads.map((g, step) =>
    g.map((gi, i) => {
      mu[i] = o.decay * mu[i]! + (1 - o.decay) * gi
      nu[i] = o.decay * nu[i]! + (1 - o.decay) * gi * gi
      const c = o.biasCorrection ? 1 - Math.pow(o.decay, step + 1) : 1
      const variance = Math.max(0, nu[i]! / c - (mu[i]! / c) ** 2)
      return o.epsInSqrt ? gi / Math.sqrt(variance + o.eps) : gi / (Math.sqrt(variance) + o.eps)
    }),
  )
}

const DEFAULTS: Required<ScaleByStddevOptions> = {
  decay: 0.9,
  eps: 1e-8,
  initialScale: 0,
  epsInSqrt: true,
  biasCorrection: false,
}

describe('scaleByStddev', () => {
  it('init: count 0, mu = 0 and nu = initialScale, both mirroring the params', () => {
    const params = { w: tensor([[1, 2]]), b: tensor([3], 'float64'), s: 4, frozen: null }
    const state = scaleByStddev({ initialScale: 0.5 }).init(params)
    expect(state.count).toBe(0)
    expectSameStructure(state.mu, params)
    expectSameStructure(state.nu, params)
    expect(tree.leaves(state.mu).every((l) => tree.min(l) === 0 && tree.max(l) === 0)).toBe(true)
    expect(tree.leaves(state.nu).every((l) => tree.min(l) === 0.5 && tree.max(l) === 0.5)).toBe(true)
  })

  it('golden 3-step trace (decay = 0.5, eps = 0), derived by hand', () => {
    // g = 2:  μ = 1,    ν = 2;    ν − μ² = 1;    u = 2
    // g = 1:  μ = 1,    ν = 1.5;  ν − μ² = 0.5;  u = 1/√0.5 = √2
    // g = −2: μ = −0.5, ν = 2.75; ν − μ² = 2.5;  u = −2/√2.5
    const us = runVector({ decay: 0.5, eps: 0 }, [[2], [1], [-2]])
    const expected = [2, Math.SQRT2, -2 / Math.sqrt(2.5)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('golden 3-step trace with bias correction (decay = 0.5, eps = 1), derived by hand', () => {
    // μ, ν as above, both divided by 1 − 0.5ᵗ = 0.5, 0.75, 0.875:
    // t=1: μ̂ = 2,    ν̂ = 4;    ν̂ − μ̂² = 0;                     u = 2/√(0 + 1) = 2
    // t=2: μ̂ = 4/3,  ν̂ = 2;    ν̂ − μ̂² = 2/9;                   u = 1/√(11/9) = 3/√11
    // t=3: μ̂ = −4/7, ν̂ = 22/7; ν̂ − μ̂² = 22/7 − 16/49 = 138/49; u = −2/√(187/49) = −14/√187
    const us = runVector({ decay: 0.5, eps: 1, biasCorrection: true }, [[2], [1], [-2]])
    const expected = [2, 3 / Math.sqrt(11), -14 / Math.sqrt(187)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('eps inside or outside the square root; initialScale seeds nu only', () => {
    // decay = 0.5, g = 2: μ = 1, ν = 2, ν − μ² = 1. Inside, eps = 3: 2/√4 = 1. Outside, eps = 1: 2/(1 + 1) = 1.
    expect(runVector({ decay: 0.5, eps: 3 }, [[2]])[0]![0]).toBeCloseTo(1, 15)
    expect(runVector({ decay: 0.5, eps: 1, epsInSqrt: false }, [[2]])[0]![0]).toBeCloseTo(1, 15)
    // ν₀ = 2: ν = 1 + 2 = 3, μ = 1 (μ₀ stays 0), ν − μ² = 2, u = 2/√2
    expect(runVector({ decay: 0.5, eps: 0, initialScale: 2 }, [[2]])[0]![0]).toBeCloseTo(Math.SQRT2, 15)
  })

  it('matches a float64 recomputation over 6 steps for every epsInSqrt / biasCorrection combination', () => {
    const grads = [
      [0.3, -1.5, 4],
      [0.1, 2, -4],
      [-0.7, 0, 3],
      [0.2, -0.1, 0.5],
      [5, 1, -2],
      [0, 0, 0],
    ]
    for (const epsInSqrt of [true, false]) {
      for (const biasCorrection of [true, false]) {
        // With bias correction the first step has ν̂ − μ̂² = 0 exactly, so the update is g/√eps and float32's rounding
        // of ν̂ − μ̂² is amplified by |g|²/eps: eps = 0.1 keeps that below the float32 tolerance.
        const o = { ...DEFAULTS, epsInSqrt, biasCorrection, eps: 0.1 }
        const expected = referenceStddev(grads, o)
        for (const dtype of ['float32', 'float64'] as const) {
          const rtol = dtype === 'float32' ? 1e-5 : 1e-12
          expectSeqClose(runVector(o, grads, dtype), expected, rtol, 1e-12)
        }
      }
    }
  })

  it('clamps a variance that rounds below zero (the first bias-corrected step) instead of returning NaN', () => {
    // Exactly, ν̂ − μ̂² = g² − g² = 0 at t = 1, so u = g/(0 + eps); float32 rounding of μ and ν must not give NaN.
    // (A positive rounding error e still shows up as √e ≈ |g|·3e-4 in the denominator: hence the 1e-2 tolerance.)
    const g = [0.3, -1.5, 4, 0.1, -0.7, 1e-3, 3.3]
    for (const [dtype, rtol] of [
      ['float32', 1e-2],
      ['float64', 1e-6],
    ] as const) {
      const [u] = runVector({ biasCorrection: true, epsInSqrt: false, eps: 0.5 }, [g], dtype)
      u!.forEach((x, i) => expect(Math.abs(x - g[i]! / 0.5)).toBeLessThanOrEqual((rtol * Math.abs(g[i]!)) / 0.5))
    }
  })

  it('is at least as large as scaleByRms with the same options (ν − μ² ≤ ν)', () => {
    const grads = [
      [0.3, -1.5],
      [0.1, 2],
      [-0.7, 0.4],
    ]
    const rmsTx = scaleByRms()
    let s = rmsTx.init(tensor([0, 0], 'float64'))
    const centred = runVector({}, grads)
    grads.forEach((g, t) => {
      const [u, next] = rmsTx.update(tensor(g, 'float64'), s)
      s = next
      values(u).forEach((x, i) => expect(Math.abs(centred[t]![i]!)).toBeGreaterThanOrEqual(Math.abs(x)))
    })
  })

  it('zero gradients give zero updates and no NaN (default eps, and eps outside the root)', () => {
    for (const epsInSqrt of [true, false]) {
      const us = runVector(
        { epsInSqrt },
        [
          [0, 0],
          [0, 2],
          [0, 0],
        ],
        'float32',
      )
      expect(us[0]).toEqual([0, 0])
      expect(us[2]![0]).toBe(0)
      expect(us.flat().every(Number.isFinite)).toBe(true)
    }
  })

  it('huge gradients stay finite: 1e30 in float64, 1e20 in float32', () => {
    // First step: μ = 0.1·g, ν = 0.1·g², ν − μ² = 0.09·g², u = g/(0.3·|g|) = sign(g)/0.3.
    const us64 = runVector({}, [
      [1e30, -1e30],
      [1e30, 1e30],
      [-1e30, 1e30],
    ])
    expect(us64.flat().every(Number.isFinite)).toBe(true)
    expect(us64[0]![1]).toBeCloseTo(-1 / 0.3, 10)
    // float32: 0.1·(1e20)² overflows ν to ∞ and the update becomes 0 (as in optax); 1e18 is still accurate.
    expect(
      runVector(
        {},
        [
          [1e20, -1e20],
          [1e20, 1e20],
        ],
        'float32',
      )
        .flat()
        .every(Number.isFinite),
    ).toBe(true)
    expect(runVector({}, [[1e18, -1e18]], 'float32')[0]![1]).toBeCloseTo(-1 / 0.3, 4)
  })

  describeContract(() => scaleByStddev({ biasCorrection: true }))

  it('the state holds count, mu and nu, both moments mirroring the params', () => {
    const tx = scaleByStddev({ biasCorrection: true })
    const params = { a: tensor([1, 2]), b: tensor([[1], [2]], 'float64'), c: 3, d: null }
    const grads = { a: tensor([0.1, -0.2]), b: tensor([[0.3], [-0.4]], 'float64'), c: 0.5, d: null }
    const [, s1] = tx.update(grads, tx.init(params), params)
    const [, s2] = tx.update(grads, s1, params)
    expectSameStructure(s2.mu, params)
    expectSameStructure(s2.nu, params)
    expect(Object.keys(s2).sort()).toEqual(['count', 'mu', 'nu'])
    expect(s2.count).toBe(2)
    // The stored moments are never bias corrected.
    expect(values((s1.mu as { a: PyTree }).a)).toEqual([0.01, -0.02].map(Math.fround))
  })

  it.each<[ScaleByStddevOptions, string]>([
    [{ decay: 1.5 }, 'scaleByStddev options.decay must be in [0, 1); got 1.5'],
    [{ eps: -1e-8 }, 'scaleByStddev options.eps must be in [0, Infinity); got -1e-8'],
    [{ initialScale: NaN }, 'scaleByStddev options.initialScale must be in [0, Infinity); got NaN'],
    [{ epsInSqrt: 0 as never }, 'scaleByStddev options.epsInSqrt must be true or false; got 0'],
    [{ biasCorrection: 'no' as never }, 'scaleByStddev options.biasCorrection must be true or false; got "no"'],
  ])('rejects invalid options at construction: %o', (options, message) => {
    expect(() => scaleByStddev(options)).toThrow(HyperparameterError)
    expect(() => scaleByStddev(options)).toThrow(message)
  })
})
