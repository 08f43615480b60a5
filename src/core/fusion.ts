import type { GradientTransformation, ScalarOrSchedule } from './types'

/**
 * @internal What a transform is, for the train layer's fused step (src/train/fusedStep.ts): immutable facts that the
 * factory attaches to the transform it returns. A transform without them is simply never fused.
 *
 * - `chain`: its parts, in order.
 * - `adamMoments`: scaleByAdam's hyperparameters (its update is the fused kernel with s = 1 and no decay).
 * - `decayedWeights`: addDecayedWeights without a mask (u + λ·θ; λ read by probing the transform itself).
 * - `scale`: scale, scaleBySchedule, hence scaleByLearningRate (s·u; s read by probing the transform itself), with
 *   scaleByLearningRate's `learningRate` (α, not the signed factor), which learningRatesIn reads at the state's count.
 */
export type Fusible =
  | { readonly kind: 'chain'; readonly parts: readonly GradientTransformation<unknown>[] }
  | {
      readonly kind: 'adamMoments'
      readonly b1: number
      readonly b2: number
      readonly eps: number
      readonly epsRoot: number
      readonly nesterov: boolean
    }
  | { readonly kind: 'decayedWeights'; readonly literalZero: boolean }
  | { readonly kind: 'scale'; readonly learningRate?: ScalarOrSchedule }

const FUSIBLE = Symbol('descent.fusible')

/** @internal Attaches `facts` to `tx` (a non-enumerable, frozen property) and returns `tx`. */
export function markFusible<T extends object>(tx: T, facts: Fusible): T {
  Object.defineProperty(tx, FUSIBLE, { value: Object.freeze(facts) }) // not enumerable, writable or configurable
  return tx
}

/** @internal The facts attached by {@link markFusible}, if any. */
export const fusibleOf = (tx: unknown): Fusible | undefined =>
  typeof tx === 'object' && tx !== null ? (tx as { [FUSIBLE]?: Fusible })[FUSIBLE] : undefined
