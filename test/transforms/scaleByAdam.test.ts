import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  type DType,
  type PyTree,
  type Tensor,
  type ScaleByAdamOptions,
  scaleByAdam,
  tensor,
  tree,
} from '../../src/index'
import { type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'
import { expectSameStructure, values } from '../_helpers/assertions'

/** Runs `scaleByAdam(options)` over gradient vectors on one tensor leaf; returns every step's updates. */
const runVector = (options: ScaleByAdamOptions, grads: Seq, dtype: DType = 'float64'): number[][] =>
  runSeq(scaleByAdam(options), grads, dtype)

/**
 * Adam in float64, written from the paper's algorithm with explicit m̂ and v̂ (independently of the code under test).
 * Returns the updates of every step for every coordinate.
 */
type Hyper = Required<Omit<ScaleByAdamOptions, 'muDtype' | 'nuDtype'>>
function referenceAdam(grads: Seq, o: Hyper): number[][] {
  const n = grads[0]!.length
  const m = new Array<number>(n).fill(0)
  const v = new Array<number>(n).fill(0)
  return grads.map((g, step) => {
    const t = step + 1
    return g.map((gi, i) => {
      m[i] = o.b1 * m[i]! + (1 - o.b1) * gi
      v[i] = o.b2 * v[i]! + (1 - o.b2) * gi * gi
      const mHat = o.nesterov
        ? (o.b1 * m[i]!) / (1 - Math.pow(o.b1, t + 1)) + ((1 - o.b1) * gi) / (1 - Math.pow(o.b1, t))
        : m[i]! / (1 - Math.pow(o.b1, t))
      const vHat = v[i]! / (1 - Math.pow(o.b2, t))
      return mHat / (Math.sqrt(vHat + o.epsRoot) + o.eps)
    })
  })
}

const DEFAULTS: Hyper = { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, nesterov: false }

describe('scaleByAdam', () => {
  it('init: count 0 and zero moments mirroring the params', () => {
    const params = { w: tensor([[1, 2]]), b: tensor([3], 'float64'), s: 4, frozen: null }
    const state = scaleByAdam().init(params)
    expect(state.count).toBe(0)
    expectSameStructure(state.mu, params)
    expectSameStructure(state.nu, params)
    const isZero = (l: PyTree) => tree.max(l) === 0 && tree.min(l) === 0
    expect([...tree.leaves(state.mu), ...tree.leaves(state.nu)].every(isZero)).toBe(true)
  })

  it('golden 3-step trace (b1 = 0.5, b2 = 0.75, eps = 0), derived by hand', () => {
    // g = 2:  m = 1,                v = 0.25·4 = 1;       m̂ = 1/0.5 = 2,        v̂ = 1/0.25 = 4;           u = 1
    // g = 1:  m = 0.5 + 0.5 = 1,    v = 0.75 + 0.25 = 1;  m̂ = 1/0.75 = 4/3,     v̂ = 1/0.4375 = 16/7;
    //         u = (4/3)/(4/√7) = √7/3
    // g = −2: m = 0.5 − 1 = −0.5,   v = 0.75 + 1 = 1.75;  m̂ = −0.5/0.875 = −4/7, v̂ = 1.75/0.578125 = 112/37;
    //         u = −(4/7)·√(37/112)
    const us = runVector({ b1: 0.5, b2: 0.75, eps: 0 }, [[2], [1], [-2]])
    const expected = [1, Math.sqrt(7) / 3, -(4 / 7) * Math.sqrt(37 / 112)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it('golden 3-step Nesterov trace (b1 = 0.5, b2 = 0.75, eps = 0), derived by hand', () => {
    // m̂ = b1·m/(1−b1^(t+1)) + (1−b1)·g/(1−b1^t), with m and v̂ as in the plain trace above:
    // t=1, g = 2:  m̂ = 0.5/0.75 + 1/0.5 = 8/3,             u = (8/3)/2 = 4/3
    // t=2, g = 1:  m̂ = 0.5/0.875 + 0.5/0.75 = 4/7 + 2/3 = 26/21, u = (26/21)·√7/4 = 13√7/42
    // t=3, g = −2: m̂ = −0.25/0.9375 − 1/0.875 = −4/15 − 8/7 = −148/105, u = −(148/105)·√(37/112)
    const us = runVector({ b1: 0.5, b2: 0.75, eps: 0, nesterov: true }, [[2], [1], [-2]])
    const expected = [4 / 3, (13 * Math.sqrt(7)) / 42, -(148 / 105) * Math.sqrt(37 / 112)]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 14))
  })

  it.each([false, true])('matches a float64 recomputation over 6 steps with the defaults (nesterov %s)', (nesterov) => {
    const grads = [
      [0.3, -1.5, 4],
      [0.1, 2, -4],
      [-0.7, 0, 3],
      [0.2, -0.1, 0.5],
      [5, 1, -2],
      [0, 0, 0],
    ]
    const expected = referenceAdam(grads, { ...DEFAULTS, nesterov })
    for (const dtype of ['float32', 'float64'] as const) {
      const rtol = dtype === 'float32' ? 2e-6 : 1e-13
      expectSeqClose(runVector({ nesterov }, grads, dtype), expected, rtol, 1e-12)
    }
  })

  it('epsRoot goes inside the square root', () => {
    // First step, b1 = b2 = 0.5, g = 3: m̂ = 3, v̂ = 9; u = 3/(√(9 + 7) + 1) = 3/5
    const [[u]] = runVector({ b1: 0.5, b2: 0.5, eps: 1, epsRoot: 7 }, [[3]]) as [[number]]
    expect(u).toBeCloseTo(0.6, 15)
  })

  it('the first update (count 0) is g/(|g| + eps) ≈ sign(g), whatever the scale of g', () => {
    const g = [1e-3, -0.5, 2, -1e6]
    const [u] = runVector({}, [g], 'float64')
    u!.forEach((x, i) => expect(x).toBeCloseTo(g[i]! / (Math.abs(g[i]!) + 1e-8), 12))
    const [u32] = runVector({}, [g], 'float32')
    u32!.forEach((x, i) => expect(x).toBeCloseTo(Math.sign(g[i]!), 4))
  })

  it('zero gradients give zero updates and no NaN (also after nonzero ones)', () => {
    const us = runVector(
      {},
      [
        [0, 0],
        [0, 1],
        [0, 0],
      ],
      'float32',
    )
    expect(us[0]).toEqual([0, 0])
    expect(us[2]![0]).toBe(0)
    expect(us.flat().every(Number.isFinite)).toBe(true)
  })

  // float32 squares g² in float32 (as XLA does for optax), which overflows from |g| ≈ 1.8e19.
  it('huge gradients stay finite: 1e30 in float64, 1e18 in float32', () => {
    for (const [dtype, big] of [
      ['float64', 1e30],
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
      expect(us[0]![0]).toBeCloseTo(1, 5)
      expect(us[0]![1]).toBeCloseTo(-1, 5)
    }
  })

  describeContract(() => scaleByAdam())
  describeContract(() => scaleByAdam({ nesterov: true }))

  it('the moments mirror the params, and the state holds exactly count, mu and nu', () => {
    const params = { a: tensor([1, 2]), b: tensor([[1], [2]], 'float64'), c: 3, d: null }
    const grads = { a: tensor([0.1, -0.2]), b: tensor([[0.3], [-0.4]], 'float64'), c: 0.5, d: null }
    const adam = scaleByAdam()
    const [, state] = adam.update(grads, adam.init(params))
    expectSameStructure(state.mu, params)
    expectSameStructure(state.nu, params)
    const tx = scaleByAdam({ nesterov: true })
    const w = { w: tensor([1, 2, 3]) }
    const [, s1] = tx.update({ w: tensor([0.5, -1, 2]) }, tx.init(w), w)
    expect(Object.keys(s1).sort()).toEqual(['count', 'mu', 'nu'])
    expect(s1.count).toBe(1)
    // mu and nu are the raw (not bias-corrected) moments: 0.1·g and 0.001·g².
    expect(values((s1.mu as { w: PyTree }).w)).toEqual([0.05, -0.1, 0.2].map(Math.fround))
    expect(values((s1.nu as { w: PyTree }).w)).toEqual([0.00025, 0.001, 0.004].map(Math.fround))
  })

  it.each<[ScaleByAdamOptions, string]>([
    [{ b1: 1.2 }, 'scaleByAdam options.b1 must be in [0, 1); got 1.2'],
    [{ b1: 1 }, 'scaleByAdam options.b1 must be in [0, 1); got 1'],
    [{ b2: -0.1 }, 'scaleByAdam options.b2 must be in [0, 1); got -0.1'],
    [{ b2: NaN }, 'scaleByAdam options.b2 must be in [0, 1); got NaN'],
    [{ eps: -1e-8 }, 'scaleByAdam options.eps must be in [0, Infinity); got -1e-8'],
    [{ epsRoot: Infinity }, 'scaleByAdam options.epsRoot must be in [0, Infinity); got Infinity'],
    [{ nesterov: 1 as never }, 'scaleByAdam options.nesterov must be true or false; got 1'],
  ])('rejects invalid options at construction: %o', (options, message) => {
    expect(() => scaleByAdam(options)).toThrow(HyperparameterError)
    expect(() => scaleByAdam(options)).toThrow(message)
    expect(() => scaleByAdam(options)).toThrow(RangeError)
  })
})

// ---- properties ---------------------------------------------------------------------------------------------------

/** A nonzero float64 in ±[1e-3, 1e3]. */
const nonzero = fc
  .tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.boolean())
  .map(([e, neg]) => (neg ? -1 : 1) * 10 ** e)

/** A sequence of 1–12 gradient vectors of one length (1–3). */
const gradSequence = (entry: fc.Arbitrary<number>) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((n) => fc.array(fc.array(entry, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 12 }))

describe('scaleByAdam properties', () => {
  test.prop([
    gradSequence(nonzero),
    fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
    fc.double({ min: 0, max: 0.99, noNaN: true }),
    fc.double({ min: 0, max: 0.9999, noNaN: true }),
    fc.boolean(),
  ])('with eps = 0 the updates are invariant to a positive rescaling of the gradients', (grads, c, b1, b2, nest) => {
    // Arrange
    const options = { b1, b2, eps: 0, nesterov: nest }
    const scaled = grads.map((g) => g.map((x) => c * x))
    // Act
    const a = runVector(options, grads, 'float64')
    const b = runVector(options, scaled, 'float64')
    // Assert
    expectSeqClose(b, a, 1e-9, 1e-12)
  })

  // The exact Cauchy–Schwarz bound, not Kingma & Ba's §2.1 heuristic (which fails, e.g. |Δ| = 6.76 at t = 2000):
  // m_t = (1−β₁)Σ_{k<t} β₁ᵏ g_{t−k} = (1−β₁)Σ (β₁/√β₂)ᵏ · √β₂ᵏ g_{t−k}
  //     ≤ (1−β₁)·√(Σ_{k<t}(β₁²/β₂)ᵏ)·√(Σ_{k<t} β₂ᵏ g²_{t−k}) = (1−β₁)·√S_t·√(v_t/(1−β₂)),
  // so |m̂_t/√v̂_t| ≤ (1−β₁)/(1−β₁ᵗ)·√((1−β₂ᵗ)/(1−β₂))·√S_t, which is exactly 1 at t = 1. eps ≥ 0 only shrinks Δ.
  const stepBound = (t: number, b1: number, b2: number): number => {
    let s = 0
    for (let k = 0; k < t; k++) s += Math.pow((b1 * b1) / b2, k)
    return ((1 - b1) / (1 - Math.pow(b1, t))) * Math.sqrt((1 - Math.pow(b2, t)) / (1 - b2)) * Math.sqrt(s)
  }

  const betas = fc
    .tuple(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([b1, r]) => {
      // β₂ strictly between max(β₁², 0.01) and 0.9999, so that β₁² < β₂ < 1
      const lo = Math.max(b1 * b1 * (1 + 1e-9), 0.01)
      return [b1, lo + r * (0.9999 - lo)] as const
    })
    .filter(([b1, b2]) => b1 * b1 < b2 && b2 < 1)

  // Zeros are allowed after the first step (v stays positive); the first gradient of each coordinate is nonzero.
  const entry = fc.oneof({ arbitrary: nonzero, weight: 4 }, { arbitrary: fc.constant(0), weight: 1 })
  const sequences = fc
    .integer({ min: 1, max: 3 })
    .chain((n) =>
      fc.tuple(
        fc.array(nonzero, { minLength: n, maxLength: n }),
        fc.array(fc.array(entry, { minLength: n, maxLength: n }), { maxLength: 40 }),
      ),
    )
    .map(([first, rest]) => [first, ...rest])

  test.prop([sequences, betas, fc.constantFrom(0, 1e-8)])(
    "Adam's exact step bound: |Δ_t| ≤ (1−β₁)/(1−β₁ᵗ)·√((1−β₂ᵗ)/(1−β₂))·√Σ_{k<t}(β₁²/β₂)ᵏ, and |Δ₁| ≤ 1",
    (grads, [b1, b2], eps) => {
      const us = runVector({ b1, b2, eps }, grads, 'float64')
      us.forEach((u, step) => {
        const t = step + 1
        const bound = stepBound(t, b1, b2)
        if (t === 1) expect(bound).toBeCloseTo(1, 12)
        u.forEach((x) => expect(Math.abs(x)).toBeLessThanOrEqual(bound * (1 + 1e-12)))
      })
    },
  )

  it('the bound is tight: a gradient sequence aligned with (β₁/β₂)ᵏ reaches it', () => {
    // Equality in Cauchy–Schwarz needs √β₂ᵏ·g_{t−k} ∝ (β₁/√β₂)ᵏ, i.e. g_{t−k} ∝ (β₁/β₂)ᵏ.
    const b1 = 0.9
    const b2 = 0.999
    const t = 50
    const grads = Array.from({ length: t }, (_, j) => [Math.pow(b1 / b2, t - 1 - j)])
    const last = runVector({ b1, b2, eps: 0 }, grads, 'float64')[t - 1]![0]!
    expect(last).toBeCloseTo(stepBound(t, b1, b2), 10)
    expect(last).toBeGreaterThan(1)
  })
})

describe('scaleByAdam muDtype / nuDtype (optax mu_dtype; optax #1552 asks for nu too)', () => {
  const w = (t: PyTree) => (t as { w: Tensor }).w
  // float32 params and gradients, moments kept in float64: the updates are the float64 reference Adam on the
  // float32-rounded gradients (the moments never round to float32), up to float64 rounding.
  const grads: Seq = [
    [0.1, -3],
    [0.2, 1e-4],
    [-0.7, 2.5],
  ]
  const g32 = grads.map((g) => g.map(Math.fround))
  it('keeps both moments in float64 for float32 params; the updates follow the float64 reference', () => {
    const tx = scaleByAdam({ muDtype: 'float64', nuDtype: 'float64' })
    let s = tx.init({ w: tensor([0, 0]) })
    expect([w(s.mu).dtype, w(s.nu).dtype]).toEqual(['float64', 'float64'])
    const ref = referenceAdam(g32, DEFAULTS)
    g32.forEach((g, t) => {
      const [u, next] = tx.update({ w: tensor(g) }, s)
      values(u.w).forEach((x, i) => expect(x).toBeCloseTo(ref[t]![i]!, 13))
      s = next
    })
    expect([w(s.mu).dtype, w(s.nu).dtype]).toEqual(['float64', 'float64'])
    // mu after 3 steps: Σ (1 − b1)·b1^(3−t)·g_t, in float64 from the float32 gradients
    const mu0 = 0.1 * (0.81 * g32[0]![0]! + 0.9 * g32[1]![0]! + g32[2]![0]!)
    expect(values(w(s.mu))[0]).toBeCloseTo(mu0, 15)
  })
  it('muDtype alone: mu in float64, nu in the params dtype', () => {
    const s = scaleByAdam({ muDtype: 'float64' }).init({ w: tensor([0, 0]) })
    expect([w(s.mu).dtype, w(s.nu).dtype]).toEqual(['float64', 'float32'])
  })
  it('float32 moments for float64 params round the moments to float32', () => {
    const tx = scaleByAdam({ muDtype: 'float32' })
    const [, s] = tx.update({ w: tensor([0.1], 'float64') }, tx.init({ w: tensor([0], 'float64') }))
    expect(w(s.mu).dtype).toBe('float32')
    expect(values(w(s.mu))[0]).toBe(Math.fround((1 - 0.9) * 0.1)) // m = (1 − b1)·g, rounded once
  })
  it('rejects a dtype descent does not have', () => {
    expect(() => scaleByAdam({ muDtype: 'bfloat16' as DType })).toThrow(/options\.muDtype must be 'float32', 'float64'/)
  })
})
