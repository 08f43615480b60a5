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
  tree,
} from '../../src/index'
import { type Problem, parabola, rosenbrock } from '../_helpers/problems'
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
