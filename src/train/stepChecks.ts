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

/**
 * @internal The tensor leaves of an optimizer state holding a NaN or ±Infinity, by key path (`optState[0].nu.w`) to
 * the first bad element. A state that is not a pytree (a wrapper may keep other values) is not checked: this is a
 * diagnosis, the optimizer validates its own state.
 */
export function nonFiniteStateLeaves(optState: unknown): Map<string, number> {
  const out = new Map<string, number>()
  let pairs: readonly (readonly [tree.KeyPath, unknown])[]
  try {
    pairs = tree.flattenWithPath(optState as PyTree)[0]
  } catch {
    return out
  }
  for (const [path, leaf] of pairs) {
    if (!isTensor(leaf) || tree.allFinite(leaf)) continue
    out.set(
      tree.keystr(path, 'optState'),
      leaf.data.find((x) => !Number.isFinite(x))!,
    )
  }
  return out
}

/**
 * @internal `nonFinite` in the optimizer state: a tensor leaf that was finite before the step and is not after it,
 * although the loss and gradients were finite (a finite gradient whose square overflows the state's dtype: one 1e38
 * float32 gradient makes Adam's ν +Infinity, and that coordinate's updates m/(√ν+ε) are 0 for good). `before` holds
 * the leaves already non-finite before the step (sentinels some states start with), which are not reported.
 */
export function stateChecks(
  step: number,
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  applied: boolean,
): Diagnosis[] {
  const fresh = [...after].filter(([path]) => !before.has(path))
  if (fresh.length === 0) return []
  const [path, value] = fresh[0]!
  const others =
    fresh.length > 1
      ? ` (and ${fresh
          .slice(1)
          .map(([p]) => p)
          .join(', ')})`
      : ''
  return [
    {
      code: 'nonFinite',
      severity: 'error',
      step,
      path,
      message:
        `the optimizer state at ${path}${others} became ${value} at step ${step} although the loss and gradients are finite ` +
        `(a gradient too large for the state's dtype overflowed, e.g. Adam's ν squares the gradient, which overflows float32 for |g| ≳ 1e19, ` +
        `and that coordinate's updates would be 0 from then on); ` +
        (applied ? 'the state was donated, so the step could not be undone' : 'the step was not applied'),
      fix: 'clip the gradients (chain(clipByGlobalNorm(1), adam(lr))), lower the learning rate, or use float64 params',
    },
  ]
}
