import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  applyUpdates,
  chain,
  scale,
  scaleByPolyak,
  tensor,
  tree,
} from '../../src/index'
import { expectInputsUnchanged, expectTreesEqual, values } from '../_helpers/assertions'

const f32 = Math.fround

describe('scaleByPolyak', () => {
  it('scales by gap/‖g‖² over all leaves (hand-derived)', () => {
    // g = { a: [1, 2], b: 2 }: ‖g‖² = 1 + 4 + 4 = 9.
    // value 4.5, fMin 0: step = 4.5/9 = 0.5 → u = { a: [0.5, 1], b: 1 }.
    const g = { a: tensor([1, 2]), b: 2 }
    const tx = scaleByPolyak()
    const [u, state] = tx.update(g, tx.init(g), g, { value: 4.5 })
    expectTreesEqual(u, { a: tensor([0.5, 1]), b: 1 })
    expect(state).toEqual({})
    // fMin 1.5: gap = 3, step = 1/3 → a = [1/3, 2/3] rounded to float32, b = 2/3 (a float64 number leaf).
    const [v] = scaleByPolyak({ fMin: 1.5 }).update(g, {}, g, { value: 4.5 })
    expect(values(v.a)).toEqual([f32(1 / 3), f32(2 / 3)])
    expect(v.b).toBe(2 / 3)
  })

  it('caps the step at maxLearningRate', () => {
    // ‖(3, 4)‖² = 25; value 100 → 100/25 = 4, capped at 1 (default) or at 0.25; uncapped with Infinity.
    expect(scaleByPolyak().update([3, 4], {}, undefined, { value: 100 })[0]).toEqual([3, 4])
    expect(scaleByPolyak({ maxLearningRate: 0.25 }).update([3, 4], {}, undefined, { value: 100 })[0]).toEqual([0.75, 1])
    expect(scaleByPolyak({ maxLearningRate: Infinity }).update([3, 4], {}, undefined, { value: 100 })[0]).toEqual([
      12, 16,
    ])
    // Below the cap the step is the plain ratio: 12.5/25 = 0.5.
    expect(scaleByPolyak({ maxLearningRate: 0.75 }).update([3, 4], {}, undefined, { value: 12.5 })[0]).toEqual([1.5, 2])
  })

  it('adds eps to ‖g‖² in the denominator', () => {
    // ‖(3, 4)‖² + eps = 25 + 25 = 50; value 25 → step 0.5.
    expect(scaleByPolyak({ eps: 25 }).update([3, 4], {}, undefined, { value: 25 })[0]).toEqual([1.5, 2])
  })

  it('gives a zero step (not NaN) for a zero or tiny gradient: ‖g‖² + eps ≤ 2⁻⁵² (optax: jnp.finfo(float).eps)', () => {
    const tx = scaleByPolyak()
    const g = { w: tensor([0, 0, 0]), b: 0, frozen: null }
    const [u] = tx.update(g, {}, g, { value: 3 })
    expectTreesEqual(u, { w: tensor([0, 0, 0]), b: 0, frozen: null })
    // ‖g‖² = 2⁻⁵² exactly: at the threshold, step 0.
    expect(tx.update([2 ** -26], {}, undefined, { value: 1 })[0]).toEqual([0])
    // 1e-9² = 1e-18 < 2⁻⁵² ≈ 2.2e-16: step 0.
    expect(tx.update([1e-9], {}, undefined, { value: 1 })[0]).toEqual([0])
    // 2⁻⁵² + 2⁻⁶⁰ is just above: step = min(1/(2⁻⁵² + 2⁻⁶⁰), 1) = 1 → u = g.
    expect(scaleByPolyak({ eps: 2 ** -60 }).update([2 ** -26], {}, undefined, { value: 1 })[0]).toEqual([2 ** -26])
    // 2e-8² = 4e-16 > 2⁻⁵²: the step is taken (capped at 1).
    expect(tx.update([2e-8], {}, undefined, { value: 1 })[0]).toEqual([2e-8])
  })

  it("'sps' keeps a negative gap (value < fMin), 'sps+' clips it to a zero step", () => {
    // g = [1], value 0, fMin 1: gap = −1, ‖g‖² = 1 → sps step = min(−1, 1) = −1; sps+ step = max(−1, 0) = 0.
    expect(scaleByPolyak({ fMin: 1 }).update([1], {}, undefined, { value: 0 })[0]).toEqual([-1])
    expect(scaleByPolyak({ fMin: 1, variant: 'sps+' }).update([1], {}, undefined, { value: 0 })[0]).toEqual([0])
    // Above fMin both variants agree: gap 0.5 → step 0.5.
    for (const variant of ['sps', 'sps+'] as const) {
      expect(scaleByPolyak({ fMin: 1, variant }).update([1], {}, undefined, { value: 1.5 })[0]).toEqual([0.5])
    }
  })

  it('halves x at every step on f(x) = ½‖x‖² with fMin = 0 (golden, 6 steps, then down to the 2⁻⁵² floor)', () => {
    // ∇f = x, f/‖∇f‖² = ½ ≤ 1, so x ← x − ½x = x/2: exact in float32 (powers of two).
    const tx = chain(scaleByPolyak(), scale(-1))
    const x0 = tensor([1, -2, 4])
    let x = x0
    let state = tx.init(x)
    for (let k = 1; k <= 6; k++) {
      const value = 0.5 * tree.vdot(x, x)
      const [u, s] = tx.update(x, state, x, { value })
      x = applyUpdates(x, u)
      state = s
      expect(values(x)).toEqual([1, -2, 4].map((v) => v / 2 ** k))
    }
    for (let k = 7; k <= 40; k++) {
      const [u, s] = tx.update(x, state, x, { value: 0.5 * tree.vdot(x, x) })
      x = applyUpdates(x, u)
      state = s
    }
    // It halves down to the point where ‖∇f‖² = 21·4⁻ᵏ ≤ 2⁻⁵² (k = 29) and then stops: the step is 0 there, as in optax.
    expect(values(x)).toEqual([1, -2, 4].map((v) => v / 2 ** 29))
  })

  it('uses the current value at each step (two steps, by hand)', () => {
    // Step 1: g = [2, 0], value 2 → step 2/4 = 0.5 → [1, 0]. Step 2: g = [0, 10], value 30 → 30/100 = 0.3.
    const tx = scaleByPolyak()
    const [u1, s1] = tx.update([2, 0], tx.init([0, 0]), undefined, { value: 2 })
    const [u2] = tx.update([0, 10], s1, undefined, { value: 30 })
    expect([u1, u2]).toEqual([
      [1, 0],
      [0, 0.3 * 10],
    ])
  })

  it('keeps the float32 / float64 dtype of every leaf', () => {
    const g = { a: tensor([1, 2], 'float32'), b: tensor([3], 'float64') }
    const [u] = scaleByPolyak().update(g, {}, undefined, { value: 3.5 })
    expect([u.a.dtype, u.b.dtype]).toEqual(['float32', 'float64'])
    // ‖g‖² = 1 + 4 + 9 = 14, step = 3.5/14 = 0.25.
    expect(values(u.b)).toEqual([0.75])
    expect(values(u.a)).toEqual([0.25, 0.5])
  })

  it('throws a DescentError naming `value` and how to pass it when the loss is missing', () => {
    const tx = scaleByPolyak()
    const g = [tensor([1, 2])]
    const message = /scaleByPolyak needs the loss value.*\{ value: loss \}.*got value = undefined/
    expect(() => tx.update(g, {})).toThrow(DescentError)
    expect(() => tx.update(g, {})).toThrow(message)
    expect(() => tx.update(g, {}, g, {})).toThrow(message)
    expect(() => tx.update(g, {}, g, { other: 1 })).toThrow(message)
    // A tensor loss is rejected with a hint.
    expect(() => tx.update(g, {}, g, { value: tensor(1) as unknown as number })).toThrow(/loss\.item\(\)/)
  })

  it('ignores unknown extra arguments and never modifies its inputs', () => {
    const tx = scaleByPolyak({ fMin: 0.5 })
    const g = { w: tensor([1, -2]), b: tensor([0.5], 'float64') }
    const p = { w: tensor([3, 3]), b: tensor([1], 'float64') }
    const state = tx.init(p)
    const extra = { value: 2, unexpectedExtraArg: 1 }
    const [u] = expectInputsUnchanged(() => tx.update(g, state, p, extra), g, state, p, extra)
    expectTreesEqual(u, tx.update(g, state, p, { value: 2 })[0])
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByPolyak({ fMin: NaN })).toThrow(HyperparameterError)
    expect(() => scaleByPolyak({ fMin: Infinity })).toThrow('scaleByPolyak options.fMin must be in')
    expect(() => scaleByPolyak({ maxLearningRate: 0 })).toThrow(
      'scaleByPolyak options.maxLearningRate must be in (0, Infinity]; got 0',
    )
    expect(() => scaleByPolyak({ eps: -1 })).toThrow('scaleByPolyak options.eps must be in [0, Infinity); got -1')
    expect(() => scaleByPolyak({ variant: 'sgd' as 'sps' })).toThrow(
      `scaleByPolyak options.variant must be 'sps' or 'sps+'; got "sgd"`,
    )
    expect(() => scaleByPolyak({ variant: 'sgd' as 'sps' })).toThrow(HyperparameterError)
  })

  const finite = fc.double({ min: -100, max: 100, noNaN: true })
  test.prop([fc.array(finite, { minLength: 1, maxLength: 6 }), fc.double({ min: -10, max: 100, noNaN: true })])(
    'u = min(gap/‖g‖², 1)·g recomputed independently in float64; sps+ never steps against g',
    (g, value) => {
      const sq = g.reduce((s, x) => s + x * x, 0)
      const step = sq <= 2 ** -52 ? 0 : Math.min(value / sq, 1)
      const [u] = scaleByPolyak().update(g, {}, undefined, { value })
      u.forEach((ui, i) => expect(ui).toBeCloseTo(step * g[i]!, 12))
      const [v] = scaleByPolyak({ variant: 'sps+' }).update(g, {}, undefined, { value })
      v.forEach((vi, i) => expect(vi * g[i]!).toBeGreaterThanOrEqual(0))
    },
  )
})
