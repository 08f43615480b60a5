import { checkInteger } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const STATE: StateSpec = { count: 'count', gradAcc: 'tree' }

/**
 * Options of {@link applyEvery}.
 * @category transforms
 * @since 0.1.0
 */
export interface ApplyEveryOptions {
  /**
   * The number of updates summed before one is emitted. An integer in [1, Infinity).
   * @defaultValue 1
   */
  readonly k?: number
}

/**
 * State of {@link applyEvery}.
 * @category transforms
 * @since 0.1.0
 */
export interface ApplyEveryState {
  /** The position in the current window of `k` steps, in [0, k). */
  readonly count: number
  /** The sum of the updates of the current window, with the params' structure. */
  readonly gradAcc: PyTree
}

/**
 * Sums the updates over `k` steps and emits the sum every `k`-th step; the other steps return zeros.
 *
 * The simplest form of gradient accumulation, as optax's `apply_every`: put it last in a chain, after the learning
 * rate, so the *updates* are accumulated. To accumulate *gradients* before a stateful optimizer (so its moments
 * advance once per `k` micro-batches), use {@link multiSteps} instead.
 *
 * ```text
 * c = count mod k      A_t = (c ≠ 0 ? A_{t−1} : 0) + u_t
 * out_t = A_t if c = k − 1 else 0           count ← (count + 1) mod k
 * ```
 *
 * @param k - The window length, positionally or as {@link ApplyEveryOptions}.
 * @returns A {@link GradientTransformation} whose state is an {@link ApplyEveryState}.
 * @throws HyperparameterError when `k` is not an integer ≥ 1.
 * @example
 * import { applyEvery, chain, sgd } from 'descent-ts'
 * const tx = chain(sgd(1), applyEvery(2))
 * const [u0, s1] = tx.update([1], tx.init([0]))
 * const [u1] = tx.update([2], s1)
 * assert.deepStrictEqual([u0, u1], [[0], [-3]])
 * @see multiSteps
 * @category transforms
 * @since 0.1.0
 */
export function applyEvery(k: number | ApplyEveryOptions = {}): GradientTransformation<ApplyEveryState> {
  const [options, name] = firstArg<ApplyEveryOptions, 'k'>(k, 'k')
  const n = checkInteger('applyEvery', name, options.k ?? 1, '[1, Infinity)')
  return {
    init: (params) => (checkParams('applyEvery.init', params), { count: 0, gradAcc: tree.zerosLike(params) }),
    update: (updates, state, params) => {
      checkState('applyEvery', state, STATE, updates, params)
      const c = state.count % n
      const gradAcc = c !== 0 ? tree.add(state.gradAcc as typeof updates, updates) : updates
      const out = c === n - 1 ? gradAcc : tree.zerosLike(updates)
      return [out, { count: (state.count + 1) % n, gradAcc }] as const
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(applyEvery, 0, { k: 1 }, ['k'])
