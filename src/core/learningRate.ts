import { fusibleOf } from './fusion'

const READER: unique symbol = Symbol('descent.learningRate')

/** @internal Reads the learning rate(s) a transform will use at its next update from its state. */
export type LearningRateReader<S> = (state: S) => readonly number[]

/**
 * @internal Attaches a learning-rate reader to `tx` (a non-enumerable property, as {@link markFusible}) and returns
 * `tx`. Transforms that own a learning rate (injectHyperparams) read it from their state; wrappers hand their inner
 * state to {@link learningRatesIn}. scaleByLearningRate needs none: its fusion facts carry its learning rate.
 */
export function withLearningRate<T extends object, S>(tx: T, read: LearningRateReader<S>): T {
  Object.defineProperty(tx, READER, { value: read }) // not enumerable, writable or configurable
  return tx
}

/**
 * @internal Every learning rate found in `tx` for `state`, in chain order: [] for a transform without one. chain()
 * is walked through its parts (its fusion facts list them), so chains need no reader of their own.
 */
export function learningRatesIn(tx: unknown, state: unknown): readonly number[] {
  const read =
    typeof tx === 'object' && tx !== null ? (tx as { [READER]?: LearningRateReader<unknown> })[READER] : undefined
  if (read) return read(state)
  const facts = fusibleOf(tx)
  const lr = facts?.kind === 'scale' ? facts.learningRate : undefined
  if (lr !== undefined) return [typeof lr === 'number' ? lr : lr((state as { readonly count: number }).count)]
  if (facts?.kind === 'chain' && Array.isArray(state))
    return facts.parts.flatMap((p, i) => learningRatesIn(p, state[i]))
  return []
}
