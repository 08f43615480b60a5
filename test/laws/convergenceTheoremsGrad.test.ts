/**
 * The shipped convergence theorems (descent-ts/testing) again, with the optimizer's gradients from `grad` applied to the
 * losses written with ops instead of the hand-written gradients of the problem families. The bounds and their
 * rounding slack are the same: autodiff computes the same sums in float64 (∇½eᵀAe = ½(Ae + Aᵀe) with A exactly
 * symmetric), within the few ulps the slack allows. The hand-written runs are in test/testing/theorems.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { type Tensor, dot, grad, matmul, mul, sgd, sub, tensor } from '../../src/index'
import type { SmoothProblem } from '../../src/testing/arbitraries'
import { type Theorem, assertTheorem, theorems } from '../../src/testing/index'

// Few runs: every step differentiates the loss.
const NUM_RUNS = Number(process.env.LAW_RUNS ?? 30)
const t64 = (x: Float64Array, shape = [x.length]) => tensor(x, shape, 'float64')

/** f(x) = ½(x − x*)ᵀA(x − x*), written with ops; its gradient from `grad`. */
function quadraticGrad(A: readonly Float64Array[], xStar: Float64Array): (x: Float64Array) => Float64Array {
  const n = xStar.length
  const a = t64(Float64Array.from(A.flatMap((row) => Array.from(row))), [n, n])
  const s = t64(xStar)
  const g = grad((x: Tensor) => {
    const e = sub(x, s)
    return mul(0.5, dot(e, matmul(a, e)))
  })
  return (x) => g(t64(x)).dataSync() as Float64Array
}

/** The theorem, with each quadratic's gradient replaced by the autodiff one. */
function viaGrad<K, P extends { readonly fn: SmoothProblem }>(t: Theorem<K, P>): Theorem<K, P> {
  const withGrad = (p: P): P => {
    const A = (p.fn as { readonly A?: readonly Float64Array[] }).A
    return A === undefined ? p : { ...p, fn: { ...p.fn, grad: quadraticGrad(A, p.fn.xStar!) } }
  }
  return { ...t, problems: t.problems.map(withGrad), name: `${t.name} (gradients from grad)` }
}

describe('convergence theorems with gradients from grad (sgd, float64)', () => {
  it('gdSmoothConvexTight: sgd(h/L)', () => {
    assertTheorem(viaGrad(theorems.gdSmoothConvexTight), ({ L, h }) => sgd(h / L), { numRuns: NUM_RUNS })
  })
  it('gdStronglyConvexRate: sgd(2/(L+μ))', () => {
    assertTheorem(viaGrad(theorems.gdStronglyConvexRate), ({ L, mu }) => sgd(2 / (L + mu)), { numRuns: NUM_RUNS })
  })
  it('the autodiff gradient is the hand-written one', () => {
    const A = [Float64Array.from([2, 1]), Float64Array.from([1, 3])]
    const xStar = Float64Array.from([1, -1])
    expect(Array.from(quadraticGrad(A, xStar)(Float64Array.from([0, 0])))).toEqual([-1, 2])
  })
})
