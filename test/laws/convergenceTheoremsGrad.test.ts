/**
 * The convergence theorems of gradient descent (test/_helpers/theoremProblems.ts) again, with the optimizer's
 * gradients from `grad` applied to the losses written with ops, instead of the hand-written gradients. The bounds
 * and their rounding floors are the same: autodiff computes the same sums in float64 (∇½eᵀAe = ½(Ae + Aᵀe) with A
 * exactly symmetric, ∇Σ aᵢcos(wᵢᵀx + bᵢ) through the transposed matrix–vector product), within the few ulps the
 * floors allow. The losses themselves are also checked: their autodiff gradients match the hand-written ones.
 */
import { describe, expect } from 'vitest'
import { test } from '@fast-check/vitest'
import { type Tensor, add, cos, dot, grad, matmul, mul, ops, sub, tensor } from '../../src/index'
import {
  type Vec,
  type WaveCase,
  convergenceTheorems,
  quadraticArb,
  quadraticProblem,
  waveArb,
  waveProblem,
} from '../_helpers/theoremProblems'

// Few runs: every step differentiates the loss (the hand-written run covers the problem space more widely).
const NUM_RUNS = Number(process.env.LAW_RUNS ?? 30)

const t64 = (x: Vec, shape = [x.length]) => tensor(x, shape, 'float64')

/** f(x) = ½(x − x*)ᵀA(x − x*), written with ops. */
function quadraticLoss(A: readonly Vec[], xStar: Vec): (x: Tensor) => Tensor {
  const n = xStar.length
  const a = t64(Float64Array.from(A.flatMap((row) => Array.from(row))), [n, n])
  const s = t64(xStar)
  return (x) => {
    const e = sub(x, s)
    return mul(0.5, dot(e, matmul(a, e)))
  }
}

/** f(x) = Σᵢ aᵢ·cos(wᵢᵀx + bᵢ) + ½c‖x‖², written with ops. */
function waveLoss(c: WaveCase): (x: Tensor) => Tensor {
  const W = t64(Float64Array.from(c.terms.flatMap(({ w }) => Array.from(w))), [c.terms.length, c.n])
  const a = t64(Float64Array.from(c.terms, ({ a }) => a))
  const b = t64(Float64Array.from(c.terms, ({ b }) => b))
  return (x) => add(ops.sum(mul(a, cos(add(matmul(W, x), b)))), mul(0.5 * c.c, ops.sum(mul(x, x))))
}

const viaGrad = (loss: (x: Tensor) => Tensor) => {
  const g = grad(loss)
  return (x: Vec): Vec => {
    const out = g(t64(x))
    expect(out.dtype).toBe('float64')
    return out.dataSync() as Vec
  }
}

convergenceTheorems('convergence theorems of gradient descent with gradients from grad (sgd(η), float64)', {
  numRuns: NUM_RUNS,
  gradients: {
    quadratic: (A, xStar) => viaGrad(quadraticLoss(A, xStar)),
    wave: (c) => viaGrad(waveLoss(c)),
  },
})

describe('the ops losses are the hand-written problems', () => {
  const closeTo = (a: Vec, b: Vec, scale: number) =>
    a.forEach((ai, i) => expect(Math.abs(ai - b[i]!)).toBeLessThanOrEqual(1e-12 * (1 + scale)))

  test.prop([quadraticArb({ stronglyConvex: false })], { numRuns: NUM_RUNS })('quadratics: value and gradient', (c) => {
    const p = quadraticProblem(c)
    const loss = quadraticLoss(p.A, c.xStar)
    const f0 = p.f(c.x0)
    expect(Math.abs(loss(t64(c.x0)).item() - f0)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(f0)))
    const g = p.grad(c.x0)
    closeTo(viaGrad(loss)(c.x0), g, c.L * 40)
  })

  test.prop([waveArb], { numRuns: NUM_RUNS })('waves: value and gradient', (c) => {
    const p = waveProblem(c)
    const loss = waveLoss(c)
    const f0 = p.f(c.x0)
    const scale = 1 + Math.abs(f0) + p.gradScale(c.x0) * 20
    expect(Math.abs(loss(t64(c.x0)).item() - f0)).toBeLessThanOrEqual(1e-12 * scale)
    closeTo(viaGrad(loss)(c.x0), p.grad(c.x0), p.gradScale(c.x0) + p.L * 20)
  })
})
