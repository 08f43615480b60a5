import { describe, expect, it } from 'vitest'
import {
  type DType,
  HyperparameterError,
  type PyTree,
  type ScaleByAmsgradOptions,
  scaleByAdam,
  scaleByAmsgrad,
  tensor,
  type Tensor,
} from '../../src/index'
import { type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'
import { expectSameStructure, values } from '../_helpers/assertions'

/** Runs `scaleByAmsgrad(options)` over gradient vectors on one tensor leaf; returns every step's updates. */
const runVector = (options: ScaleByAmsgradOptions, grads: Seq, dtype: DType = 'float64'): number[][] =>
  runSeq(scaleByAmsgrad(options), grads, dtype)

/** AMSGrad as optax defines it, recomputed in float64: the running max is taken after bias correction. */
type Hyper = Required<Omit<ScaleByAmsgradOptions, 'muDtype' | 'nuDtype'>>
function referenceAmsgrad(grads: Seq, o: Hyper): number[][] {
  const n = grads[0]!.length
  const m = new Array<number>(n).fill(0)
  const v = new Array<number>(n).fill(0)
  const vMax = new Array<number>(n).fill(0)
  return grads.map((g, step) => {
    const t = step + 1
    return g.map((gi, i) => {
      m[i] = o.b1 * m[i]! + (1 - o.b1) * gi
      v[i] = o.b2 * v[i]! + (1 - o.b2) * gi * gi
      const mHat = o.biasCorrectionMu ? m[i]! / (1 - Math.pow(o.b1, t)) : m[i]!
      const vHat = o.biasCorrectionNu ? v[i]! / (1 - Math.pow(o.b2, t)) : v[i]!
      vMax[i] = Math.max(vMax[i]!, vHat)
      return mHat / (Math.sqrt(vMax[i]! + o.epsRoot) + o.eps)
    })
  })
}

const DEFAULTS: Hyper = {
  b1: 0.9,
  b2: 0.999,
  eps: 1e-8,
  epsRoot: 0,
  biasCorrectionMu: true,
  biasCorrectionNu: true,
}

describe('scaleByAmsgrad', () => {
  it('init: count 0 and zero mu, nu, nuMax mirroring the params', () => {
    const params = { w: tensor([[1, 2]]), b: tensor([3], 'float64'), s: 4, frozen: null }
    const state = scaleByAmsgrad().init(params)
    expect(state.count).toBe(0)
    for (const k of ['mu', 'nu', 'nuMax'] as const) expectSameStructure(state[k], params)
    expect(values((state.nuMax as { w: PyTree }).w)).toEqual([0, 0])
  })

  it('golden 4-step trace (b1 = 0.5, b2 = 0.75, eps = 0), derived by hand', () => {
    // m and v as in Adam:                     m̂                 v̂                       ν̂max     u
    // t=1, g = 2:  m = 1,     v = 1           2                 1/0.25 = 4              4        2/2 = 1
    // t=2, g = 1:  m = 1,     v = 1           1/0.75 = 4/3      1/0.4375 = 16/7         4        (4/3)/2 = 2/3
    // t=3, g = −2: m = −0.5,  v = 1.75        −0.5/0.875 = −4/7 1.75/0.578125 = 112/37  4        −(4/7)/2 = −2/7
    // t=4, g = 4:  m = 1.75,  v = 5.3125      1.75·16/15 = 28/15 5.3125/(175/256) = 272/35 272/35 (28/15)/√(272/35)
    const us = runVector({ b1: 0.5, b2: 0.75, eps: 0 }, [[2], [1], [-2], [4]])
    const expected = [1, 2 / 3, -2 / 7, 28 / 15 / Math.sqrt(272 / 35)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('takes the max after bias correction (optax), not before it (PyTorch)', () => {
    // At t=2 above, the raw v is 1 at both steps: PyTorch's max(v₁, v₂)/(1−β₂²) = 16/7 would give u = √7/3 ≈ 0.882.
    // optax (and this library) compares the corrected values max(4, 16/7) = 4, giving u = 2/3.
    const [, u2] = runVector({ b1: 0.5, b2: 0.75, eps: 0 }, [[2], [1]])
    expect(u2![0]).toBeCloseTo(2 / 3, 14)
    expect(Math.abs(u2![0]! - Math.sqrt(7) / 3)).toBeGreaterThan(0.2)
  })

  it('without bias correction the max runs over the raw second moment', () => {
    // m = 1, 1, −0.5 and v = 1, 1, 1.75 (see above); ν̂max = 1, 1, 1.75; u = 1, 1, −0.5/√1.75
    const options = { b1: 0.5, b2: 0.75, eps: 0, biasCorrectionMu: false, biasCorrectionNu: false }
    const us = runVector(options, [[2], [1], [-2]])
    const expected = [1, 1, -0.5 / Math.sqrt(1.75)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('matches a float64 recomputation over 6 steps (every bias-correction combination)', () => {
    const grads = [
      [0.3, -1.5, 4],
      [0.1, 2, -4],
      [-0.7, 0, 3],
      [0.2, -0.1, 0.5],
      [5, 1, -2],
      [0, 0, 0],
    ]
    for (const biasCorrectionMu of [true, false]) {
      for (const biasCorrectionNu of [true, false]) {
        const o = { ...DEFAULTS, biasCorrectionMu, biasCorrectionNu }
        const expected = referenceAmsgrad(grads, o)
        for (const dtype of ['float32', 'float64'] as const) {
          const rtol = dtype === 'float32' ? 2e-6 : 1e-13
          expectSeqClose(runVector(o, grads, dtype), expected, rtol, 1e-12)
        }
      }
    }
  })

  it('equals Adam while the corrected second moment does not decrease (constant gradients)', () => {
    const grads = [
      [1, -2],
      [1, -2],
      [1, -2],
      [1, -2],
    ]
    const tx = scaleByAdam()
    let s = tx.init(tensor([0, 0], 'float64'))
    const adam = grads.map((g) => {
      const [u, next] = tx.update(tensor(g, 'float64'), s)
      s = next
      return values(u)
    })
    runVector({}, grads).forEach((u, t) => u.forEach((x, i) => expect(x).toBeCloseTo(adam[t]![i]!, 12)))
  })

  it('first update is ≈ sign(g); zero gradients give zeros and no NaN', () => {
    const [u] = runVector({}, [[1e-3, -0.5, 2e6]], 'float32')
    expect(u!.map((x) => Math.round(x * 1e4) / 1e4)).toEqual([1, -1, 1])
    const us = runVector(
      {},
      [
        [0, 0],
        [0, 3],
        [0, 0],
      ],
      'float32',
    )
    expect(us[0]).toEqual([0, 0])
    expect(us.flat().every(Number.isFinite)).toBe(true)
  })

  it('huge gradients stay finite: 1e30 in float64, 1e20 in float32', () => {
    for (const [dtype, big] of [
      ['float64', 1e30],
      ['float32', 1e20],
      ['float32', 1e18],
    ] as const) {
      const us = runVector(
        {},
        [
          [big, -big],
          [big, big],
          [-big, big],
        ],
        dtype,
      )
      expect(us.flat().every(Number.isFinite)).toBe(true)
      // In float32 the stored ν̂max = g² overflows to ∞ once |g| ≳ 1.8e19, and the update becomes 0 (as in optax).
      if (big !== 1e20) expect(us[0]![1]).toBeCloseTo(-1, 5)
    }
  })

  describeContract(() => scaleByAmsgrad())

  it('the state holds count, mu, nu and nuMax, each moment mirroring the params', () => {
    const tx = scaleByAmsgrad()
    const params = { a: tensor([1, 2]), b: tensor([[1], [2]], 'float64'), c: 3, d: null }
    const grads = { a: tensor([0.1, -0.2]), b: tensor([[0.3], [-0.4]], 'float64'), c: 0.5, d: null }
    const [, s1] = tx.update(grads, tx.init(params), params)
    for (const k of ['mu', 'nu', 'nuMax'] as const) expectSameStructure(s1[k], params)
    expect(Object.keys(s1).sort()).toEqual(['count', 'mu', 'nu', 'nuMax'])
    expect(s1.count).toBe(1)
  })

  it.each<[ScaleByAmsgradOptions, string]>([
    [{ b1: 1.2 }, 'scaleByAmsgrad options.b1 must be in [0, 1); got 1.2'],
    [{ b2: 1 }, 'scaleByAmsgrad options.b2 must be in [0, 1); got 1'],
    [{ eps: -1 }, 'scaleByAmsgrad options.eps must be in [0, Infinity); got -1'],
    [{ epsRoot: NaN }, 'scaleByAmsgrad options.epsRoot must be in [0, Infinity); got NaN'],
    [{ biasCorrectionMu: 'yes' as never }, 'scaleByAmsgrad options.biasCorrectionMu must be true or false; got "yes"'],
    [{ biasCorrectionNu: 0 as never }, 'scaleByAmsgrad options.biasCorrectionNu must be true or false; got 0'],
  ])('rejects invalid options at construction: %o', (options, message) => {
    expect(() => scaleByAmsgrad(options)).toThrow(HyperparameterError)
    expect(() => scaleByAmsgrad(options)).toThrow(message)
  })
})

describe('scaleByAmsgrad muDtype / nuDtype', () => {
  it('float64 moments for float32 params: the float64 reference on the float32-rounded gradients', () => {
    const grads: Seq = [
      [0.1, -3],
      [0.2, 1e-4],
      [-0.7, 2.5],
    ]
    const g32 = grads.map((g) => g.map(Math.fround))
    const tx = scaleByAmsgrad({ muDtype: 'float64', nuDtype: 'float64' })
    let s = tx.init({ w: tensor([0, 0]) })
    const leaf = (t: unknown) => (t as { w: Tensor }).w
    expect([leaf(s.mu).dtype, leaf(s.nu).dtype, leaf(s.nuMax).dtype]).toEqual(['float64', 'float64', 'float64'])
    const ref = referenceAmsgrad(g32, DEFAULTS)
    g32.forEach((g, t) => {
      const [u, next] = tx.update({ w: tensor(g) }, s)
      values(u.w).forEach((x, i) => expect(x).toBeCloseTo(ref[t]![i]!, 13))
      s = next
    })
    expect(() => scaleByAmsgrad({ nuDtype: 'int8' as never })).toThrow(/options\.nuDtype must be/)
  })
})
