import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { type PyTree, type Tensor, DescentError, HyperparameterError, scaleByLbfgs, tensor } from '../../src/index'
import { expectInputsUnchanged, values } from '../_helpers/assertions'

// ---- an independent dense reference: H = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ from H₀ = γI -------------------

type Mat = number[][]
const eye = (n: number, g = 1): Mat =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? g : 0)))
const matmul = (a: Mat, b: Mat): Mat => a.map((r) => b[0]!.map((_, j) => r.reduce((s, x, k) => s + x * b[k]![j]!, 0)))
const outer = (u: number[], v: number[]): Mat => u.map((x) => v.map((y) => x * y))
const addM = (a: Mat, b: Mat, s = 1): Mat => a.map((r, i) => r.map((x, j) => x + s * b[i]![j]!))
const transpose = (a: Mat): Mat => a[0]!.map((_, j) => a.map((r) => r[j]!))
const matvec = (a: Mat, v: number[]): number[] => a.map((r) => r.reduce((s, x, k) => s + x * v[k]!, 0))
const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0)

/** P·g from the pairs (oldest first), by the matrix recursion, with γ from the newest pair (or 1/‖g‖ capped at 1). */
function denseDirection(pairs: readonly (readonly [number[], number[]])[], g: number[]): number[] {
  const n = g.length
  const newest = pairs[pairs.length - 1]
  let gamma = Math.min(1, 1 / Math.sqrt(dot(g, g)))
  if (newest !== undefined) {
    const yy = dot(newest[1], newest[1])
    gamma = yy > 0 ? dot(newest[0], newest[1]) / yy : 1
  }
  let h = eye(n, gamma)
  for (const [s, y] of pairs) {
    const sy = dot(s, y)
    if (sy === 0) continue
    const rho = 1 / sy
    const v = addM(eye(n), outer(y, s), -rho) // V = I − ρ y sᵀ
    h = addM(matmul(matmul(transpose(v), h), v), outer(s, s), rho)
  }
  return matvec(h, g)
}

const t64 = (xs: number[]) => tensor(xs, 'float64')

describe('scaleByLbfgs', () => {
  it('first step: g·min(1, 1/‖g‖), positive sign', () => {
    const tx = scaleByLbfgs()
    const p = t64([1, 1])
    // ‖[3, 4]‖ = 5, so γ = 1/5 and the direction is [0.6, 0.8].
    values(tx.update(t64([3, 4]), tx.init(p), p)[0]).forEach((x, i) => expect(x).toBeCloseTo([0.6, 0.8][i]!, 15))
    // A small gradient is not scaled up: γ = min(1, 1/0.05) = 1.
    expect(values(tx.update(t64([0.03, 0.04]), tx.init(p), p)[0])).toEqual([0.03, 0.04])
    // scaleInitPrecond false: γ = 1.
    const plain = scaleByLbfgs({ scaleInitPrecond: false })
    expect(values(plain.update(t64([3, 4]), plain.init(p), p)[0])).toEqual([3, 4])
  })

  it('zero gradient: zero direction, finite state', () => {
    const tx = scaleByLbfgs({ memorySize: 2 })
    const p = t64([1, 2])
    const [u, s] = tx.update(t64([0, 0]), tx.init(p), p)
    expect(values(u)).toEqual([0, 0])
    const [u2] = tx.update(t64([0, 0]), s, p) // s = y = 0: ρ = 0, γ = 1
    expect(values(u2)).toEqual([0, 0])
  })

  it('hand-checked two-loop recursion on the second step', () => {
    // θ₀ = [1, 1], g₀ = [3, 4];  θ₁ = [0, 0], g₁ = [1, 0]
    // s = [−1, −1], y = [−2, −4], ⟨y, s⟩ = 6, ρ = 1/6, ⟨y, y⟩ = 20, γ = 6/20 = 0.3
    // α = ρ⟨s, g₁⟩ = −1/6;  q = g₁ − α·y = [1, 0] + [−2, −4]/6 = [2/3, −2/3];  r = γ·q = [0.2, −0.2]
    // β = ρ⟨y, r⟩ = (−0.4 + 0.8)/6 = 1/15;  r += (α − β)·s = [0.2, −0.2] + (7/30)·[1, 1] = [13/30, 1/30]
    const tx = scaleByLbfgs({ memorySize: 3 })
    const [, s1] = tx.update(t64([3, 4]), tx.init(t64([1, 1])), t64([1, 1]))
    const [u, s2] = tx.update(t64([1, 0]), s1, t64([0, 0]))
    const got = values(u)
    expect(got[0]).toBeCloseTo(13 / 30, 15)
    expect(got[1]).toBeCloseTo(1 / 30, 15)
    // The pair is stored at slot (k − 1) mod m = 0, with ρ = 1/6.
    expect(values(s2.diffParamsMemory as Tensor)).toEqual([-1, -1, 0, 0, 0, 0])
    expect(values(s2.diffUpdatesMemory as Tensor)).toEqual([-2, -4, 0, 0, 0, 0])
    expect(s2.weightsMemory).toEqual([1 / 6, 0, 0])
    expect(s2.count).toBe(2)
  })

  test.prop([
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 3 }),
    fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }), {
      minLength: 2,
      maxLength: 8,
    }),
  ])('equals the dense BFGS recursion over the last m pairs (any memory size, wrap-around)', (m, n, rows) => {
    const tx = scaleByLbfgs({ memorySize: m })
    const ps = rows.map((r) => r.slice(0, n))
    const gs = rows.map((r) => r.slice(3, 3 + n).map((x, i) => x + 0.5 * ps.length * (i + 1)))
    let state = tx.init(t64(ps[0]!))
    for (let k = 0; k < ps.length; k++) {
      const [u, next] = tx.update(t64(gs[k]!), state, t64(ps[k]!))
      state = next
      const pairs = []
      for (let j = Math.max(1, k - m + 1); j <= k; j++) {
        const s = ps[j]!.map((x, i) => x - ps[j - 1]![i]!)
        const y = gs[j]!.map((x, i) => x - gs[j - 1]![i]!)
        pairs.push([s, y] as const)
      }
      // Skip nearly degenerate pairs (⟨s, y⟩ ≈ 0 relative to ‖s‖‖y‖), where both sides lose all precision.
      const norm = (v: number[]) => Math.sqrt(dot(v, v))
      if (pairs.some(([s, y]) => Math.abs(dot(s, y)) < 1e-3 * norm(s) * norm(y) || norm(s) < 1e-6)) break
      const expected = denseDirection(pairs, gs[k]!)
      const got = values(u)
      const scale = Math.max(1, ...expected.map(Math.abs))
      if (expected.every(Number.isFinite))
        got.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(1e-7 * scale))
    }
  })

  it('with exact line searches on a 2-D quadratic, the third direction is the Newton direction A⁻¹g', () => {
    // f(x) = ½xᵀAx − bᵀx, ∇f = Ax − b.  A = [[3, 1], [1, 2]], A⁻¹ = [[2, −1], [−1, 3]]/5.
    const A = [
      [3, 1],
      [1, 2],
    ]
    const b = [1, -1]
    const grad = (x: number[]) => matvec(A, x).map((v, i) => v - b[i]!)
    const tx = scaleByLbfgs()
    let x = [2, -3]
    let state = tx.init(t64(x))
    let direction: number[] = []
    for (let k = 0; k < 3; k++) {
      const g = grad(x)
      const [u, next] = tx.update(t64(g), state, t64(x))
      state = next
      direction = values(u)
      // Exact line search along −d: η = ⟨g, d⟩/⟨d, A d⟩.
      const eta = dot(g, direction) / dot(direction, matvec(A, direction))
      if (k < 2) x = x.map((xi, i) => xi - eta * direction[i]!)
    }
    const g = grad(x)
    const newton = [(2 * g[0]! - g[1]!) / 5, (-g[0]! + 3 * g[1]!) / 5]
    direction.forEach((d, i) => expect(d).toBeCloseTo(newton[i]!, 10))
  })

  it('keeps the state as pytrees with a leading memory axis, dtypes kept (number leaves as float64 [m])', () => {
    const tx = scaleByLbfgs({ memorySize: 4 })
    const params = { w: tensor([[1, 2, 3]]), c: 0.5, none: null }
    const state = tx.init(params)
    const mem = state.diffParamsMemory as { w: Tensor; c: Tensor; none: null }
    expect(mem.w.shape).toEqual([4, 1, 3])
    expect(mem.w.dtype).toBe('float32')
    expect(mem.c.shape).toEqual([4])
    expect(mem.c.dtype).toBe('float64')
    expect(mem.none).toBeNull()
    const g = { w: tensor([[0.1, -0.2, 0.3]]), c: 2, none: null }
    const [u, s1] = tx.update(g, state, params)
    expect((u.w as Tensor).dtype).toBe('float32')
    expect(typeof u.c).toBe('number')
    const p1 = { w: tensor([[0.9, 2.1, 2.8]]), c: 0.25, none: null }
    const g1 = { w: tensor([[0.05, -0.1, 0.2]]), c: 1, none: null }
    const [u2, s2] = expectInputsUnchanged(() => tx.update(g1, s1, p1), g1, s1, p1)
    expect((u2.w as Tensor).dtype).toBe('float32')
    expect(values((s2.diffParamsMemory as { c: Tensor }).c)).toEqual([-0.25, 0, 0, 0])
  })

  it('float64 in, float64 out', () => {
    const tx = scaleByLbfgs()
    const p = t64([1, 2])
    expect((tx.update(t64([1, 1]), tx.init(p), p)[0] as Tensor).dtype).toBe('float64')
  })

  it('needs the params', () => {
    const tx = scaleByLbfgs()
    const p: PyTree = t64([1])
    expect(() => tx.update(t64([1]), tx.init(p))).toThrow(DescentError)
    expect(() => tx.update(t64([1]), tx.init(p))).toThrow(
      /scaleByLbfgs needs the params: call update\(updates, state, params\)/,
    )
  })

  it('validates its options at construction', () => {
    expect(() => scaleByLbfgs({ memorySize: 0 })).toThrow(HyperparameterError)
    expect(() => scaleByLbfgs({ memorySize: 0 })).toThrow(
      'scaleByLbfgs options.memorySize must be in [1, Infinity); got 0',
    )
    expect(() => scaleByLbfgs({ memorySize: 2.5 })).toThrow(/must be an integer/)
    expect(() => scaleByLbfgs({ scaleInitPrecond: 1 as unknown as boolean })).toThrow(/scaleInitPrecond/)
  })
})
