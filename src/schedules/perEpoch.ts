import { checkInteger, hyperparameterError } from '../core/hyperparams'
import type { Schedule } from '../core/types'

/**
 * Options of {@link perEpoch}.
 * @category schedules
 * @since 0.2.0
 */
export interface PerEpochOptions {
  /** The number of optimizer steps (batches) in one epoch; an integer ≥ 1. @defaultValue required */
  readonly stepsPerEpoch: number
}

/**
 * Makes a schedule written in epochs count epochs: the step count is divided by `stepsPerEpoch` (and floored) before
 * the schedule sees it.
 *
 * Every schedule in descent, as in optax, is a function of the **step** count: the number of updates so far.
 * PyTorch's `lr_scheduler`s are usually stepped once per epoch, so "×0.1 every 30 epochs" written as
 * `exponentialDecay({ transitionSteps: 30, decayRate: 0.1, staircase: true })` decays every 30 *batches* here: with
 * 100 batches per epoch the learning rate is 1e-12 of its start by epoch 4. `perEpoch` gives PyTorch's meaning:
 * the value is constant within an epoch and `schedule(e)` during epoch e (counting from 0).
 *
 * ```text
 * perEpoch(s, N)(t) = s(⌊t / N⌋)        t = step count, N = stepsPerEpoch
 * ```
 * Equivalent, without the wrapper: multiply every step argument of the schedule by N (`transitionSteps: 30·N`); the
 * difference is that `perEpoch` also holds a continuous schedule constant within each epoch, as PyTorch does.
 *
 * @param schedule - A schedule of the epoch index.
 * @param stepsPerEpoch - The steps in one epoch (`Math.ceil(datasetSize / batchSize)`, or the length of your batches
 * array), positionally or as {@link PerEpochOptions}.
 * @returns A {@link Schedule} of the step count.
 * @throws HyperparameterError if `schedule` is not a function or `stepsPerEpoch` is not an integer ≥ 1.
 * @example
 * import { exponentialDecay, perEpoch, sgd } from 'descent-ts'
 * // PyTorch: StepLR(optimizer, step_size=30, gamma=0.1), stepped once per epoch; 100 batches per epoch
 * const stepLR = perEpoch(exponentialDecay({ initValue: 0.1, transitionSteps: 30, decayRate: 0.1, staircase: true }), 100)
 * assert.strictEqual(stepLR(0), 0.1)
 * assert.strictEqual(stepLR(2999), 0.1) // last step of epoch 29
 * assert.ok(Math.abs(stepLR(3000) - 0.01) < 1e-15) // epoch 30
 * const opt = sgd(stepLR, { momentum: 0.9 })
 * assert.ok(typeof opt.update === 'function')
 * @see {@link exponentialDecay}, {@link piecewiseConstantSchedule}
 * @see https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
 * @category schedules
 * @since 0.2.0
 */
export function perEpoch(schedule: Schedule, stepsPerEpoch: number | PerEpochOptions): Schedule {
  const owner = 'perEpoch'
  if (typeof schedule !== 'function') {
    throw hyperparameterError(
      `${owner} schedule must be a function (epoch) => number, such as exponentialDecay({...}); got ${String(schedule)}`,
    )
  }
  const positional = typeof stepsPerEpoch !== 'object' || stepsPerEpoch === null
  const n = checkInteger(
    owner,
    positional ? 'stepsPerEpoch' : 'options.stepsPerEpoch',
    positional ? stepsPerEpoch : stepsPerEpoch.stepsPerEpoch,
    '[1, Infinity)',
  )
  return (count) => schedule(Math.floor(count / n))
}
