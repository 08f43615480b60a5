import { describe, expect, it } from 'vitest'
import {
  type DType,
  type GradientTransformation,
  type Tensor,
  adagrad,
  adam,
  adamw,
  amsgrad,
  applyUpdates,
  nadam,
  nadamw,
  rmsprop,
  sgd,
  tensor,
  tree,
} from '../../src/index'
import { type Problem, leastSquares, parabola, rosenbrock } from '../_helpers/problems'
import { toPlain } from '../_helpers/assertions'

/**
 * optax's `alias_test.py` `test_optimization` protocol: each optimizer, at the learning rate optax uses for it, runs
 * 10 000 steps on the parabola ([−1, 10, 1] → [1, −1, 1]) and on the Rosenbrock function (a = 1, b = 100,
 * [0, 0] → [1, 1]) in float32 and must end within rtol = atol = 3e-2 of the minimiser (chex.assert_trees_all_close).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const OPTIMIZERS_UNDER_TEST: readonly { readonly name: string; readonly make: () => GradientTransformation<any> }[] = [
  { name: 'sgd(1e-3, { momentum: 0.9 })', make: () => sgd(1e-3, { momentum: 0.9 }) },
  { name: 'sgd(1e-3, { momentum: 0.9, nesterov: true })', make: () => sgd(1e-3, { momentum: 0.9, nesterov: true }) },
  { name: 'adagrad(1.0)', make: () => adagrad(1.0) },
  { name: 'adam(1e-1)', make: () => adam(1e-1) },
  { name: 'adamw(1e-1)', make: () => adamw(1e-1) },
  { name: 'amsgrad(1e-1)', make: () => amsgrad(1e-1) },
  { name: 'nadam(1e-2)', make: () => nadam(1e-2) },
  { name: 'nadamw(1e-2)', make: () => nadamw(1e-2) },
  { name: 'rmsprop(5e-3)', make: () => rmsprop(5e-3) },
  { name: 'rmsprop(5e-3, { momentum: 0.9 })', make: () => rmsprop(5e-3, { momentum: 0.9 }) },
]

const TARGETS: readonly { readonly name: string; readonly setup: (dtype: DType) => Problem }[] = [
  { name: 'parabola', setup: parabola },
  { name: 'rosenbrock', setup: rosenbrock },
]

const STEPS = 10_000
const TOLERANCE = { rtol: 3e-2, atol: 3e-2 }

function optimize(opt: GradientTransformation<unknown>, problem: Problem): Tensor {
  let params = problem.initialParams
  let state = opt.init(params)
  for (let i = 0; i < STEPS; i++) {
    const [updates, next] = opt.update(problem.grad(params), state, params)
    params = applyUpdates(params, updates)
    state = next
  }
  return params
}

describe.each(OPTIMIZERS_UNDER_TEST)('$name', ({ make }) => {
  it.each(TARGETS)('converges on the $name in float32 (optax alias_test protocol)', ({ setup }) => {
    const problem = setup('float32')
    const params = optimize(make(), problem)
    expect(params.dtype).toBe('float32')
    if (!tree.allClose(params, problem.finalParams, TOLERANCE)) {
      expect(toPlain(params)).toEqual(toPlain(problem.finalParams))
    }
    expect(tree.allClose(params, problem.finalParams, TOLERANCE)).toBe(true)
  })
})

describe('test problems (test/_helpers/problems.ts)', () => {
  const problems = [parabola('float64'), rosenbrock('float64'), leastSquares({ seed: 3 })]

  it.each(problems)('$name: hand-written gradient matches central finite differences in float64', (p) => {
    const x = tensor(Array.from(p.initialParams.data, (v, i) => v + 0.3 + 0.1 * i), 'float64')
    const g = p.grad(x).data
    const h = 1e-6
    x.data.forEach((_, i) => {
      const shifted = (d: number) => tensor(Array.from(x.data, (v, j) => (j === i ? v + d : v)), 'float64')
      const fd = (p.loss(shifted(h)) - p.loss(shifted(-h))) / (2 * h)
      expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(fd)))
    })
  })

  it.each(problems)('$name: zero gradient and zero loss at the minimiser', (p) => {
    expect(p.loss(p.finalParams)).toBeLessThan(1e-20)
    expect(tree.norm(p.grad(p.finalParams))).toBeLessThan(1e-10)
  })

  it('gradients come back in the params dtype', () => {
    expect(parabola().grad(parabola().initialParams).dtype).toBe('float32')
    expect(rosenbrock().grad(rosenbrock().initialParams).dtype).toBe('float32')
    const ls = leastSquares({ dtype: 'float32' })
    expect(ls.grad(ls.initialParams).dtype).toBe('float32')
  })

  it('leastSquares: the Hessian AᵀA has eigenvalues in [1/κ, 1] with both ends attained (power iteration)', () => {
    const p = leastSquares({ n: 6, m: 9, conditionNumber: 100, seed: 7 })
    // H·v = ∇f(x* + v) − ∇f(x*) = ∇f(x* + v) for a quadratic with ∇f(x*) = 0.
    const hv = (v: Float64Array) => {
      const x = tensor(Array.from(p.finalParams.data, (xi, i) => xi + v[i]!), 'float64')
      return Float64Array.from(p.grad(x).data)
    }
    const power = (apply: (v: Float64Array) => Float64Array) => {
      let v = Float64Array.from({ length: 6 }, (_, i) => 1 + 0.1 * i)
      let lambda = 0
      for (let k = 0; k < 3000; k++) {
        const w = apply(v)
        const nrm = Math.hypot(...w)
        lambda = w.reduce((s, wi, i) => s + wi * v[i]!, 0) / v.reduce((s, vi) => s + vi * vi, 0)
        v = w.map((wi) => wi / nrm)
      }
      return lambda
    }
    const lmax = power(hv)
    const lmin = lmax - power((v) => { const h = hv(v); return v.map((vi, i) => lmax * vi - h[i]!) })
    expect(lmax).toBeCloseTo(p.lipschitz, 6)
    expect(lmin).toBeCloseTo(p.mu, 6)
  })
})
