import { describe, expect, it } from 'vitest'
import {
  type DType,
  type ExtraArgs,
  type GradientTransformation,
  type PyTree,
  type Tensor,
  DescentError,
  applyUpdates,
  chain,
  identity,
  lbfgs,
  scale,
  scaleByLbfgs,
  scaleByLearningRate,
  scaleByZoomLinesearch,
  tensor,
  valueAndGradFromState,
} from '../../src/index'
import { expectTreesEqual, values } from '../_helpers/assertions'
import { parabola, rosenbrock } from '../_helpers/problems'
import { aliasSuite } from './_aliasSuite'

// Without a line search lbfgs needs no extra arguments, so the shared alias suite applies as is.
aliasSuite('lbfgs(lr, { linesearch: null })', [
  {
    label: 'default memory',
    alias: (lr) => lbfgs(lr, { linesearch: null }),
    reference: (lr) => chain(scaleByLbfgs(), scaleByLearningRate(lr), identity()),
  },
  {
    label: 'memorySize 2, scaleInitPrecond false',
    alias: (lr) => lbfgs(lr, { linesearch: null, memorySize: 2, scaleInitPrecond: false }),
    reference: (lr) =>
      chain(scaleByLbfgs({ memorySize: 2, scaleInitPrecond: false }), scaleByLearningRate(lr), identity()),
  },
])

/** The n-D Rosenbrock function Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² and its gradient, on float64 arrays. */
function rosenbrockNd(x: number[]): readonly [number, number[]] {
  let f = 0
  const g = x.map(() => 0)
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i]!
    const b = x[i + 1]!
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2
    g[i]! += -400 * a * (b - a * a) - 2 * (1 - a)
    g[i + 1]! += 200 * (b - a * a)
  }
  return [f, g]
}

const vg =
  (fn: (x: number[]) => readonly [number, number[]], dtype: DType) =>
  (p: PyTree): readonly [number, Tensor] => {
    const [f, g] = fn(values(p))
    return [f, tensor(g, dtype)]
  }

/** Runs an optimizer with extra args until ‖x − x*‖∞ ≤ tol; returns the number of iterations (or Infinity). */
function iterationsToConverge(
  opt: ReturnType<typeof lbfgs>,
  x0: Tensor,
  xStar: number[],
  valueAndGradFn: (p: PyTree) => readonly [number, Tensor],
  tol: number,
  maxIter = 100,
): number {
  let params = x0
  let state = opt.init(params)
  const fromState = valueAndGradFromState({ valueAndGradFn })
  for (let k = 0; k < maxIter; k++) {
    if (values(params).every((x, i) => Math.abs(x - xStar[i]!) <= tol)) return k
    const [value, grad] = fromState(params, state)
    const [u, next] = opt.update(grad, state, params, { value, grad, valueAndGradFn })
    params = applyUpdates(params, u)
    state = next
  }
  return Infinity
}

describe('lbfgs', () => {
  it('converges on Rosenbrock from [0, 0] to within 1e-6 in fewer than 100 iterations (float64)', () => {
    const p = rosenbrock('float64')
    const fn = (x: number[]) => [p.loss(tensor(x, 'float64')), values(p.grad(tensor(x, 'float64')))] as const
    const k = iterationsToConverge(lbfgs(), p.initialParams, [1, 1], vg(fn, 'float64'), 1e-6)
    expect(k).toBeLessThan(100)
  })

  it('converges on the 10-D Rosenbrock function to within 1e-6 in fewer than 100 iterations (float64)', () => {
    const x0 = tensor(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1)),
      'float64',
    )
    const k = iterationsToConverge(lbfgs(), x0, Array(10).fill(1), vg(rosenbrockNd, 'float64'), 1e-6)
    expect(k).toBeLessThan(100)
  })

  it.each(['float32', 'float64'] as const)('converges on the parabola (%s), keeping the dtype', (dtype) => {
    const p = parabola(dtype)
    const fn = (x: number[]) => [p.loss(tensor(x, dtype)), values(p.grad(tensor(x, dtype)))] as const
    const k = iterationsToConverge(
      lbfgs(),
      p.initialParams,
      [1, -1, 1],
      vg(fn, dtype),
      dtype === 'float64' ? 1e-9 : 1e-5,
    )
    expect(k).toBeLessThan(10)
    const opt = lbfgs()
    const [u] = opt.update(p.grad(p.initialParams), opt.init(p.initialParams), p.initialParams, {
      value: p.loss(p.initialParams),
      grad: p.grad(p.initialParams),
      valueAndGradFn: vg(fn, dtype),
    })
    expect((u as Tensor).dtype).toBe(dtype)
  })

  it('every step of lbfgs on Rosenbrock is a strong Wolfe step along a descent direction', () => {
    const p = rosenbrock('float64')
    const opt = lbfgs()
    let params = p.initialParams
    let state = opt.init(params)
    for (let k = 0; k < 15; k++) {
      const value = p.loss(params)
      const grad = p.grad(params)
      const [u, next] = opt.update(grad, state, params, {
        value,
        grad,
        valueAndGradFn: (q: PyTree) => [p.loss(q as Tensor), p.grad(q as Tensor)] as const,
      })
      const direction = values(u)
      const g0 = values(grad)
      const slope = direction.reduce((s, d, i) => s + d * g0[i]!, 0)
      if (slope === 0) break
      expect(slope).toBeLessThan(0)
      const nextParams = applyUpdates(params, u)
      const slopeNext = direction.reduce((s, d, i) => s + d * values(p.grad(nextParams))[i]!, 0)
      expect(p.loss(nextParams)).toBeLessThanOrEqual(value + 1e-4 * slope + 1e-12)
      expect(Math.abs(slopeNext)).toBeLessThanOrEqual(0.9 * Math.abs(slope) + 1e-12)
      params = nextParams
      state = next
    }
  })

  it('is bit-identical to chain(scaleByLbfgs, scale(−1), scaleByZoomLinesearch) with the same extra args', () => {
    const p = rosenbrock('float64')
    // Transforms of any state type (GradientTransformation is contravariant in its state).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const run = (opt: GradientTransformation<any>) => {
      let params = p.initialParams
      let state = opt.init(params)
      const out: unknown[] = []
      for (let k = 0; k < 8; k++) {
        const extra: ExtraArgs = {
          value: p.loss(params),
          grad: p.grad(params),
          valueAndGradFn: (q: PyTree) => [p.loss(q as Tensor), p.grad(q as Tensor)] as const,
          unknownExtraArg: 1,
        }
        const [u, next] = opt.update(p.grad(params), state, params, extra)
        params = applyUpdates(params, u)
        state = next
        out.push(u, state)
      }
      return out
    }
    expectTreesEqual(
      run(lbfgs()),
      run(
        chain(
          scaleByLbfgs(),
          scale(-1),
          scaleByZoomLinesearch({ maxLinesearchSteps: 20, initialGuessStrategy: 'one' }),
        ),
      ),
    )
    expectTreesEqual(
      run(lbfgs(0.5, { memorySize: 3 })),
      run(
        chain(
          scaleByLbfgs({ memorySize: 3 }),
          scaleByLearningRate(0.5),
          scaleByZoomLinesearch({ maxLinesearchSteps: 20, initialGuessStrategy: 'one' }),
        ),
      ),
    )
  })

  it('errors name what to pass when params, value or valueFn are missing', () => {
    const opt = lbfgs()
    const p = tensor([1, 2], 'float64')
    const s = opt.init(p)
    expect(() => opt.update(p, s)).toThrow(DescentError)
    expect(() => opt.update(p, s)).toThrow(/needs the params/)
    expect(() => opt.update(p, s, p)).toThrow(
      /needs the loss at params: call update\(updates, state, params, \{ value, grad, valueFn \}\)/,
    )
    expect(() => opt.update(p, s, p, { value: 5, grad: p })).toThrow(/needs the loss as a function of params/)
  })
})
