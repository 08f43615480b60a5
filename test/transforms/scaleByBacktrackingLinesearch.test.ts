import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  type ExtraArgs,
  type PyTree,
  type Tensor,
  DescentError,
  HyperparameterError,
  applyUpdates,
  chain,
  ops,
  scale,
  scaleByBacktrackingLinesearch,
  scaleByZoomLinesearch,
  square,
  tensor,
  valueAndGradFromState,
} from '../../src/index'
import { expectInputsUnchanged, values } from '../_helpers/assertions'

const t64 = (xs: number[]) => tensor(xs, 'float64')
const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0)

/** f(x) = ½ Σ aᵢ xᵢ², ∇f = a ⊙ x. */
const diagQuadratic = (a: number[]) => ({
  f: (x: number[]) => 0.5 * x.reduce((s, xi, i) => s + a[i]! * xi * xi, 0),
  g: (x: number[]) => x.map((xi, i) => a[i]! * xi),
})

type Options = Parameters<typeof scaleByBacktrackingLinesearch>[0]

/** One search from x along u with f on plain arrays; returns η, the state and the step sizes tried. */
function search(
  f: (x: number[]) => number,
  g: (x: number[]) => number[],
  x: number[],
  u: number[],
  options: Options,
  learningRate?: number,
) {
  const tx = scaleByBacktrackingLinesearch(options)
  const params = t64(x)
  const tried: number[] = []
  const extra: ExtraArgs = {
    value: f(x),
    grad: t64(g(x)),
    valueAndGradFn: (p: PyTree) => {
      const v = values(p)
      // The trial point is x + η·u; recover η from a coordinate where u ≠ 0.
      const i = u.findIndex((ui) => ui !== 0)
      tried.push((v[i]! - x[i]!) / u[i]!)
      return [f(v), t64(g(v))] as const
    },
  }
  const init = tx.init(params)
  const state0 = learningRate === undefined ? init : { ...init, learningRate }
  const [out, state] = tx.update(t64(u), state0, params, extra)
  const eta = state.learningRate
  expect(values(out)).toEqual(u.map((ui) => eta * ui))
  return { eta, state, tried }
}

const square1 = { f: ([x = 0]: number[]) => x * x, g: ([x = 0]: number[]) => [2 * x] }

describe('scaleByBacktrackingLinesearch', () => {
  it('halves η from 1 until the Armijo condition holds (hand-derived on x²)', () => {
    // f(x) = x² from x = 1 along u = −8: f(1) = 1, slope s = ⟨u, f'(1)⟩ = −16. The condition is
    // (1 − 8η)² ≤ 1 − 1e-4·16·η: η = 1 → 49, η = 1/2 → 9, η = 1/4 → 1 > 0.9996, η = 1/8 → 0 ✓.
    const { eta, state, tried } = search(square1.f, square1.g, [1], [-8], {
      maxBacktrackingSteps: 10,
      decreaseFactor: 0.5,
    })
    expect(tried).toEqual([1, 0.5, 0.25, 0.125])
    expect(eta).toBe(0.125)
    expect(state.value).toBe(0)
    expect(state.grad).toBeNull()
    expect(state.info).toEqual({ numLinesearchSteps: 4, decreaseError: 0 })
  })

  it('with the default decreaseFactor 0.8 accepts 0.8⁷ on the same problem', () => {
    // (1 − 8·0.8^k)² for k = 0..7: 49, 29.16, 16.97, 9.585, 5.18, 2.629, 1.2037 (> 1 − 1e-4·16·0.262), 0.4593 ✓.
    const { eta, state } = search(square1.f, square1.g, [1], [-8], 20)
    expect(eta).toBeCloseTo(0.8 ** 7, 15)
    expect(state.info.numLinesearchSteps).toBe(8)
    expect(state.value).toBeCloseTo((1 - 8 * 0.8 ** 7) ** 2, 12)
  })

  it('after maxBacktrackingSteps reductions takes the last step and reports the violation', () => {
    // Steps 1, 1/2, 1/4 all fail; at η = 1/4: f = 1, error = 1 − 1 − 1e-4·(1/4)·(−16) = 4e-4.
    const { eta, state, tried } = search(square1.f, square1.g, [1], [-8], {
      maxBacktrackingSteps: 2,
      decreaseFactor: 0.5,
    })
    expect(tried).toEqual([1, 0.5, 0.25])
    expect(eta).toBe(0.25)
    expect(state.info.numLinesearchSteps).toBe(3)
    expect(state.info.decreaseError).toBeCloseTo(4e-4, 15)
  })

  it('atol and rtol loosen the condition', () => {
    // At η = 1/4 the error is 4e-4 (above): atol = 1e-3 accepts it; so does rtol = 1e-3 (δ·f(θ) = 1e-3).
    const opts = { maxBacktrackingSteps: 10, decreaseFactor: 0.5 }
    expect(search(square1.f, square1.g, [1], [-8], { ...opts, atol: 1e-3 }).eta).toBe(0.25)
    const r = search(square1.f, square1.g, [1], [-8], { ...opts, rtol: 1e-3 })
    expect(r.eta).toBe(0.25)
    expect(r.state.info.decreaseError).toBe(0)
  })

  it('starts from min(increaseFactor·η_prev, maxLearningRate)', () => {
    // Along u = −2 from 1 every η ≤ 1 with (1 − 2η)² ≤ 1 − 4e-4·η is accepted at once.
    const s = (o: Options, lr: number) => search(square1.f, square1.g, [1], [-2], o, lr).tried[0]
    expect(s(10, 0.25)).toBe(0.375)
    expect(s({ maxBacktrackingSteps: 10, increaseFactor: 1 }, 0.25)).toBe(0.25)
    expect(s({ maxBacktrackingSteps: 10, maxLearningRate: 0.3 }, 0.25)).toBe(0.3)
    expect(s({ maxBacktrackingSteps: 10, increaseFactor: Infinity, maxLearningRate: 0.9 }, 0.25)).toBe(0.9)
  })

  it('takes no step when the loss is never finite, and restarts from maxLearningRate afterwards', () => {
    const tx = scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 3, maxLearningRate: 2 })
    const params = t64([1])
    const extra: ExtraArgs = { value: 1, grad: t64([2]), valueAndGradFn: () => [NaN, t64([NaN])] as const }
    const [out, state] = tx.update(t64([-2]), tx.init(params), params, extra)
    expect(values(out)).toEqual([-0])
    expect(state.learningRate).toBe(0)
    expect(state.info).toEqual({ numLinesearchSteps: 4, decreaseError: Infinity })
    const tried: number[] = []
    const fine: ExtraArgs = {
      value: 1,
      grad: t64([2]),
      valueAndGradFn: (p: PyTree) => {
        const x = values(p)[0]!
        tried.push((x - 1) / -2)
        return [x * x, t64([2 * x])] as const
      },
    }
    tx.update(t64([-2]), state, params, fine)
    expect(tried[0]).toBe(2)
  })

  test.prop([
    fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 2, maxLength: 2 }),
    fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
    fc.double({ min: 0.1, max: 0.9, noNaN: true }),
    fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
  ])(
    'on random 2-D quadratics along −∇f, the accepted step is the first of η₀·βᵏ satisfying Armijo',
    (a, x, beta, c) => {
      const { f, g } = diagQuadratic(a)
      const gx = g(x)
      const u = gx.map((v) => -v)
      fc.pre(dot(u, u) > 1e-8)
      const { eta, state } = search(f, g, x, u, {
        maxBacktrackingSteps: 100,
        decreaseFactor: beta,
        slopeRtol: c,
        maxLearningRate: 5,
      })
      const s = dot(u, gx)
      const armijo = (e: number) => f(x.map((xi, i) => xi + e * u[i]!)) <= f(x) + c * e * s
      // The first guess is min(1.5·1, 5); the first of 1.5, 1.5β, 1.5β², … that satisfies Armijo is taken.
      let expected = 1.5
      let k = 0
      while (!armijo(expected)) {
        expected *= beta
        k++
      }
      expect(eta).toBe(expected)
      expect(state.info).toEqual({ numLinesearchSteps: k + 1, decreaseError: 0 })
      expect(f(x.map((xi, i) => xi + eta * u[i]!))).toBeLessThan(f(x))
    },
  )

  it('chain(−∇f, linesearch) with storeGrad and valueAndGradFromState converges on a quadratic', () => {
    const valueFn = (x: Tensor) => ops.sum(ops.mul(t64([1, 10]), square(ops.sub(x, t64([3, -1])))))
    const tx = chain(scale(-1), scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 30, storeGrad: true }))
    const valueAndGrad = valueAndGradFromState({ valueFn })
    let params = t64([0, 0])
    let state = tx.init(params)
    for (let i = 0; i < 200; i++) {
      const [value, grad] = valueAndGrad(params, state)
      const [u, next] = tx.update(grad, state, params, { value, grad, valueFn })
      // Sufficient decrease means the loss never goes up.
      expect(next[1].value).toBeLessThanOrEqual(value)
      params = applyUpdates(params, u)
      state = next
    }
    const [x0, x1] = values(params)
    expect(Math.abs(x0! - 3)).toBeLessThan(1e-8)
    expect(Math.abs(x1! + 1)).toBeLessThan(1e-8)
    // The stored gradient is the gradient at the new params: 2·a ⊙ (x − c).
    const g = values(state[1].grad as Tensor)
    expect(Math.abs(g[0]! - 2 * (x0! - 3))).toBeLessThan(1e-12)
  })

  it('without storeGrad, valueAndGradFromState recomputes the gradient (state.grad is null)', () => {
    const valueFn = (x: Tensor) => ops.sum(square(x))
    const tx = chain(scale(-1), scaleByBacktrackingLinesearch(10))
    const params = t64([1, 2])
    const grad = t64([2, 4])
    const [, state] = tx.update(grad, tx.init(params), params, { value: 5, grad, valueFn })
    expect(state[1].grad).toBeNull()
    const [v, g] = valueAndGradFromState({ valueFn })(t64([0.5, 1]), state)
    expect(v).toBe(1.25)
    expect(values(g)).toEqual([1, 2])
  })

  it('does not modify its inputs', () => {
    const tx = scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 5, storeGrad: true })
    const params = t64([1, -1])
    const u = t64([-2, 2])
    const g = t64([2, -2])
    const state = tx.init(params)
    const extra: ExtraArgs = {
      value: 2,
      grad: g,
      valueAndGradFn: (p: PyTree) => {
        const v = values(p)
        return [dot(v, v), t64(v.map((x) => 2 * x))] as const
      },
    }
    const [out] = expectInputsUnchanged(() => tx.update(u, state, params, extra), u, state, params, g)
    // η = 1 lands on (−1, 1) (no decrease); η = 0.8 on (−0.6, 0.6).
    expect(values(out)).toEqual([-1.6, 1.6])
  })

  it.each<[string, Options]>([
    ['maxBacktrackingSteps', -1],
    ['maxBacktrackingSteps', 1.5],
    ['maxBacktrackingSteps', { maxBacktrackingSteps: NaN }],
    ['slopeRtol', { maxBacktrackingSteps: 5, slopeRtol: 0 }],
    ['slopeRtol', { maxBacktrackingSteps: 5, slopeRtol: 1 }],
    ['decreaseFactor', { maxBacktrackingSteps: 5, decreaseFactor: 1 }],
    ['decreaseFactor', { maxBacktrackingSteps: 5, decreaseFactor: 0 }],
    ['increaseFactor', { maxBacktrackingSteps: 5, increaseFactor: 0.5 }],
    ['maxLearningRate', { maxBacktrackingSteps: 5, maxLearningRate: 0 }],
    ['maxLearningRate', { maxBacktrackingSteps: 5, maxLearningRate: Infinity }],
    ['atol', { maxBacktrackingSteps: 5, atol: -1 }],
    ['rtol', { maxBacktrackingSteps: 5, rtol: NaN }],
    ['storeGrad', { maxBacktrackingSteps: 5, storeGrad: 1 as unknown as boolean }],
  ])('rejects %s out of range at construction (%j)', (name, options) => {
    expect(() => scaleByBacktrackingLinesearch(options)).toThrow(HyperparameterError)
    expect(() => scaleByBacktrackingLinesearch(options)).toThrow(new RegExp(name))
  })

  it('refuses a wrong state, missing params and missing extra arguments', () => {
    const tx = scaleByBacktrackingLinesearch(5)
    const params = t64([1])
    const extra: ExtraArgs = { value: 1, grad: t64([2]), valueAndGradFn: (p: PyTree) => [0, p] as const }
    const zoom = scaleByZoomLinesearch(5)
    const zoomState = zoom.init(params) as unknown as ReturnType<typeof tx.init>
    expect(() => tx.update(t64([-2]), zoomState, params, extra)).toThrow(DescentError)
    const withGrad = scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 5, storeGrad: true })
    expect(() => withGrad.update(t64([-2]), tx.init(params), params, extra)).toThrow(/state\.grad/)
    expect(() => tx.update(t64([-2]), withGrad.init(params), params, extra)).toThrow(/state\.grad/)
    expect(() => tx.update(t64([-2, 1]), tx.init(params), params, extra)).toThrow(DescentError)
    expect(() => tx.update(t64([-2]), tx.init(params), undefined, extra)).toThrow(/needs the params/)
    expect(() => tx.update(t64([-2]), tx.init(params), params, { grad: t64([2]) })).toThrow(/needs the loss/)
    expect(() => tx.update(t64([-2]), tx.init(params), params, { value: 1, grad: t64([2]) })).toThrow(/valueFn/)
  })
})
