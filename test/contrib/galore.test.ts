import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  type ScaleByAdamState,
  type Tensor,
  ShapeError,
  HyperparameterError,
  applyUpdates,
  contrib,
  ones,
  prngKey,
  randomNormal,
  scaleByAdam,
  scaleByRms,
  tensor,
  tree,
  zeros,
} from '../../src/index'
import { svd } from '../../src/core/svd'
import type { GaloreState as GState } from '../../src/contrib/index'

type GaloreState = GState<ScaleByAdamState>
const galoreState = (s: GaloreState) => s[0]
const adamState = (s: GaloreState) => s[0].baseOptimizerState as { mu: PyTree; nu: PyTree }
const shapeOf = (t: PyTree) => (t as Tensor).shape
const rows = (t: Tensor) => t.toArray() as number[][]

/** ‖AᵀB − I‖_max for two matrices given as row arrays (columns orthonormal when AᵀA ≈ I). */
function gramError(p: number[][]): number {
  const r = p[0]!.length
  let worst = 0
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      const d = p.reduce((s, row) => s + row[i]! * row[j]!, 0)
      worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)))
    }
  return worst
}

const sumSquares = (t: PyTree) => tree.sum(tree.mapElementwise((x) => x * x, t))

/** Runs `steps` updates with the gradient g = params (f = ½‖θ‖²). */
function descend(opt: GradientTransformation<GaloreState>, params: PyTree, steps: number): PyTree {
  let state = opt.init(params)
  for (let i = 0; i < steps; i++) {
    const [u, next] = opt.update(params, state, params)
    params = applyUpdates(params, u)
    state = next
  }
  return params
}

describe('thin SVD (float64 one-sided Jacobi)', () => {
  it('recovers a known decomposition, tall and wide, with orthonormal factors', () => {
    for (const a of [
      [
        [3, 0],
        [0, 4],
        [0, 0],
      ],
      [
        [1, 2, 3, 4],
        [2, 4, 6, 8.5],
      ],
    ]) {
      const m = { rows: a.length, cols: a[0]!.length, data: Float64Array.from(a.flat()) }
      const { u, s, v } = svd(m)
      const k = Math.min(m.rows, m.cols)
      expect([u.rows, u.cols, v.rows, v.cols]).toEqual([m.rows, k, m.cols, k])
      for (let j = 1; j < k; j++) expect(s[j - 1]!).toBeGreaterThanOrEqual(s[j]!)
      // A = U·diag(s)·Vᵀ
      for (let i = 0; i < m.rows; i++)
        for (let j = 0; j < m.cols; j++) {
          let x = 0
          for (let l = 0; l < k; l++) x += u.data[i * k + l]! * s[l]! * v.data[j * k + l]!
          expect(x).toBeCloseTo(a[i]![j]!, 12)
        }
    }
    const diag = svd({ rows: 3, cols: 2, data: Float64Array.from([3, 0, 0, 4, 0, 0]) })
    expect(Array.from(diag.s)).toEqual([4, 3].map((x) => expect.closeTo(x, 14)))
    // Largest entry of each left singular vector positive: e₂ then e₁.
    expect(Array.from(diag.u.data)).toEqual([0, 1, 1, 0, 0, 0].map((x) => expect.closeTo(x, 14)))
  })

  it('completes the left factor of a rank-deficient matrix to an orthonormal set', () => {
    const { u, s } = svd({ rows: 4, cols: 3, data: Float64Array.from(Array(12).fill(1)) })
    expect(s[0]).toBeCloseTo(Math.sqrt(12), 12)
    expect(s[1]).toBe(0)
    const cols = Array.from({ length: 4 }, (_, i) => Array.from(u.data.slice(i * 3, i * 3 + 3)))
    expect(gramError(cols)).toBeLessThan(1e-12)
  })
})

// optax contrib/_galore_test.py, case by case.
describe('contrib.galore (optax _galore_test.py)', () => {
  it.each([
    { shape: [32, 64], rank: 8, left: false },
    { shape: [64, 32], rank: 8, left: true },
    { shape: [64, 64], rank: 8, left: true },
  ])('projects from the $left side for shape $shape (state shapes)', ({ shape, rank, left }) => {
    const opt = contrib.galore(0.1, { rank, updateProjGap: 10 })
    const state = opt.init(zeros(shape))
    const [m, n] = shape as [number, number]
    const r = Math.min(rank, m, n)
    expect(shapeOf(galoreState(state).projector)).toEqual(left ? [m, r] : [n, r])
    expect(shapeOf(adamState(state).mu)).toEqual(left ? [r, n] : [m, r])
    expect(shapeOf(adamState(state).nu)).toEqual(left ? [r, n] : [m, r])
  })

  it('clips the rank to the smaller dimension', () => {
    const state = contrib.galore(0.1, { rank: 999, updateProjGap: 10 }).init(zeros([10, 3]))
    expect(shapeOf(galoreState(state).projector)).toEqual([10, 3])
    expect(shapeOf(adamState(state).mu)).toEqual([3, 3])
    expect(shapeOf(adamState(state).nu)).toEqual([3, 3])
  })

  it('keeps moments of size rank·dim (memory reduction)', () => {
    const state = contrib.galore(0.1, { rank: 8 }).init(zeros([256, 256]))
    expect((adamState(state).mu as Tensor).size).toBe(8 * 256)
    expect((adamState(state).nu as Tensor).size).toBe(8 * 256)
  })

  it('has an orthonormal projector after an update', () => {
    const params = { w: randomNormal(prngKey(0), [16, 32]) }
    const opt = contrib.galore(0.1, { rank: 4, updateProjGap: 1 })
    const [, s2] = opt.update({ w: randomNormal(prngKey(1), [16, 32]) }, opt.init(params), params)
    const p = rows((galoreState(s2).projector as { w: Tensor }).w)
    expect([p.length, p[0]!.length]).toEqual([32, 4])
    expect(gramError(p)).toBeLessThan(1e-2) // optax's tolerance (the projector is stored in float32)
  })

  it('keeps the projector between refreshes, and refreshes it every updateProjGap steps', () => {
    const params = ones([32, 64])
    const g0 = tensor(
      Array.from({ length: 32 }, (_, i) => Array.from({ length: 64 }, (_, j) => i * 64 + j)),
      'float32',
    )
    const g1 = tensor((g0.toArray() as number[][]).slice().reverse(), 'float32')
    const projectors = (gap: number) => {
      const opt = contrib.galore(0.01, { rank: 8, updateProjGap: gap })
      const [, s1] = opt.update(g0, opt.init(params), params)
      const [, s2] = opt.update(g1, s1, params)
      return [galoreState(s1).projector as Tensor, galoreState(s2).projector as Tensor] as const
    }
    const [a0, a1] = projectors(1000)
    expect(a1.toArray()).toEqual(a0.toArray())
    const [b0, b1] = projectors(1)
    expect(b1.toArray()).not.toEqual(b0.toArray())
  })

  it('decreases ‖W‖ on a quadratic (64 × 64, rank 8, refresh every step)', () => {
    const w = descend(contrib.galore(0.1, { rank: 8, updateProjGap: 1 }), ones([64, 64]), 20)
    expect(sumSquares(w)).toBeLessThan(64 * 64)
  })

  it('decreases the energy of a mixed pytree', () => {
    const params = { W1: ones([32, 64]), W2: ones([64, 16]), b: ones([16]) }
    const out = descend(contrib.galore(0.05, { rank: 8, updateProjGap: 2 }), params, 10)
    expect(sumSquares(out)).toBeLessThan(sumSquares(params))
  })

  it('keeps the shapes of a mixed pytree (matrix, vector, rank-3 tensor)', () => {
    const params = { W: ones([16, 32]), b: ones([32]), conv: ones([3, 3, 8]) }
    const opt = contrib.galore(0.01, { rank: 4, updateProjGap: 5, baseOptimizer: scaleByAdam() })
    const [u] = opt.update(params, opt.init(params), params)
    expect(tree.map((x) => (x as Tensor).shape as never, u)).toEqual({ W: [16, 32], b: [32], conv: [3, 3, 8] })
  })

  it('projects a rank-3 tensor with dimension numbers (left: reshaped to 128 × 128)', () => {
    // optax uses [512, 8, 64] (passes here too, in ~4 s); [128, 4, 32] exercises the same reshape.
    const params = { attn: ones([128, 4, 32]) }
    const opt = contrib.galore(0.01, {
      rank: 16,
      weightDimensionNumbers: { attn: { reductionAxis: 0, outputAxis: [1, 2] } },
    })
    const state = opt.init(params)
    const [u] = opt.update({ attn: tree.scale(0.1, params.attn) }, state, params)
    expect(shapeOf((u as { attn: Tensor }).attn)).toEqual([128, 4, 32])
    expect(shapeOf((galoreState(state).projector as { attn: Tensor }).attn)).toEqual([128, 16])
  })

  it('uses a right projection for a wide reshaped tensor, with moments of size m·r', () => {
    const params = { w: ones([32, 8, 64]) } // → 32 × 512
    const state = contrib
      .galore(0.01, { rank: 8, weightDimensionNumbers: { w: { reductionAxis: 0, outputAxis: [1, 2] } } })
      .init(params)
    expect(shapeOf((galoreState(state).projector as { w: Tensor }).w)).toEqual([512, 8])
    expect(shapeOf((adamState(state).mu as { w: Tensor }).w)).toEqual([32, 8])
  })

  it('converges with dimension numbers', () => {
    const params = { attn: ones([16, 4, 8]) }
    const opt = contrib.galore(0.1, {
      rank: 8,
      updateProjGap: 1,
      weightDimensionNumbers: { attn: { reductionAxis: 0, outputAxis: [1, 2] } },
    })
    expect(sumSquares(descend(opt, params, 10))).toBeLessThan(sumSquares(params))
  })

  it('applies one dimension-numbers spec to every param of rank ≥ 2 and a tree of specs with null for skipped ones', () => {
    const params = { w1: ones([16, 4, 8]), w2: ones([8, 4, 4]), bias: ones([16]) }
    const single = contrib.galore(0.01, { rank: 8, weightDimensionNumbers: { reductionAxis: 0, outputAxis: [1, 2] } })
    const s = single.init(params)
    const pj = galoreState(s).projector as Record<string, Tensor>
    expect([pj.w1!.shape, pj.w2!.shape, pj.bias!.shape]).toEqual([
      [32, 8],
      [16, 8],
      [0, 0],
    ])
    const [u] = single.update(tree.scale(0.1, params), s, params)
    expect(tree.map((x) => (x as Tensor).shape as never, u)).toEqual({ w1: [16, 4, 8], w2: [8, 4, 4], bias: [16] })
    // optax's code (not its test's comment): null means "not projected".
    const mixed = { attn: ones([16, 2, 8]), mlp: ones([16, 32]), bias: ones([32]) }
    const opt = contrib.galore(0.01, {
      rank: 8,
      weightDimensionNumbers: { attn: { reductionAxis: 0, outputAxis: [1, 2] }, mlp: null, bias: null },
    })
    const ms = opt.init(mixed)
    const mp = galoreState(ms).projector as Record<string, Tensor>
    expect([mp.attn!.shape, mp.mlp!.shape]).toEqual([
      [16, 8],
      [0, 0],
    ])
    const [mu] = opt.update(tree.scale(0.1, mixed), ms, mixed)
    expect(tree.map((x) => (x as Tensor).shape as never, mu)).toEqual({ attn: [16, 2, 8], mlp: [16, 32], bias: [32] })
  })
})

describe('contrib.scaleByGalore: the update rule', () => {
  it('is α·P·base(PᵀG) with P the top-r left singular vectors (hand-derived, base = scaleByRms)', () => {
    // G = diag-like 3 × 2 with σ = 4 (e₂) and 3 (e₁): rank 1 keeps e₂.
    const g = tensor(
      [
        [3, 0],
        [0, 4],
        [0, 0],
      ],
      'float64',
    )
    const tx = contrib.scaleByGalore({ rank: 1, scale: 0.5, baseOptimizer: scaleByRms({ decay: 0.5, eps: 0 }) })
    const [u, s] = tx.update(g, tx.init(g))
    // R = Pᵀ·G = [0, 4]; RMS: ν = 0.5·R² = [0, 8], R/√ν = [0/0 → ?]: use the nonzero entry only
    expect(rows(s.projector as Tensor)).toEqual([[0], [1], [0]])
    const out = rows(u as Tensor)
    expect(out[1]![1]).toBeCloseTo(0.5 * (4 / Math.sqrt(8)), 12)
    expect(out[0]![0]).toBe(0)
    expect(out[2]).toEqual([0, 0])
  })

  it('projects from the right for a wide gradient: u = α·base(G·P)·Pᵀ', () => {
    const g = tensor([[0, 2, 0]], 'float64') // 1 × 3: V[:, 0] = e₂
    const tx = contrib.scaleByGalore({ rank: 1, baseOptimizer: scaleByRms({ decay: 0, eps: 0 }) })
    const [u, s] = tx.update(g, tx.init(g))
    expect(rows(s.projector as Tensor)).toEqual([[0], [1], [0]])
    expect(rows(u as Tensor)).toEqual([[0, 1, 0]]) // R = [2], RMS with decay 0: 2/√4 = 1
  })

  it('matches optax docstring numbers: f = Σw² from 1e4 to 9.98e3 … 9.90e3 in five steps', () => {
    const f = (p: { w: Tensor }) => sumSquares(p.w)
    const solver = contrib.galore(0.01, { rank: 16 })
    let params = { w: ones([100, 100]), b: ones([100]) }
    let state = solver.init(params)
    const seen: string[] = []
    for (let i = 0; i < 5; i++) {
      const [u, next] = solver.update(tree.scale(2, params), state, params)
      params = applyUpdates(params, u)
      state = next
      seen.push(f(params).toExponential(2))
    }
    expect(seen).toEqual(['9.98e+3', '9.96e+3', '9.94e+3', '9.92e+3', '9.90e+3'])
  })

  it('refuses bad options and dimension numbers', () => {
    expect(() => contrib.scaleByGalore({ rank: 0 })).toThrow(HyperparameterError)
    expect(() => contrib.scaleByGalore({ rank: 1.5 })).toThrow(HyperparameterError)
    expect(() => contrib.scaleByGalore({ updateProjGap: 0 })).toThrow(HyperparameterError)
    const bad = contrib.scaleByGalore({ weightDimensionNumbers: { reductionAxis: 0, outputAxis: 0 } })
    expect(() => bad.init(ones([2, 3]))).toThrow(ShapeError)
    const missing = contrib.scaleByGalore({ weightDimensionNumbers: { reductionAxis: 0, outputAxis: 1 } })
    expect(() => missing.init(ones([2, 3, 4]))).toThrow(/cover every axis/)
  })
})
