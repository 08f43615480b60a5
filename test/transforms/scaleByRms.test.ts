import { describe, expect, it } from 'vitest'
import {
  type DType,
  HyperparameterError,
  type PyTree,
  isTensor,
  type ScaleByRmsOptions,
  scaleByAdam,
  scaleByRms,
  tensor,
  tree,
} from '../../src/index'
import { type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'
import { expectSameStructure, expectTreesEqual, values } from '../_helpers/assertions'

/** Runs `scaleByRms(options)` over gradient vectors on one tensor leaf; returns every step's updates. */
const runVector = (options: ScaleByRmsOptions, grads: Seq, dtype: DType = 'float64'): number[][] =>
  runSeq(scaleByRms(options), grads, dtype)

/** RMSProp's scaling recomputed in float64 from the formula. */
function referenceRms(grads: Seq, o: Required<ScaleByRmsOptions>): number[][] {
  const nu = new Array<number>(grads[0]!.length).fill(o.initialScale)
  return grads.map((g, step) =>
    g.map((gi, i) => {
      nu[i] = o.decay * nu[i]! + (1 - o.decay) * gi * gi
      const vHat = o.biasCorrection ? nu[i]! / (1 - Math.pow(o.decay, step + 1)) : nu[i]!
      return o.epsInSqrt ? gi / Math.sqrt(vHat + o.eps) : gi / (Math.sqrt(vHat) + o.eps)
    }),
  )
}

const DEFAULTS: Required<ScaleByRmsOptions> = {
  decay: 0.9,
  eps: 1e-8,
  initialScale: 0,
  epsInSqrt: true,
  biasCorrection: false,
}

describe('scaleByRms', () => {
  it('init: count 0 and nu = initialScale mirroring the params', () => {
    const params = { w: tensor([[1, 2]]), b: tensor([3], 'float64'), s: 4, frozen: null }
    const state = scaleByRms({ initialScale: 0.5 }).init(params)
    expect(state.count).toBe(0)
    expectSameStructure(state.nu, params)
    expect(tree.leaves(state.nu).every((l) => tree.min(l) === 0.5 && tree.max(l) === 0.5)).toBe(true)
  })

  it('golden 3-step trace (decay = 0.5, eps = 0), derived by hand', () => {
    // g = 2: ν = 0.5·4 = 2;  g = 1: ν = 1 + 0.5 = 1.5;  g = −2: ν = 0.75 + 2 = 2.75;  u = g/√ν
    const us = runVector({ decay: 0.5, eps: 0 }, [[2], [1], [-2]])
    const expected = [2 / Math.sqrt(2), 1 / Math.sqrt(1.5), -2 / Math.sqrt(2.75)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('golden 3-step trace with bias correction (decay = 0.5, eps = 0)', () => {
    // ν as above; ν̂ = ν/(1−0.5ᵗ) = 2/0.5 = 4, 1.5/0.75 = 2, 2.75/0.875 = 22/7;  u = 2/2, 1/√2, −2/√(22/7)
    const us = runVector({ decay: 0.5, eps: 0, biasCorrection: true }, [[2], [1], [-2]])
    const expected = [1, 1 / Math.sqrt(2), -2 / Math.sqrt(22 / 7)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('eps inside or outside the square root; initialScale seeds nu', () => {
    // decay = 0.75, g = 4: ν = 0.25·16 = 4.  Inside: 4/√(4 + 2) = 4/√6.  Outside: 4/(√4 + 2) = 1.
    expect(runVector({ decay: 0.75, eps: 2 }, [[4]])[0]![0]).toBeCloseTo(4 / Math.sqrt(6), 15)
    expect(runVector({ decay: 0.75, eps: 2, epsInSqrt: false }, [[4]])[0]![0]).toBeCloseTo(1, 15)
    // decay = 0.5, ν₀ = 2, g = 2: ν = 0.5·2 + 0.5·4 = 3, u = 2/√3
    expect(runVector({ decay: 0.5, eps: 0, initialScale: 2 }, [[2]])[0]![0]).toBeCloseTo(2 / Math.sqrt(3), 15)
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
        const o = { ...DEFAULTS, epsInSqrt, biasCorrection, initialScale: 0.01 }
        const expected = referenceRms(grads, o)
        for (const dtype of ['float32', 'float64'] as const) {
          const rtol = dtype === 'float32' ? 2e-6 : 1e-13
          expectSeqClose(runVector(o, grads, dtype), expected, rtol, 1e-12)
        }
      }
    }
  })

  // Identical values, signed zeros aside: Adam's m′ = 0·m + g carries the sign of an earlier gradient into a zero
  // update (−0 + 0·(−3) = −0, −0 + 0·3 = +0), and scaleByRms stores no first moment to do the same.
  it('{ decay: b2, epsInSqrt: false, biasCorrection: true } equals scaleByAdam({ b1: 0, b2 }) bit for bit (±0 aside)', () => {
    const b2 = 0.95
    const rms = scaleByRms({ decay: b2, epsInSqrt: false, biasCorrection: true })
    const adam = scaleByAdam({ b1: 0, b2 })
    const params = { a: tensor([1, 2, 3]), b: tensor([[1, 2]], 'float64'), c: 1 }
    let sr = rms.init(params)
    let sa = adam.init(params)
    for (const k of [1, -2, 0.5, 3, 0]) {
      const g = { a: tensor([0.1 * k, -k, 2]), b: tensor([[k, 0.3]], 'float64'), c: k / 3 }
      const [ur, nr] = rms.update(g, sr)
      const [ua, na] = adam.update(g, sa)
      const unsignedZero = (t: PyTree) =>
        tree
          .leaves(t)
          .flatMap((l) => (isTensor(l) ? Array.from(l.data) : [l as number]))
          .map((x) => (x === 0 ? 0 : x))
      expect(unsignedZero(ur)).toEqual(unsignedZero(ua))
      expectTreesEqual(nr.nu, na.nu)
      ;[sr, sa] = [nr, na]
    }
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
    // First step: ν = 0.1·g², u = g/√(0.1·g²) = √10·sign(g).
    const us64 = runVector({}, [
      [1e30, -1e30],
      [1e30, 1e30],
      [-1e30, 1e30],
    ])
    expect(us64.flat().every(Number.isFinite)).toBe(true)
    expect(us64[0]![1]).toBeCloseTo(-Math.sqrt(10), 10)
    // float32: 0.1·(1e20)² = 1e39 overflows ν to ∞ and the update becomes 0 (as in optax); 1e18 is still exact.
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
    expect(runVector({}, [[1e18, -1e18]], 'float32')[0]![1]).toBeCloseTo(-Math.sqrt(10), 5)
  })

  describeContract(() => scaleByRms())

  it('nu mirrors the params, and the state always carries count', () => {
    const tx = scaleByRms()
    const params = { a: tensor([1, 2]), b: tensor([[1], [2]], 'float64'), c: 3, d: null }
    const grads = { a: tensor([0.1, -0.2]), b: tensor([[0.3], [-0.4]], 'float64'), c: 0.5, d: null }
    const [, s1] = tx.update(grads, tx.init(params), params)
    const [, s2] = tx.update(grads, s1, params)
    expectSameStructure(s1.nu, params)
    expect(Object.keys(s2).sort()).toEqual(['count', 'nu'])
    expect(s2.count).toBe(2)
    expect(values((s1.nu as { a: PyTree }).a)).toEqual([0.001, 0.004].map(Math.fround))
  })

  it.each<[ScaleByRmsOptions, string]>([
    [{ decay: 1 }, 'scaleByRms options.decay must be in [0, 1); got 1'],
    [{ decay: -0.5 }, 'scaleByRms options.decay must be in [0, 1); got -0.5'],
    [{ eps: -1 }, 'scaleByRms options.eps must be in [0, Infinity); got -1'],
    [{ initialScale: -0.1 }, 'scaleByRms options.initialScale must be in [0, Infinity); got -0.1'],
    [{ epsInSqrt: 1 as never }, 'scaleByRms options.epsInSqrt must be true or false; got 1'],
    [{ biasCorrection: 'true' as never }, 'scaleByRms options.biasCorrection must be true or false; got "true"'],
  ])('rejects invalid options at construction: %o', (options, message) => {
    expect(() => scaleByRms(options)).toThrow(HyperparameterError)
    expect(() => scaleByRms(options)).toThrow(message)
  })
})
