import { DescentError } from '../core/errors'
import { type Tensor, isTensor } from '../core/tensor'
import type { PyTree } from '../core/types'
import { type ValueAndGradFn, linesearchArgs } from './_internal/linesearchArgs'

/** The stored value and gradient of a line search state, found anywhere in a (chain) state. */
function findStored(state: unknown): { readonly value: number; readonly grad: PyTree } | undefined {
  if (typeof state !== 'object' || state === null || isTensor(state)) return undefined
  if (Array.isArray(state)) {
    for (const s of state) {
      const found = findStored(s)
      if (found !== undefined) return found
    }
    return undefined
  }
  const rec = state as { readonly [k: string]: unknown }
  if (typeof rec['value'] === 'number' && 'grad' in rec && 'learningRate' in rec) {
    return { value: rec['value'], grad: rec['grad'] as PyTree }
  }
  for (const k of Object.keys(rec).sort()) {
    const found = findStored(rec[k])
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The loss and gradient at params, taken from a line search's state when it already computed them.
 *
 * A line search ({@link scaleByZoomLinesearch}) evaluates the loss and its gradient at the point it accepts, which is
 * the next step's params. This helper (optax's `value_and_grad_from_state`) returns those stored values, and
 * evaluates the function only when the state has none yet (before the first step, where the stored value is
 * Infinity) or it is not finite. Use it only for deterministic losses: with mini-batches the stored values belong
 * to the previous batch.
 *
 * ```text
 * valueAndGradFromState(f)(θ, state) = (state.value, state.grad)   if state.value is finite and state.grad ≠ null
 *                                      (f(θ), ∇f(θ))               otherwise
 * ```
 *
 * @param fn - `{ valueFn }` (a loss written with ops, differentiated with `valueAndGrad`) or `{ valueAndGradFn }`
 * (a function returning `[loss, gradient]`).
 * @returns A function `(params, state) => [value, grad]`.
 * @throws DescentError when the state holds no line-search value and gradient, or `fn` has no function.
 * @example
 * import { applyUpdates, lbfgs, ops, square, tensor, valueAndGradFromState, type Tensor } from 'descent-ts'
 * const valueFn = (x: Tensor) => ops.sum(square(ops.sub(x, 1)))
 * const valueAndGrad = valueAndGradFromState({ valueFn })
 * const opt = lbfgs()
 * let params = tensor([3, -2], 'float64')
 * let state = opt.init(params)
 * for (let i = 0; i < 3; i++) {
 *   const [value, grad] = valueAndGrad(params, state)
 *   const [u, next] = opt.update(grad, state, params, { value, grad, valueFn })
 *   params = applyUpdates(params, u)
 *   state = next
 * }
 * assert.ok(Math.abs((params.toArray() as number[])[0]! - 1) < 1e-8)
 * @see scaleByZoomLinesearch, lbfgs
 * @category transforms
 * @since 0.1.0
 */
export function valueAndGradFromState(
  fn: { valueFn(params: PyTree): number | Tensor } | { valueAndGradFn(params: PyTree): readonly [unknown, PyTree] },
): <P extends PyTree>(params: P, state: unknown) => readonly [value: number, grad: P] {
  const owner = 'valueAndGradFromState'
  // linesearchArgs resolves the function (and its errors); value and grad are placeholders here.
  const evaluate: ValueAndGradFn = linesearchArgs(owner, { value: 0, grad: null, ...fn }).valueAndGradFn
  return <P extends PyTree>(params: P, state: unknown) => {
    const stored = findStored(state)
    if (stored === undefined) {
      throw new DescentError(
        `${owner}: the state holds no line-search value and grad; use it with an optimizer that contains a line ` +
          'search such as scaleByZoomLinesearch (lbfgs has one by default)',
      )
    }
    // A search that stores no gradient (scaleByBacktrackingLinesearch without storeGrad) keeps grad null.
    if (Number.isFinite(stored.value) && stored.grad !== null) return [stored.value, stored.grad as P] as const
    const [v, g] = evaluate(params)
    return [v, g as P] as const
  }
}
