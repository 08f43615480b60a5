import { scaleTree } from '../core/base'
import { DescentError, HyperparameterError } from '../core/errors'
import { checkInRange, checkInteger } from '../core/hyperparams'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const STATE: StateSpec = {
  scale: 'number',
  bestValue: 'number',
  plateauCount: 'count',
  cooldownCount: 'count',
  count: 'count',
  avgValue: 'number',
}

/**
 * Options of {@link reduceOnPlateau}.
 * @category transforms
 * @since 0.1.0
 */
export interface ReduceOnPlateauOptions {
  /**
   * The factor applied to the scale at each reduction. Must be in (0, 1).
   * @defaultValue 0.1
   */
  readonly factor?: number
  /**
   * The number of evaluations without improvement after which the scale is reduced. An integer in [0, Infinity).
   * @defaultValue 10
   */
  readonly patience?: number
  /**
   * Relative tolerance: an improvement must beat the best value by `rtol·|best|`. Must be in [0, 1].
   * @defaultValue 1e-4
   */
  readonly rtol?: number
  /**
   * Absolute tolerance: an improvement must beat the best value by `atol` more. Must be in [0, Infinity); `rtol`
   * and `atol` must not both be 0.
   * @defaultValue 0
   */
  readonly atol?: number
  /**
   * The number of evaluations after a reduction during which no new reduction happens. An integer in [0, Infinity).
   * @defaultValue 0
   */
  readonly cooldown?: number
  /**
   * The number of `update` calls whose `value`s are averaged into one evaluation (e.g. the minibatches of an
   * epoch). An integer in [1, Infinity).
   * @defaultValue 1
   */
  readonly accumulationSize?: number
  /**
   * The scale never goes below this. Must be in [0, Infinity).
   * @defaultValue 0
   */
  readonly minScale?: number
}

/**
 * State of {@link reduceOnPlateau}.
 * @category transforms
 * @since 0.1.0
 */
export interface ReduceOnPlateauState {
  /** The factor the updates are multiplied by (starts at 1). */
  readonly scale: number
  /** The best evaluated value so far (`Infinity` before the first evaluation). */
  readonly bestValue: number
  /** The number of evaluations since the last improvement (or reduction). */
  readonly plateauCount: number
  /** The number of evaluations left in the current cooldown. */
  readonly cooldownCount: number
  /** The number of values accumulated into the current evaluation, in [0, accumulationSize). */
  readonly count: number
  /** The mean of the values accumulated so far. */
  readonly avgValue: number
}

/**
 * Reduces the learning rate when the loss stops improving (PyTorch's `ReduceLROnPlateau`), as a transform.
 *
 * Reads the loss from the extra argument `value` of `update`, averages it over `accumulationSize` calls, and
 * compares the average with the best one so far. After `patience` evaluations without improvement the scale is
 * multiplied by `factor` (never below `minScale`) and a cooldown of `cooldown` evaluations starts, during which the
 * plateau count is not advanced. The updates are multiplied by the current scale: put it last in the chain,
 * `chain(adam(lr), reduceOnPlateau())`, and pass `{ value: loss }` to `update`. Mirrors optax's
 * `contrib.reduce_on_plateau`, **except for negative losses**: optax tests `avg < (1 − rtol)·best − atol`, which
 * for a negative `best` demands a value *above* `best·(1 − rtol)`… i.e. counts a worsening as an improvement and
 * never reduces (optax PR #1767); here the threshold is `best − rtol·|best| − atol`, the same for positive losses
 * and correct for negative ones.
 *
 * ```text
 * v̄ = mean of the last accumulationSize values
 * improved = v̄ < best − rtol·|best| − atol          (best = ∞ at first: the first evaluation always improves)
 * improved: best ← v̄, plateau ← 0;  otherwise plateau ← plateau + 1
 * cooldown > 0:            cooldown ← cooldown − 1, plateau ← 0
 * else if plateau = patience:  scale ← max(scale·factor, minScale), plateau ← 0, cooldown ← cooldownOption
 * u = scale · g
 * ```
 *
 * @param options - {@link ReduceOnPlateauOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ReduceOnPlateauState}; its `update` needs
 * `extra.value`.
 * @throws HyperparameterError for an option out of range; DescentError from `update` when `extra.value` is not a
 * number.
 * @example
 * import { chain, reduceOnPlateau, sgd } from 'descent-ts'
 * const tx = chain(sgd(1), reduceOnPlateau({ patience: 2, factor: 0.5 }))
 * let state = tx.init([0])
 * let u: number[] = []
 * for (const loss of [-1, -1, -1]) [u, state] = tx.update([1], state, undefined, { value: loss })
 * assert.deepStrictEqual(u, [-0.5]) // two evaluations without improvement: the step is halved
 * assert.strictEqual(state[1].scale, 0.5)
 * @see chain, injectHyperparams
 * @category transforms
 * @since 0.1.0
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): GradientTransformation<ReduceOnPlateauState> {
  const owner = 'reduceOnPlateau'
  const factor = checkInRange(owner, 'options.factor', options.factor ?? 0.1, '(0, 1)')
  const patience = checkInteger(owner, 'options.patience', options.patience ?? 10, '[0, Infinity)')
  const rtol = checkInRange(owner, 'options.rtol', options.rtol ?? 1e-4, '[0, 1]')
  const atol = checkInRange(owner, 'options.atol', options.atol ?? 0, '[0, Infinity)')
  if (rtol === 0 && atol === 0) {
    throw new HyperparameterError(`${owner} options.rtol and options.atol must not both be 0; got rtol = 0, atol = 0`)
  }
  const cooldown = checkInteger(owner, 'options.cooldown', options.cooldown ?? 0, '[0, Infinity)')
  const accumulationSize = checkInteger(
    owner,
    'options.accumulationSize',
    options.accumulationSize ?? 1,
    '[1, Infinity)',
  )
  const minScale = checkInRange(owner, 'options.minScale', options.minScale ?? 0, '[0, Infinity)')

  const evaluate = (s: ReduceOnPlateauState): ReduceOnPlateauState => {
    const threshold = s.bestValue === Infinity ? Infinity : s.bestValue - rtol * Math.abs(s.bestValue) - atol
    const improved = s.avgValue < threshold
    const bestValue = improved ? s.avgValue : s.bestValue
    const plateau = improved ? 0 : s.plateauCount + 1
    const reset = { bestValue, count: 0, avgValue: 0 }
    if (s.cooldownCount > 0) return { ...reset, scale: s.scale, plateauCount: 0, cooldownCount: s.cooldownCount - 1 }
    const hit = plateau === patience
    const scale = Math.max(hit ? s.scale * factor : s.scale, minScale)
    return { ...reset, scale, plateauCount: hit ? 0 : plateau, cooldownCount: hit ? cooldown : 0 }
  }

  return {
    init: (params) => (
      checkParams('reduceOnPlateau.init', params),
      { scale: 1, bestValue: Infinity, plateauCount: 0, cooldownCount: 0, count: 0, avgValue: 0 }
    ),
    update: <P extends PyTree>(updates: P, state: ReduceOnPlateauState, params?: P, extra?: ExtraArgs) => {
      checkState(owner, state, STATE, updates, params)
      const value = extra?.value
      if (typeof value !== 'number') {
        throw new DescentError(
          `${owner} needs the loss: call update(updates, state, params, { value: loss }); got value = ${String(value)}`,
        )
      }
      const count = state.count + 1
      const accumulated = { ...state, count, avgValue: (state.count * state.avgValue + value) / count }
      const next = count === accumulationSize ? evaluate(accumulated) : accumulated
      return [scaleTree(next.scale, updates), next] as const
    },
  }
}

withHyperparamDefaults(reduceOnPlateau, 0, {
  factor: 0.1,
  patience: 10,
  rtol: 1e-4,
  atol: 0,
  cooldown: 0,
  accumulationSize: 1,
  minScale: 0,
})
