import type { Diagnosis } from '../core/diagnosis'
import { notesOf } from '../core/hyperparamNotes'
import type { GradientTransformation } from '../core/types'

/**
 * The `suspiciousHyperparameter` warnings of a transform: hyperparameters that are legal but almost always wrong.
 *
 * Factories check their hyperparameters when called. Invalid ones throw a `HyperparameterError` there (for example
 * `sgd(0.1, { momentum: 1 })`); legal but suspicious ones are attached to the returned transform as immutable data,
 * never printed, so that building a transform stays pure. This reads them, walking `chain` parts and wrappers
 * (`injectHyperparams`, `masked`, `multiSteps`, `applyIfFinite`, `lookahead`, `strictPurity`). `trainStep` reports
 * them in `StepInfo.diagnoses` at step 0 and `fit` prints each once.
 *
 * What is flagged (each with a fix in the message):
 * ```text
 * learningRate ≤ 0 (or schedule(0) < 0)     the update does not descend: −α·g with α ≤ 0
 * eps = 0 and epsRoot = 0 (Adam/RMS family)  v = 0 on a coordinate with only zero gradients ⇒ m̂/(√v̂+ε) = 0/0 = NaN
 * b2 < b1 (Adam family)                      |m̂/√v̂| is no longer ≲ 1, steps can exceed α (swapped betas?)
 * clipByGlobalNorm(0), clip(0)               every update is 0: nothing trains
 * trace(1)                                   tr_t = Σ g: momentum without forgetting never settles
 * ```
 * Hyperparameters that follow a schedule in `injectHyperparams` are not judged by their value at step 0 (a warmup
 * from 0 is not a zero learning rate).
 *
 * @param tx - Any transform.
 * @returns The warnings, in chain order (an empty array for a transform with nothing suspicious).
 * @example
 * import { adam, chain, clipByGlobalNorm, hyperparameterDiagnoses, sgd } from 'descent-ts'
 * assert.deepStrictEqual(hyperparameterDiagnoses(adam(1e-3)), [])
 * const [d] = hyperparameterDiagnoses(chain(clipByGlobalNorm(1), adam(1e-3, { eps: 0 })))
 * assert.strictEqual(d?.code, 'suspiciousHyperparameter')
 * assert.strictEqual(d?.severity, 'warning')
 * assert.match(d?.message ?? '', /options\.eps = 0/)
 * assert.match(hyperparameterDiagnoses(sgd(-0.1))[0]?.message ?? '', /learningRate = -0\.1/)
 * @see injectHyperparams, strictPurity
 * @category transforms
 * @since 0.2.0
 */
export function hyperparameterDiagnoses<S>(tx: GradientTransformation<S>): Diagnosis[] {
  const seen = new Set<string>()
  return notesOf(tx)
    .map((n) => n.diagnosis)
    .filter((d) => !seen.has(d.message) && seen.add(d.message) !== undefined)
}
