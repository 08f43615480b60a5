import { HyperparameterError } from '../core/errors'
import type { EmptyState } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByPolyakOptions, scaleByPolyak } from '../transforms/scaleByPolyak'
import { type SgdState, sgd } from './sgd'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link polyakSgd}: those of {@link scaleByPolyak} and the global `scaling` (optax's `polyak_sgd`
 * keyword names, camelCased).
 * @category optimizers
 * @since 0.1.0
 */
export interface PolyakSgdOptions extends ScaleByPolyakOptions {
  /**
   * A global scaling factor s of the step (the learning rate of the inner {@link sgd}): a positive number, or a
   * {@link Schedule} of the step count.
   * @defaultValue 1
   */
  readonly scaling?: ScalarOrSchedule
}

/**
 * State of {@link polyakSgd}: the state of the inner {@link sgd} (which counts steps when `scaling` is a schedule),
 * then the empty state of {@link scaleByPolyak}.
 * @category optimizers
 * @since 0.1.0
 */
export type PolyakSgdState = readonly [SgdState, EmptyState]

/**
 * SGD with the Polyak step size (SPS, Loizou et al. 2021): the step is (f − f*)/‖∇f‖², capped at `maxLearningRate`.
 *
 * `chain(sgd(scaling), scaleByPolyak({ maxLearningRate, fMin, eps, variant }))`, exactly as optax's `polyak_sgd`.
 * Needs the loss at the current params: pass it as the extra argument `value`,
 * `opt.update(grads, state, params, { value: loss })`; `update` throws without it. No learning rate to tune, but a
 * lower bound f* of the loss (`fMin`): 0 suits models that can fit the data exactly; a wrong f* can diverge or stall.
 * With `variant: 'sps+'` a loss below f* gives a zero step (Garrigos et al. 2023).
 * As in optax's code, the Polyak step is computed from the updates that {@link sgd} has already scaled by −s, so for
 * s ≠ 1 the step is s·min(gap/(s²‖g‖² + ε), γ_max), not the s·min(gap/(‖g‖² + ε), γ_max) of optax's docstring; the
 * two agree for the default s = 1.
 *
 * ```text
 * s_t = scaling, or scaling(count) for a schedule;  f = value;  f* = fMin;  γ_max = maxLearningRate
 * gap = f − f*                               ('sps+': max(f − f*, 0))
 * n² = s_t²·‖g_t‖² + ε
 * γ_t = 0 if n² ≤ 2⁻⁵²,  else min(gap / n², γ_max)
 * u_t = −s_t·γ_t·g_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Loizou et al. 2021, "Stochastic Polyak Step-size for SGD", https://arxiv.org/abs/2002.10542;
 * Berrada et al. 2020, https://arxiv.org/abs/1906.05661; Garrigos et al. 2023 (SPS+), https://arxiv.org/abs/2307.14528
 *
 * @param options - {@link PolyakSgdOptions} (maxLearningRate 1, scaling 1, fMin 0, eps 0, variant 'sps').
 * @returns A {@link GradientTransformation} whose state is a {@link PolyakSgdState}; its `update` requires
 * `extra.value`.
 * @throws HyperparameterError (a `RangeError`) when an option is invalid; DescentError from `update` when
 * `extra.value` is not a number.
 * @example
 * import { applyUpdates, polyakSgd, tensor, tree } from 'descent-ts'
 * const f = (x: ReturnType<typeof tensor>) => tree.vdot(x, x) // Σx², gradient 2x
 * const opt = polyakSgd()
 * let params = tensor([1, 2, 3])
 * let state = opt.init(params)
 * const losses: number[] = []
 * for (let i = 0; i < 3; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params, { value: f(params) })
 *   params = applyUpdates(params, updates)
 *   state = next
 *   losses.push(f(params))
 * }
 * // The step f/‖2x‖² = 1/4 halves x, so the loss is divided by 4 each time (optax's example).
 * assert.deepStrictEqual(losses, [3.5, 0.875, 0.21875])
 * @see scaleByPolyak, sgd
 * @category optimizers
 * @since 0.1.0
 */
export function polyakSgd(options: PolyakSgdOptions = {}): GradientTransformation<PolyakSgdState> {
  // A learning rate (a number or a schedule) passed as other aliases take one would otherwise be ignored silently.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HyperparameterError(
      `polyakSgd takes an options object ({ scaling, maxLearningRate, fMin, eps }); got ${typeof options}. ` +
        'Its step size comes from the loss value (Polyak), so it has no learning rate: scale it with options.scaling.',
    )
  }
  const { scaling = 1, ...polyak } = options
  return chain(sgd(scaling), scaleByPolyak(polyak))
}

withHyperparamDefaults(polyakSgd, 0, { scaling: 1, ...hyperparamDefaultsOf(scaleByPolyak).values })
