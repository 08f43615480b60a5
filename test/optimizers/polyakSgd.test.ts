import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type ExtraArgs,
  type GradientTransformation,
  type PolyakSgdState,
  type PyTree,
  DescentError,
  HyperparameterError,
  applyUpdates,
  chain,
  identity,
  polyakSgd,
  scaleByLearningRate,
  scaleByPolyak,
  tensor,
  tree,
} from '../../src/index'
import { expectTreesEqual, values } from '../_helpers/assertions'
import { type Problem, parabola, rosenbrock } from '../_helpers/problems'
import { type AnyTransformation, aliasSuite, makeParams, trajectory } from './_aliasSuite'

/**
 * The shared alias suite calls `update` without a loss; polyakSgd needs one. This adapter supplies
 * `value = Σθ²` (a function of the params only) and keeps any other extra argument, so the suite's checks
 * (bit-identity, dtype, state structure, unknown extra args ignored, purity) apply unchanged to both sides.
 */
const withLoss = (tx: AnyTransformation): AnyTransformation => ({
  init: (params) => tx.init(params),
  update: <P extends PyTree>(updates: P, state: unknown, params?: P, extra?: ExtraArgs) =>
    tx.update(updates, state, params, { ...extra, value: params === undefined ? 1 : tree.vdot(params, params) }),
})

aliasSuite('polyakSgd', [
  {
    label: 'sps (scaling = learning rate)',
    alias: (lr) => withLoss(polyakSgd({ scaling: lr })),
    reference: (lr) => withLoss(chain(chain(identity(), scaleByLearningRate(lr)), scaleByPolyak())),
  },
  {
    label: 'sps+, fMin 0.5, maxLearningRate 5, eps 1e-3',
    alias: (lr) => withLoss(polyakSgd({ scaling: lr, variant: 'sps+', fMin: 0.5, maxLearningRate: 5, eps: 1e-3 })),
    reference: (lr) =>
      withLoss(
        chain(
          chain(identity(), scaleByLearningRate(lr)),
          scaleByPolyak({ variant: 'sps+', fMin: 0.5, maxLearningRate: 5, eps: 1e-3 }),
        ),
      ),
  },
])

/** optax alias_test's loop for polyak_sgd: `update(grads, state, params, value=objective(params))`. */
function optimize(opt: AnyTransformation, problem: Problem, steps = 10_000) {
  let params = problem.initialParams
  let state = opt.init(params)
  for (let i = 0; i < steps; i++) {
    const [updates, next] = opt.update(problem.grad(params), state, params, { value: problem.loss(params) })
    params = applyUpdates(params, updates)
    state = next
  }
  return params
}

describe('polyakSgd', () => {
  it("reproduces optax's docstring example: Σx² from [1, 2, 3] is divided by 4 at each step", () => {
    // ∇f = 2x, ‖∇f‖² = 4f, step = f/(4f) = ¼ → x ← x − ¼·2x = x/2 and f ← f/4 (exact in float32).
    const f = (x: PyTree) => tree.vdot(x, x)
    const opt = polyakSgd()
    let params = tensor([1, 2, 3])
    let state = opt.init(params)
    const losses = [f(params)]
    for (let i = 0; i < 5; i++) {
      const [u, s] = opt.update(tree.scale(2, params), state, params, { value: f(params) })
      params = applyUpdates(params, u)
      state = s
      losses.push(f(params))
    }
    expect(losses).toEqual([14, 3.5, 0.875, 0.21875, 0.0546875, 0.013671875])
  })

  it('bit-identical to the hand-written chain given the same extra args (several steps, float32 and float64)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const extra = { value: 3.25, unexpectedExtraArg: 'x' }
      const a = trajectory(polyakSgd({ maxLearningRate: 0.1, fMin: -1 }), makeParams(dtype), 6, extra)
      const b = trajectory(
        chain(chain(identity(), scaleByLearningRate(1)), scaleByPolyak({ maxLearningRate: 0.1, fMin: -1 })),
        makeParams(dtype),
        6,
        extra,
      )
      expectTreesEqual(a, b)
    }
  })

  it('computes the step from the already scaled updates, as optax does (scaling ≠ 1, by hand)', () => {
    // scaling s = 0.5, g = [3, 4], value 12.5, maxLearningRate 10: sgd gives u₁ = −0.5·g = [−1.5, −2],
    // ‖u₁‖² = 6.25, step = min(12.5/6.25, 10) = 2, u = 2·u₁ = [−3, −4]. (optax's docstring formula
    // s·min(gap/‖g‖², γ) would give 0.5·0.5·g = [−0.75, −1]; optax's code, followed here, gives [−3, −4].)
    const opt = polyakSgd({ scaling: 0.5, maxLearningRate: 10 })
    const [u, state] = opt.update([3, 4], opt.init([0, 0]), [0, 0], { value: 12.5 })
    expect(u).toEqual([-3, -4])
    expect(state).toEqual([[{}, {}], {}])
  })

  it('evaluates a scaling schedule at the pre-increment count (two steps, by hand)', () => {
    // s(c) = 1/(1 + c). Step 1 (c = 0): s = 1, g = [1], value 0.25 → step 0.25/1 → u = −0.25.
    // Step 2 (c = 1): s = ½, g = [1], value 0.25 → ‖u₁‖² = ¼ → step min(1, 1) = 1 → u = −0.5.
    const opt = polyakSgd({ scaling: (c) => 1 / (1 + c) })
    const [u1, s1] = opt.update([1], opt.init([0]), [0], { value: 0.25 })
    const [u2, s2] = opt.update([1], s1, [0], { value: 0.25 })
    expect([u1, u2]).toEqual([[-0.25], [-0.5]])
    expect(s2[0][1]).toEqual({ count: 2 })
  })

  it("'sps+' makes no step when the loss is below fMin; 'sps' steps uphill", () => {
    // g = [2], value 0, fMin 1: gap −1, ‖g‖² = 4 → sps step −¼ → u = −(−¼)·2 = +0.5; sps+ → 0.
    expect(polyakSgd({ fMin: 1 }).update([2], polyakSgd().init([0]), [0], { value: 0 })[0]).toEqual([0.5])
    expect(polyakSgd({ fMin: 1, variant: 'sps+' }).update([2], polyakSgd().init([0]), [0], { value: 0 })[0]).toEqual([
      -0,
    ])
  })

  it('throws a DescentError naming `value` when the loss is not passed', () => {
    const opt = polyakSgd()
    const p = [tensor([1, 2])]
    expect(() => opt.update(p, opt.init(p), p)).toThrow(DescentError)
    expect(() => opt.update(p, opt.init(p), p)).toThrow(/\{ value: loss \}/)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => polyakSgd({ maxLearningRate: -1 })).toThrow(HyperparameterError)
    expect(() => polyakSgd({ maxLearningRate: -1 })).toThrow('scaleByPolyak options.maxLearningRate must be in')
    expect(() => polyakSgd({ scaling: NaN })).toThrow(HyperparameterError)
    expect(() => polyakSgd({ variant: 'x' as 'sps' })).toThrow(HyperparameterError)
  })

  it('has the PolyakSgdState type', () => {
    expectTypeOf(polyakSgd()).toEqualTypeOf<GradientTransformation<PolyakSgdState>>()
  })

  // optax's alias_test runs polyak_sgd(max_learning_rate=1.0) on both targets, passing value=objective(params); the
  // shared convergence table calls update without a value, so the same protocol runs here.
  it.each([
    { name: 'parabola', setup: parabola },
    { name: 'rosenbrock', setup: rosenbrock },
  ])('converges on the $name in float32 (optax alias_test protocol, with value)', ({ setup }) => {
    const problem = setup('float32')
    const params = optimize(polyakSgd({ maxLearningRate: 1 }), problem)
    expect(params.dtype).toBe('float32')
    if (!tree.allClose(params, problem.finalParams, { rtol: 3e-2, atol: 3e-2 })) {
      expect(values(params)).toEqual(values(problem.finalParams))
    }
    expect(tree.allClose(params, problem.finalParams, { rtol: 3e-2, atol: 3e-2 })).toBe(true)
  })
})
