import { type EmptyState, initEmptyState } from '../core/base'
import { markFusible } from '../core/fusion'
import { checkScalarOrSchedule } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, MaskOrFn, PyTree, ScalarOrSchedule } from '../core/types'
import { isOptionsObject } from './_internal/firstArg'
import { checkMaskOrFn } from './_internal/maskTree'
import { paramsRequired } from './_internal/paramsRequired'
import { type MaskedState, masked } from './masked'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState, checkParams } from '../core/stateCheck'

/**
 * Options of {@link addDecayedWeights}.
 * @category transforms
 * @since 0.1.0
 */
export interface AddDecayedWeightsOptions {
  /**
   * The weight-decay rate: a finite number or a schedule `(count) => number` (evaluated at its own count, from 0).
   * @defaultValue 0
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
  /**
   * Which params to decay: a tree of booleans (a prefix of the params' structure) or a function of the params.
   * When given, the transform is wrapped in {@link masked}. Leave it out (or pass `null`) to decay every param.
   * @defaultValue undefined (every param)
   */
  readonly mask?: MaskOrFn | undefined
}

type Unmasked = EmptyState | { readonly count: number }

/**
 * State of {@link addDecayedWeights}: empty for a constant rate, `{ count }` for a schedule, and wrapped in a
 * {@link MaskedState} when a mask is given.
 * @category transforms
 * @since 0.1.0
 */
export type AddDecayedWeightsState = Unmasked | MaskedState<Unmasked>

function unmasked(wd: ScalarOrSchedule): GradientTransformation<Unmasked> {
  const decay = <P extends PyTree>(updates: P, params: P | undefined, s: number): P => {
    const ps = paramsRequired('addDecayedWeights', params, { chain: 'e.g. adamw' })
    // A literal 0 is skipped, as in optax: the updates come back unchanged.
    if (s === 0 && typeof wd === 'number') return updates
    return tree.mapElementwiseNamed(['updates', 'params'], (g, p) => g + s * p, updates, ps)
  }
  if (typeof wd === 'number') {
    return markFusible<GradientTransformation<Unmasked>>(
      {
        init: initEmptyState,
        update: (updates, state, params) => {
          checkState('addDecayedWeights', state, EMPTY_STATE_SPEC, updates, params)
          return [decay(updates, params, wd), state]
        },
      },
      { kind: 'decayedWeights', literalZero: wd === 0 },
    )
  }
  return markFusible<GradientTransformation<Unmasked>>(
    {
      init: (params) => (checkParams('addDecayedWeights.init', params), { count: 0 }),
      update: (updates, state, params) => {
        checkState('addDecayedWeights', state, { count: 'count' }, updates, params)
        const count = (state as { readonly count: number }).count
        return [decay(updates, params, wd(count)), { count: count + 1 }]
      },
    },
    { kind: 'decayedWeights', literalZero: false },
  )
}

/**
 * Adds the params, scaled by a weight-decay rate, to the updates: decoupled weight decay (AdamW).
 *
 * Chained *before* `scaleByLearningRate`, as in every optax alias (`adamw`, `lion`, …), the decay is multiplied by
 * the learning rate: the PyTorch AdamW convention rather than the paper's. It needs the params: pass them to `update`.
 * A schedule rate is evaluated at the transform's own count, starting at 0. With a `mask` only the selected params
 * are decayed (commonly: not biases and norm scales). Tensor updates keep their dtype.
 *
 * ```text
 * u_t = g_t + λ_t · θ_t          λ_t = weightDecay, or weightDecay(count) for a schedule
 * ```
 *
 * References: Loshchilov & Hutter 2017, Decoupled Weight Decay Regularization, https://arxiv.org/abs/1711.05101
 *
 * @param weightDecay - The rate (number or schedule), or {@link AddDecayedWeightsOptions}.
 * @returns A {@link GradientTransformation} whose state is an {@link AddDecayedWeightsState}.
 * @throws HyperparameterError at construction when the rate is neither a finite number nor a function, or the mask
 * is invalid; DescentError from `update` when no params are given.
 * @example
 * import { addDecayedWeights, tensor } from 'descent-ts'
 * const params = { w: tensor([10, -20]), b: tensor([10]) }
 * const tx = addDecayedWeights({ weightDecay: 0.5, mask: { w: true, b: false } })
 * const [u] = tx.update({ w: tensor([1, 1]), b: tensor([1]) }, tx.init(params), params)
 * assert.deepStrictEqual([u.w.toArray(), u.b.toArray()], [[6, -9], [1]]) // b is not decayed
 * @see addDecoupledWeightDecay, adamw, masked
 * @category transforms
 * @since 0.1.0
 */
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule | AddDecayedWeightsOptions = {},
): GradientTransformation<AddDecayedWeightsState> {
  const options = (isOptionsObject(weightDecay) ? weightDecay : { weightDecay }) as AddDecayedWeightsOptions
  const name = isOptionsObject(weightDecay) ? 'options.weightDecay' : 'weightDecay'
  const wd = checkScalarOrSchedule('addDecayedWeights', name, options.weightDecay ?? 0)
  const tx = unmasked(wd)
  if (options.mask === undefined || options.mask === null) return tx as GradientTransformation<AddDecayedWeightsState>
  const mask = checkMaskOrFn('addDecayedWeights', 'options.mask', options.mask)
  return masked(tx, mask) as GradientTransformation<AddDecayedWeightsState>
}

/**
 * Decoupled (AdamW) weight decay: the same function as {@link addDecayedWeights}, under the name users search for.
 *
 * Adds λ·θ to the updates; chain it before `scaleByLearningRate` so that the decay is scaled by the learning rate.
 *
 * ```text
 * u_t = g_t + λ_t · θ_t
 * ```
 *
 * References: Loshchilov & Hutter 2017, Decoupled Weight Decay Regularization, https://arxiv.org/abs/1711.05101
 *
 * @returns The same transform as {@link addDecayedWeights}.
 * @example
 * import { addDecoupledWeightDecay, addDecayedWeights } from 'descent-ts'
 * assert.strictEqual(addDecoupledWeightDecay, addDecayedWeights)
 * const tx = addDecoupledWeightDecay(0.1)
 * assert.deepStrictEqual(tx.update([1], tx.init([5]), [5])[0], [1.5])
 * @see addDecayedWeights, adamw
 * @category transforms
 * @since 0.1.0
 */
export const addDecoupledWeightDecay: typeof addDecayedWeights = addDecayedWeights

withHyperparamDefaults(addDecayedWeights, 0, { weightDecay: 0 }, ['weightDecay'])
