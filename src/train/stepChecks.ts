import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import type { Diagnosis } from './diagnosis'

/**
 * @internal The checks every step runs by default: a non-finite loss or gradient (the step is then not applied,
 * since one NaN poisons the params and, through Adam's moments, every later step). A loss detached from the params
 * is refused earlier, by grad (`detachedLoss`).
 */
export function stepChecks(step: number, loss: number, grads: PyTree, gradNorm: number): Diagnosis[] {
  const out: Diagnosis[] = []
  if (!Number.isFinite(loss)) {
    out.push({
      code: 'nonFinite',
      severity: 'error',
      step,
      path: 'loss',
      message: `the loss is ${loss} at step ${step}; the step was not applied`,
      fix: 'look for log(0), 0/0 or overflow in the loss (use logSoftmax / softmaxCrossEntropy instead of log(softmax)), or lower the learning rate',
    })
    return out
  }
  // A finite ‖g‖ means every element is finite (a NaN or ±Infinity makes the sum of squares non-finite); only then
  // is the per-leaf scan needed (it also tells a finite overflow of Σg² apart).
  const bad = Number.isFinite(gradNorm) ? undefined : firstNonFinite(grads)
  if (bad !== undefined) {
    out.push({
      code: 'nonFinite',
      severity: 'error',
      step,
      path: bad,
      message: `the gradient at ${bad} is not finite at step ${step} although the loss is; the step was not applied`,
      fix: 'an op with an infinite derivative was reached (sqrt(0), log(0), pow at 0, division by 0): add an epsilon or use a safe variant',
    })
  }
  return out
}

/** The path of the first leaf of `grads` holding a NaN or ±Infinity. */
function firstNonFinite(grads: PyTree): string | undefined {
  for (const [path, leaf] of tree.flattenWithPath(grads)[0]) {
    if (isTensor(leaf) ? !tree.allFinite(leaf) : !Number.isFinite(leaf)) return tree.keystr(path, 'grads')
  }
  return undefined
}
