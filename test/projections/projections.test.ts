import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type PyTree, projections as P, tensor, tree } from '../../src/index'
import { arbitraries } from '../../src/testing/index'
import { DEFAULT_SEED } from '../_helpers/seed'

const SEED = DEFAULT_SEED
const RUNS = { seed: SEED, numRuns: 150 }
const opts = { dtype: 'float64', withNumbers: true, min: -10, max: 10 } as const
// Three trees of one structure with at least one element: x (to project), z (mapped into the set to give a feasible y).
const trees = arbitraries.treeTriple(opts).filter(([x]) => tree.size(x) > 0)
const scales = fc.double({ min: 0.05, max: 20, noNaN: true })
const tol = (x: PyTree, s = 0) => 1e-12 * (1 + tree.norm(x, { ord: 1 }) + s)
const values = (t: PyTree): number[] =>
  tree.leaves(t).flatMap((l) => (typeof l === 'number' ? [l] : Array.from((l as { data: Float64Array }).data)))

/**
 * The variational inequality that characterises the projection onto a closed convex set K:
 * p = P_K(x) ⟺ p ∈ K and ⟨x − p, y − p⟩ ≤ 0 for every y ∈ K.
 */
const variationalGap = (x: PyTree, p: PyTree, y: PyTree): number => tree.vdot(tree.sub(x, p), tree.sub(y, p))

type Proj = (x: PyTree, s: number) => PyTree
const convexSets: readonly (readonly [string, Proj, (p: PyTree, s: number) => boolean])[] = [
  ['projectionNonNegative', (x) => P.projectionNonNegative(x), (p) => values(p).every((v) => v >= 0)],
  ['projectionBox', (x, s) => P.projectionBox(x, -s, s / 2), (p, s) => values(p).every((v) => v >= -s && v <= s / 2)],
  ['projectionHypercube', (x, s) => P.projectionHypercube(x, s), (p, s) => values(p).every((v) => v >= 0 && v <= s)],
  ['projectionLinfBall', (x, s) => P.projectionLinfBall(x, s), (p, s) => tree.norm(p, { ord: Infinity }) <= s],
  ['projectionL2Ball', (x, s) => P.projectionL2Ball(x, s), (p, s) => tree.norm(p) <= s * (1 + 1e-14)],
  ['projectionL1Ball', (x, s) => P.projectionL1Ball(x, s), (p, s) => tree.norm(p, { ord: 1 }) <= s * (1 + 1e-12)],
  [
    'projectionSimplex',
    (x, s) => P.projectionSimplex(x, s),
    (p, s) => values(p).every((v) => v >= 0) && Math.abs(tree.sum(p) - s) <= 1e-12 * (1 + s),
  ],
]

describe('projections onto convex sets', () => {
  it.each(convexSets)('%s: feasible, idempotent, and optimal by the variational inequality', (_, project, inSet) => {
    fc.assert(
      fc.property(trees, scales, ([x, z, w], s) => {
        const p = project(x, s)
        expect(tree.equalStructure(p, x)).toBe(true)
        expect(inSet(p, s)).toBe(true)
        expect(tree.norm(tree.sub(project(p, s), p))).toBeLessThanOrEqual(tol(p, s))
        for (const y of [project(z, s), project(w, s)])
          expect(variationalGap(x, p, y)).toBeLessThanOrEqual(tol(x, s) * (1 + tree.norm(y, { ord: 1 })))
      }),
      RUNS,
    )
  })

  it('projectionSimplex agrees with a bisection on θ of Σ max(x − θ, 0) = s', () => {
    fc.assert(
      fc.property(trees, scales, ([x], s) => {
        const v = values(x)
        let [lo, hi] = [Math.min(...v) - s, Math.max(...v)]
        for (let i = 0; i < 200; i++) {
          const mid = (lo + hi) / 2
          if (v.reduce((acc, xi) => acc + Math.max(xi - mid, 0), 0) > s) lo = mid
          else hi = mid
        }
        const expected = v.map((xi) => Math.max(xi - (lo + hi) / 2, 0))
        const got = values(P.projectionSimplex(x, s))
        got.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(1e-9 * (1 + s)))
      }),
      RUNS,
    )
  })

  it('the simplex projection of a hand-worked vector, and of a tree (optax docstring: sum 6.2 → 1)', () => {
    // sorted u = (3, 1, 0.2): k = 2 gives θ = (3 + 1 − 1)/2 = 1.5 and u₂ − θ = −0.5 ≤ 0, so k = 1 and θ = 2.
    expect(P.projectionSimplex(tensor([1, 3, 0.2], 'float64')).toArray()).toEqual([0, 1, 0])
    // u = (0.6, 0.5): k = 2 gives θ = (1.1 − 1)/2 = 0.05 and 0.5 − 0.05 > 0.
    const p = P.projectionSimplex(tensor([0.5, 0.6], 'float64')).toArray() as number[]
    expect(p[0]).toBeCloseTo(0.45, 15)
    expect(p[1]).toBeCloseTo(0.55, 15)
    const q = P.projectionSimplex({ w: tensor([2.5, 3.2]), b: 0.5 })
    expect(q.w.dtype).toBe('float32')
    expect(tree.sum(q)).toBeCloseTo(1, 6)
  })

  it('balls return a point inside unchanged (the same object), and accept Infinity', () => {
    const x = { a: tensor([0.1, -0.2]), b: 0.3 }
    for (const f of [P.projectionL1Ball, P.projectionL2Ball]) {
      expect(f(x)).toBe(x)
      expect(f(x, Infinity)).toBe(x)
    }
    expect(P.projectionL2Ball([0, 0], 0)).toEqual([0, 0])
    expect(P.projectionL1Ball([3, -4], 0)).toEqual([0, 0])
  })

  it('the box takes tree bounds and keeps each leaf’s dtype', () => {
    const p = P.projectionBox(
      { w: tensor([5, -5, 0.5]) },
      { w: tensor([0, 0, 0], 'float64') },
      { w: tensor([1, 2, 3], 'float64') },
    )
    expect(p.w.dtype).toBe('float32')
    expect(p.w.toArray()).toEqual([1, 0, 0.5])
  })
})

describe('projections onto spheres, lines, hyperplanes and halfspaces', () => {
  it('projectionL2Sphere: norm s, same direction; throws at 0', () => {
    fc.assert(
      fc.property(trees, scales, ([x], s) => {
        fc.pre(tree.norm(x) > 1e-6)
        const p = P.projectionL2Sphere(x, s)
        expect(Math.abs(tree.norm(p) - s)).toBeLessThanOrEqual(1e-12 * s)
        expect(tree.vdot(p, x)).toBeCloseTo(s * tree.norm(x), 8)
      }),
      RUNS,
    )
    expect(() => P.projectionL2Sphere({ a: 0 })).toThrow(/no unique nearest point/)
  })

  it('projectionL1Sphere: ‖p‖₁ = s, signs kept (0 counts as +), and no point of the sphere is nearer', () => {
    fc.assert(
      fc.property(trees, scales, ([x, z], s) => {
        const p = P.projectionL1Sphere(x, s)
        expect(Math.abs(tree.norm(p, { ord: 1 }) - s)).toBeLessThanOrEqual(1e-12 * (1 + s + tree.norm(x, { ord: 1 })))
        values(x).forEach((xi, i) => expect(xi * values(p)[i]!).toBeGreaterThanOrEqual(0))
        // Any other point y of the sphere is at least as far from x.
        const y = P.projectionL1Sphere(z, s)
        const d = (a: PyTree) => tree.norm(tree.sub(x, a))
        expect(d(p)).toBeLessThanOrEqual(d(y) * (1 + 1e-12) + 1e-12)
      }),
      RUNS,
    )
    expect(P.projectionL1Sphere([0, 0], 1)).toEqual([0.5, 0.5])
  })

  it('projectionVector / projectionHyperplane / projectionHalfspace against their defining equations', () => {
    fc.assert(
      fc.property(trees, fc.double({ min: -5, max: 5, noNaN: true }), ([x, a, z], b) => {
        fc.pre(tree.norm(a) > 1e-3)
        const t = 1e-9 * (1 + tree.norm(x) * tree.norm(a) + Math.abs(b))
        const v = P.projectionVector(x, a)
        expect(Math.abs(tree.vdot(tree.sub(x, v), a))).toBeLessThanOrEqual(t) // x − P(x) ⟂ a
        const h = P.projectionHyperplane(x, a, b)
        expect(Math.abs(tree.vdot(a, h) - b)).toBeLessThanOrEqual(t) // on the plane
        // x − P(x) is parallel to a: its component orthogonal to a vanishes.
        const r = tree.sub(x, h)
        expect(tree.norm(tree.sub(r, P.projectionVector(r, a)))).toBeLessThanOrEqual(t)
        const hs = P.projectionHalfspace(x, a, b)
        expect(tree.vdot(a, hs)).toBeLessThanOrEqual(b + t)
        const y = P.projectionHalfspace(z, a, b)
        expect(variationalGap(x, hs, y)).toBeLessThanOrEqual(t * (1 + tree.norm(y) + tree.norm(x)))
      }),
      RUNS,
    )
    expect(() => P.projectionVector([1], [0])).toThrow(/nonzero/)
  })

  it('rejects invalid scales at the call', () => {
    expect(() => P.projectionSimplex([1], 0)).toThrow(/scale must be in \(0, Infinity\)/)
    expect(() => P.projectionL2Ball([1], -1)).toThrow(/scale/)
    expect(() => P.projectionLinfBall([1], Number.NaN)).toThrow(/scale/)
  })
})
