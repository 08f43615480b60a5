import type { Diagnosis } from './diagnosis'

/**
 * What one training step measured (returned by {@link trainStep}, recorded by {@link fit}).
 *
 * ```text
 * loss = f(θ_t; batch)    gradNorm = ‖∇f(θ_t)‖₂    updateNorm = ‖u_t‖₂    paramNorm = ‖θ_{t+1}‖₂
 * layerGradRms[leaf] = ‖g_leaf‖₂ / √size(leaf)      (weight leaves: rank ≥ 2)
 * deadUnits[leaf] = #{ columns j : g_leaf[·, j] = 0 } / #columns
 * ```
 * (global L2 norms over every leaf). `aux` is the loss's auxiliary output with `hasAux`. `diagnoses` lists what the
 * step's checks found; a step with a non-finite loss or gradient is not applied.
 * @category train
 * @since 0.2.0
 */
export interface StepInfo<A = unknown> {
  readonly loss: number
  readonly gradNorm: number
  readonly updateNorm: number
  readonly paramNorm: number
  /**
   * Root-mean-square gradient of each weight leaf (rank ≥ 2: matrices, kernels), by path in flattening order
   * (`grads.layers[0].w`): the per-layer gradient scale that vanishing and exploding gradients show up in.
   */
  readonly layerGradRms: Readonly<Record<string, number>>
  /**
   * Per weight leaf (rank ≥ 2, at least 2 columns), the fraction of its units whose gradient is exactly 0 on the whole
   * batch: a unit is a column (the last axis, as in `x @ W` with `W` of shape [in, out]). Dead ReLUs show up here.
   * Measured with diagnostics on and a gradient that is not 0 altogether; empty otherwise.
   */
  readonly deadUnits: Readonly<Record<string, number>>
  readonly aux?: A
  readonly diagnoses: readonly Diagnosis[]
}

/**
 * One step of a {@link History}: the 0-based step index (the state's `step` before the step), its epoch, and the
 * step's measurements (without `aux`).
 * @category train
 * @since 0.2.0
 */
export interface StepRecord {
  readonly step: number
  readonly epoch: number
  readonly loss: number
  readonly gradNorm: number
  readonly updateNorm: number
  readonly paramNorm: number
}

/**
 * The end of one epoch in a {@link History}: the epoch index, the number of steps taken so far, the mean training loss
 * over the epoch's steps, and what `evaluate` returned (numbers by name; a plain number is stored as `loss`).
 * @category train
 * @since 0.2.0
 */
export interface EpochRecord {
  readonly epoch: number
  readonly step: number
  readonly trainLoss: number
  readonly eval?: Readonly<Record<string, number>>
}

/**
 * The record of a {@link fit} run: one entry per step and one per epoch, plain numbers only (JSON-serialisable,
 * never changed after `fit` returns).
 * @example
 * import type { History } from 'descent-ts'
 * const h: History = { steps: [{ step: 0, epoch: 0, loss: 1, gradNorm: 2, updateNorm: 0.1, paramNorm: 3 }], epochs: [] }
 * assert.strictEqual(h.steps.length, 1)
 * @category train
 * @since 0.2.0
 */
export interface History {
  readonly steps: readonly StepRecord[]
  readonly epochs: readonly EpochRecord[]
}
