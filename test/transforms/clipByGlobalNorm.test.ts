import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, clipByGlobalNorm, tensor, tree } from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesClose, values } from '../_helpers/assertions'

describe('clipByGlobalNorm', () => {
  it('rescales to maxNorm above the threshold and passes through below it (golden, 3 steps)', () => {
    // maxNorm = 2. Step 1: ‖(3, 4)‖ = 5 ≥ 2 → (3, 4)·2/5 = (1.2, 1.6).
    // Step 2: ‖(0.6, 0.8)‖ = 1 < 2 → unchanged. Step 3: ‖(0, 12, 5)‖ = 13 → (0, 24/13, 10/13).
    const tx = clipByGlobalNorm(2)
    let state = tx.init({ a: tensor([0], 'float64'), b: 0 })
    expect(state).toEqual({ gradNorm: 0 })
    const steps: [number[], number, number[], number, number][] = [
      [[3], 4, [1.2], 1.6, 5],
      [[0.6], 0.8, [0.6], 0.8, 1],
      [[0, 12], 5, [0, 24 / 13], 10 / 13, 13],
    ]
    for (const [a, b, ea, eb, norm] of steps) {
      const [u, s] = tx.update({ a: tensor(a, 'float64'), b }, state)
      expectTreesClose(u, { a: tensor(ea, 'float64'), b: eb }, { rtol: 1e-15, atol: 0 })
      expect(s.gradNorm).toBeCloseTo(norm, 14) // the norm before clipping (optax #326), clipped or not
      state = s
    }
  })

  it('returns the same tree when the norm is below maxNorm', () => {
    const g = { w: tensor([0.1, 0.2]) }
    expect(clipByGlobalNorm(1).update(g, { gradNorm: 0 })[0]).toBe(g)
  })

  it('clips when the norm equals maxNorm exactly (the factor is then 1)', () => {
    const [u] = clipByGlobalNorm(5).update([3, 4], { gradNorm: 0 })
    expect(u).toEqual([3, 4])
  })

  it('accepts the options form', () => {
    expect(clipByGlobalNorm({ maxNorm: 1 }).update([3, 4], { gradNorm: 0 })[0]).toEqual([0.6, 0.8])
  })

  it('handles zero gradients (also with maxNorm 0) without NaN', () => {
    expect(values(clipByGlobalNorm(1).update(tensor([0, 0]), { gradNorm: 0 })[0])).toEqual([0, 0])
    expect(values(clipByGlobalNorm(0).update(tensor([0, 0]), { gradNorm: 0 })[0])).toEqual([0, 0])
    expect(values(clipByGlobalNorm(0).update(tensor([3, -4]), { gradNorm: 0 })[0])).toEqual([0, -0])
  })

  it('handles huge gradients: float32 near its max, and float64 whose squares overflow', () => {
    // (3e38, 3e38)·1/(3e38·√2) = (1/√2, 1/√2); the sum of squares is accumulated in float64.
    const [u32] = clipByGlobalNorm(1).update(tensor([3e38, 3e38]), { gradNorm: 0 })
    expect(values(u32)).toEqual([Math.fround(Math.SQRT1_2), Math.fround(Math.SQRT1_2)])
    const [u64] = clipByGlobalNorm(1).update({ a: tensor([1e200], 'float64'), b: -1e200 }, { gradNorm: 0 })
    expect(values(u64.a)[0]).toBeCloseTo(Math.SQRT1_2, 15)
    expect(u64.b).toBeCloseTo(-Math.SQRT1_2, 15)
  })

  it('propagates NaN like optax (the comparison fails, so the NaN norm divides)', () => {
    expect(values(clipByGlobalNorm(1).update(tensor([NaN, 1]), { gradNorm: 0 })[0])).toEqual([NaN, NaN])
  })

  it('keeps the dtype of the updates', () => {
    const [u] = clipByGlobalNorm(1).update({ a: tensor([3]), b: tensor([4], 'float64') }, { gradNorm: 0 })
    expect([u.a.dtype, u.b.dtype]).toEqual(['float32', 'float64'])
    expect([values(u.a), values(u.b)]).toEqual([[Math.fround(0.6)], [0.8]])
  })

  it('does not modify its inputs', () => {
    const g = { w: tensor([30, 40]), s: 1 }
    expectInputsUnchanged(() => clipByGlobalNorm(1).update(g, { gradNorm: 0 }), g)
  })

  it('rejects invalid maxNorm', () => {
    expect(() => clipByGlobalNorm(-1)).toThrow(HyperparameterError)
    expect(() => clipByGlobalNorm(-1)).toThrow('clipByGlobalNorm maxNorm must be in [0, Infinity); got -1')
    expect(() => clipByGlobalNorm(Infinity)).toThrow('clipByGlobalNorm maxNorm must be in [0, Infinity); got Infinity')
    expect(() => clipByGlobalNorm({ maxNorm: NaN })).toThrow(
      'clipByGlobalNorm options.maxNorm must be in [0, Infinity); got NaN',
    )
  })

  const maxNorm = fc.double({ min: 0.01, max: 100, noNaN: true })

  test.prop([arbPyTree(), maxNorm])('the output norm is at most maxNorm·(1 + 1e-6)', (g, m) => {
    const [u] = clipByGlobalNorm(m).update(g, { gradNorm: 0 })
    expect(tree.norm(u)).toBeLessThanOrEqual(m * (1 + 1e-6))
  })

  test.prop([arbPyTree(), maxNorm])('keeps the direction (cosine ≈ 1)', (g, m) => {
    const [u] = clipByGlobalNorm(m).update(g, { gradNorm: 0 })
    const ng = tree.norm(g)
    fc.pre(ng > 0)
    expect(tree.vdot(u, g) / (tree.norm(u) * ng)).toBeCloseTo(1, 6)
  })

  test.prop([arbPyTree(), maxNorm])('is idempotent', (g, m) => {
    const tx = clipByGlobalNorm(m)
    const [u] = tx.update(g, { gradNorm: 0 })
    expectTreesClose(tx.update(u, { gradNorm: 0 })[0], u, { rtol: 1e-6, atol: 1e-12 })
  })
})

describe('clipByGlobalNorm keeps the norm before clipping in its state (optax #326)', () => {
  it('readable from a chain: ‖(6, 8)‖ = 10 while the updates are clipped to norm 1', async () => {
    const { chain, sgd } = await import('../../src/index')
    const tx = chain(clipByGlobalNorm(1), sgd(0.1))
    const [u, [clipState]] = tx.update({ w: tensor([6, 8], 'float64') }, tx.init({ w: tensor([0, 0], 'float64') }))
    expect(clipState.gradNorm).toBe(10)
    expect(values(u.w)).toEqual([-0.06, -0.08].map((x) => expect.closeTo(x, 15)))
  })
  it('holds a NaN norm when the gradient has a NaN (what applyIfFinite or a health check then reports)', () => {
    expect(clipByGlobalNorm(1).update(tensor([NaN, 1]), { gradNorm: 0 })[1].gradNorm).toBeNaN()
  })
})

describe('clipByGlobalNorm rescales each element as (g / ‖g‖)·maxNorm', () => {
  it('the same bits as that formula element by element, for float32 and float64 leaves and numbers', () => {
    let x = 99
    const rand = (n: number) => Array.from({ length: n }, () => ((x = (x * 69069 + 1) % 2 ** 32) / 2 ** 32 - 0.5) * 7)
    const g = { a: tensor(rand(1001), [7, 143]), b: tensor(rand(33), 'float64'), c: 2.5 }
    const n = tree.norm(g)
    const before = g.a.data.slice()
    const [u] = clipByGlobalNorm(0.3).update(g, { gradNorm: 0 })
    expect(u.a.dtype).toBe('float32')
    expect(u.a.shape).toEqual([7, 143])
    expect(u.b.dtype).toBe('float64')
    const want32 = Float32Array.from(g.a.data, (v) => (v / n) * 0.3)
    const want64 = Float64Array.from(g.b.data, (v) => (v / n) * 0.3)
    expect(Array.from(u.a.data).every((v, i) => Object.is(v, want32[i]))).toBe(true)
    expect(Array.from(u.b.data).every((v, i) => Object.is(v, want64[i]))).toBe(true)
    expect(u.c).toBe((2.5 / n) * 0.3)
    // The input is not modified.
    expect(Array.from(g.a.data).every((v, i) => Object.is(v, before[i]))).toBe(true)
  })
})
