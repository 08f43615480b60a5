import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  type ExtraArgs,
  type PyTree,
  type Tensor,
  DescentError,
  HyperparameterError,
  ops,
  scaleByZoomLinesearch,
  square,
  tensor,
} from '../../src/index'
import { expectInputsUnchanged, values } from '../_helpers/assertions'

const t64 = (xs: number[]) => tensor(xs, 'float64')
const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0)

/** A problem on plain arrays: value and gradient. */
interface Fn {
  readonly f: (x: number[]) => number
  readonly g: (x: number[]) => number[]
}

const quadratic = (A: number[][], b: number[]): Fn => ({
  f: (x) =>
    0.5 *
      dot(
        x,
        A.map((r) => dot(r, x)),
      ) -
    dot(b, x),
  g: (x) => A.map((r, i) => dot(r, x) - b[i]!),
})
const rosen: Fn = {
  f: ([x = 0, y = 0]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  g: ([x = 0, y = 0]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
}

/** One line search from x along u (a descent direction) with the zoom transform; returns η, info and the trials. */
function search(fn: Fn, x: number[], u: number[], options: Parameters<typeof scaleByZoomLinesearch>[0]) {
  const tx = scaleByZoomLinesearch(options)
  const params = t64(x)
  const trials: number[][] = []
  const extra: ExtraArgs = {
    value: fn.f(x),
    grad: t64(fn.g(x)),
    valueAndGradFn: (p: PyTree) => {
      const v = values(p)
      trials.push(v)
      return [fn.f(v), t64(fn.g(v))] as const
    },
  }
  const [out, state] = tx.update(t64(u), tx.init(params), params, extra)
  const eta = state.learningRate
  expect(values(out)).toEqual(u.map((ui) => eta * ui))
  return { eta, state, trials }
}

/** The strong Wolfe conditions, computed independently: [sufficient decrease, curvature] (with Hager–Zhang's test). */
function wolfe(fn: Fn, x: number[], u: number[], eta: number, c1 = 1e-4, c2 = 0.9, c3: number | null = 1e-6) {
  const xe = x.map((xi, i) => xi + eta * u[i]!)
  const f0 = fn.f(x)
  const d0 = dot(fn.g(x), u)
  const fe = fn.f(xe)
  const de = dot(fn.g(xe), u)
  const slack = 1e-12 * (Math.abs(f0) + Math.abs(d0) + 1)
  const armijo = fe <= f0 + c1 * eta * d0 + slack
  const approx = c3 !== null && fe <= f0 + c3 * Math.abs(f0) + slack && de <= (2 * c1 - 1) * d0 + slack
  const curvature = Math.abs(de) <= c2 * Math.abs(d0) + slack
  return { decrease: armijo || approx, armijo, curvature }
}

const vec = (n: number) => fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n })

describe('scaleByZoomLinesearch', () => {
  test.prop([
    fc
      .integer({ min: 1, max: 4 })
      .chain((n) => fc.tuple(fc.constant(n), fc.array(vec(n), { minLength: n, maxLength: n }), vec(n), vec(n))),
  ])(
    'on random convex quadratics, along −∇f, the accepted step satisfies the strong Wolfe conditions',
    ([n, m, b, x]) => {
      // A = MᵀM + I/2 is symmetric positive definite.
      const A = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => m.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? 0.5 : 0)),
      )
      const fn = quadratic(A, b)
      const u = fn.g(x).map((v) => -v)
      fc.pre(dot(u, u) > 1e-12)
      const { eta, state } = search(fn, x, u, { maxLinesearchSteps: 30 })
      expect(state.info.decreaseError).toBe(0)
      expect(state.info.curvatureError).toBe(0)
      expect(eta).toBeGreaterThan(0)
      const w = wolfe(fn, x, u, eta)
      expect(w.decrease).toBe(true)
      expect(w.curvature).toBe(true)
    },
  )

  test.prop([vec(2), fc.constantFrom<'keep' | 'one'>('keep', 'one'), fc.constantFrom(1e-6, null)])(
    'from random Rosenbrock starts, every accepted step satisfies the strong Wolfe conditions',
    (x, initialGuessStrategy, approxDecRtol) => {
      const u = rosen.g(x).map((v) => -v)
      fc.pre(dot(u, u) > 1e-12)
      const { eta, state } = search(rosen, x, u, { maxLinesearchSteps: 40, initialGuessStrategy, approxDecRtol })
      const w = wolfe(rosen, x, u, eta, 1e-4, 0.9, approxDecRtol)
      // A step is always made with at least sufficient decrease; when info reports success both conditions hold.
      expect(eta).toBeGreaterThan(0)
      expect(w.decrease).toBe(true)
      if (approxDecRtol === null) expect(w.armijo).toBe(true)
      if (state.info.decreaseError === 0 && state.info.curvatureError === 0) expect(w.curvature).toBe(true)
      expect(rosen.f(x.map((xi, i) => xi + eta * u[i]!))).toBeLessThanOrEqual(rosen.f(x))
    },
  )

  it('brackets, then finds the exact minimiser of a 1-D quadratic by interpolation', () => {
    // f(x) = (x − 3)² from 0 along u = 1: φ(η) = (η − 3)², φ'(0) = −6; with c₂ = 0.1 the curvature test needs
    // |φ'(η)| ≤ 0.6. η = 1 (guess): φ' = −4, decreasing, no bracket; η = 2: φ' = −2, φ = 1 < φ(1); η = 4: φ = 1 ≥ φ(2),
    // so the bracket is [low 2, high 4]. The cubic is degenerate (its third point is low), the quadratic through
    // φ(2) = 1, φ'(2) = −2, φ(4) = 1 has its minimum at 3 = 2 + 2/2, inside [2.2, 3.8]: η = 3, φ' = 0.
    const fn: Fn = { f: ([x = 0]) => (x - 3) ** 2, g: ([x = 0]) => [2 * (x - 3)] }
    const { eta, trials, state } = search(fn, [0], [1], { maxLinesearchSteps: 10, curvRtol: 0.1 })
    expect(trials.map((t) => t[0])).toEqual([1, 2, 4, 3])
    expect(eta).toBe(3)
    expect(state.value).toBe(0)
    expect(values(state.grad)).toEqual([0])
    expect(state.info).toEqual({ numLinesearchSteps: 4, decreaseError: 0, curvatureError: 0 })
  })

  it("initialGuessStrategy 'keep' starts from the previous step size, 'one' from 1", () => {
    const fn: Fn = { f: ([x = 0]) => 2 * x * x, g: ([x = 0]) => [4 * x] }
    const run = (initialGuessStrategy: 'keep' | 'one') => {
      const tx = scaleByZoomLinesearch({ maxLinesearchSteps: 10, initialGuessStrategy })
      const params = t64([1])
      const trials: number[] = []
      const extra: ExtraArgs = {
        value: 2,
        grad: t64([4]),
        valueAndGradFn: (p: PyTree) => {
          trials.push(values(p)[0]!)
          return [fn.f(values(p)), t64(fn.g(values(p)))] as const
        },
      }
      const state = { ...tx.init(params), learningRate: 0.125 }
      tx.update(t64([-1]), state, params, extra)
      return trials[0]
    }
    expect(run('keep')).toBe(1 - 0.125)
    expect(run('one')).toBe(0)
  })

  it('maxLearningRate caps the step (curvature then reported as not satisfied)', () => {
    const fn: Fn = { f: ([x = 0]) => (x - 100) ** 2, g: ([x = 0]) => [2 * (x - 100)] }
    const { eta, state } = search(fn, [0], [1], { maxLinesearchSteps: 20, maxLearningRate: 5 })
    expect(eta).toBe(5)
    expect(state.info.decreaseError).toBe(0)
    expect(state.info.curvatureError).toBeGreaterThan(0)
  })

  it('takes no step when the loss is never finite along the direction', () => {
    const fn: Fn = { f: ([x = 0]) => (x > 0 ? NaN : x * x + 1), g: ([x = 0]) => [x > 0 ? NaN : 2 * x - 1] }
    const { eta, state } = search(fn, [0], [1], { maxLinesearchSteps: 5 })
    expect(eta).toBe(0)
    expect(state.info.decreaseError).toBe(Infinity)
  })

  it('differentiates valueFn with valueAndGrad, giving the same steps as a hand-written valueAndGradFn', () => {
    const valueFn = (p: Tensor) => ops.sum(square(ops.sub(p, t64([1, -2]))))
    const tx = scaleByZoomLinesearch({ maxLinesearchSteps: 15 })
    const params = t64([3, 4])
    const grad = t64([4, 12])
    const a = tx.update(t64([-4, -12]), tx.init(params), params, { value: 40, grad, valueFn })
    const b = tx.update(t64([-4, -12]), tx.init(params), params, {
      value: 40,
      grad,
      valueAndGradFn: (p: PyTree) => {
        const [x = 0, y = 0] = values(p)
        return [(x - 1) ** 2 + (y + 2) ** 2, t64([2 * (x - 1), 2 * (y + 2)])] as const
      },
    })
    expect(values(a[0])).toEqual(values(b[0]))
    expect(a[1].learningRate).toBe(0.5) // the exact minimiser along −∇f of ‖x − c‖²
  })

  it('never modifies its inputs; float32 params give float32 updates', () => {
    const tx = scaleByZoomLinesearch(10)
    const params = tensor([1, 2])
    const g = tensor([2, 4])
    const state = tx.init(params)
    const extra: ExtraArgs = {
      value: 5,
      grad: g,
      valueAndGradFn: (p: PyTree) => [values(p).reduce((s, x) => s + x * x, 0), ops.mul(2, p as Tensor)] as const,
    }
    const u = tensor([-2, -4])
    const [out] = expectInputsUnchanged(() => tx.update(u, state, params, extra), u, state, params, g)
    expect((out as Tensor).dtype).toBe('float32')
  })

  it('errors name what to pass when params, value, grad or valueFn are missing', () => {
    const tx = scaleByZoomLinesearch({ maxLinesearchSteps: 5 })
    const p = t64([1])
    const s = tx.init(p)
    const valueFn = (x: Tensor) => ops.sum(square(x))
    expect(() => tx.update(t64([1]), s, undefined, { value: 1, grad: p, valueFn })).toThrow(
      /scaleByZoomLinesearch needs the params/,
    )
    expect(() => tx.update(t64([1]), s, p)).toThrow(DescentError)
    expect(() => tx.update(t64([1]), s, p, { grad: p, valueFn })).toThrow(
      /needs the loss at params: call update\(updates, state, params, \{ value, grad, valueFn \}\)/,
    )
    expect(() => tx.update(t64([1]), s, p, { value: 1, valueFn })).toThrow(/needs the gradient of the loss at params/)
    expect(() => tx.update(t64([1]), s, p, { value: 1, grad: p })).toThrow(/needs the loss as a function of params/)
    expect(() => tx.update(t64([-1]), s, p, { value: 1, grad: p, valueFn: () => 1 })).toThrow(
      // grad's detachedLoss check (issue 9) now catches the plain-number loss before the line search's own check.
      /detachedLoss: the loss does not depend on args\[0\] at all/,
    )
  })

  it('validates its options at construction', () => {
    expect(() => scaleByZoomLinesearch({ maxLinesearchSteps: 0 })).toThrow(HyperparameterError)
    expect(() => scaleByZoomLinesearch(0)).toThrow(
      'scaleByZoomLinesearch maxLinesearchSteps must be in [1, Infinity); got 0',
    )
    expect(() => scaleByZoomLinesearch({ maxLinesearchSteps: 5, slopeRtol: 1 })).toThrow(
      /options.slopeRtol must be in \(0, 1\)/,
    )
    expect(() => scaleByZoomLinesearch({ maxLinesearchSteps: 5, increaseFactor: 1 })).toThrow(/increaseFactor/)
    expect(() => scaleByZoomLinesearch({ maxLinesearchSteps: 5, maxLearningRate: 0 })).toThrow(/maxLearningRate/)
    expect(() =>
      scaleByZoomLinesearch({ maxLinesearchSteps: 5, initialGuessStrategy: 'two' as unknown as 'one' }),
    ).toThrow("scaleByZoomLinesearch options.initialGuessStrategy must be 'keep' or 'one'; got two")
  })
})
