import { describe, expect, it } from 'vitest'
import { HyperparameterError, type Tensor, scaleByDistanceOverGradients, tensor } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

const arr = (t: unknown) => Array.from((t as Tensor).data)

describe('scaleByDistanceOverGradients', () => {
  it('steps r̄/√(G + ε)·g per leaf, r̄ the largest distance from x₀ (hand-derived, two steps, two leaves)', () => {
    const tx = scaleByDistanceOverGradients({ repsRel: 0.1, eps: 0, globalScale: 2 })
    const p0 = { a: tensor([3, 4], 'float64'), b: tensor([0], 'float64') }
    let s = tx.init(p0)
    expect(s.maxDist).toEqual({ a: 0.1 * 6, b: 0.1 })
    // step 1 at x₀: a: G = 4, u = 2·0.6/2·g;  b: G = 9, u = 2·0.1/3·g
    const [u1, s1] = tx.update({ a: tensor([0, 2], 'float64'), b: tensor([3], 'float64') }, s, p0)
    expect(arr(u1.a)[1]).toBeCloseTo(1.2, 15)
    expect(arr(u1.b)[0]).toBeCloseTo(0.2, 15)
    s = s1
    // step 2 at x₁ = x₀ + (0, 1) and b moved by 5: r̄_a = max(0.6, 1) = 1, r̄_b = 5; G_a = 4 + 1, G_b = 9 + 16
    const p1 = { a: tensor([3, 5], 'float64'), b: tensor([5], 'float64') }
    const [u2, s2] = tx.update({ a: tensor([1, 0], 'float64'), b: tensor([4], 'float64') }, s, p1)
    expect(arr(u2.a)[0]).toBeCloseTo((2 * 1) / Math.sqrt(5), 15)
    expect(arr(u2.b)[0]).toBeCloseTo(((2 * 5) / 5) * 4, 15)
    expect(s2.gradSumOfSquares).toEqual({ a: 5, b: 25 })
    expect(arr((s2.initParams as { a: Tensor }).a)).toEqual([3, 4])
    expect(() => tx.update(p1, s2)).toThrow(/params/)
    expectInputsUnchanged(() => tx.update(p1, s2, p1), p1)
  })
  it("stores x₀ in paramDtype (optax's param_dtype), and measures distances from that stored copy", () => {
    // float64 params, x₀ kept in float32: x₀ = fround(0.1), so at x = 0.1 the distance is |0.1 − fround(0.1)|
    const tx = scaleByDistanceOverGradients({ repsRel: 1e-12, eps: 0, paramDtype: 'float32' })
    const p = { w: tensor([0.1], 'float64') }
    const s = tx.init(p)
    const x0 = (s.initParams as { w: Tensor }).w
    expect(x0.dtype).toBe('float32')
    expect(arr(x0)).toEqual([Math.fround(0.1)])
    const gap = Math.abs(0.1 - Math.fround(0.1)) // 1.49e-9, larger than r̄₀ = 1e-12·1.1
    const [u, s1] = tx.update({ w: tensor([2], 'float64') }, s, p)
    expect(s1.maxDist).toEqual({ w: gap })
    expect(arr(u.w)[0]).toBeCloseTo((gap / 2) * 2, 20)
    expect((u.w as Tensor).dtype).toBe('float64')
    // float32 params with x₀ in float64: the copy is exact, the updates keep the gradient's dtype
    const tx64 = scaleByDistanceOverGradients({ paramDtype: 'float64' })
    const q = { w: tensor([0.5, 2]) }
    const s64 = tx64.init(q)
    expect((s64.initParams as { w: Tensor }).w.dtype).toBe('float64')
    const [u64] = tx64.update({ w: tensor([1, 1]) }, s64, q)
    expect((u64.w as Tensor).dtype).toBe('float32')
    // without the option the copy keeps each param's dtype (optax's default is float32)
    expect((scaleByDistanceOverGradients().init(p).initParams as { w: Tensor }).w.dtype).toBe('float64')
    expect(() => scaleByDistanceOverGradients({ paramDtype: 'bfloat16' as never })).toThrow(HyperparameterError)
  })
})
