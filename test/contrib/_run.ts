import { type ExtraArgs, type GradientTransformation, type PyTree, applyUpdates } from '../../src/index'

/**
 * Runs `tx` for `steps` steps from `params` with gradients `grad(params, t)` (and, when given, the extra arguments
 * `extra(params, t)`), returning the final params and state.
 */
export function runSteps<S>(
  tx: GradientTransformation<S>,
  params: PyTree,
  grad: (p: PyTree, t: number) => PyTree,
  steps: number,
  extra?: (p: PyTree, t: number) => ExtraArgs,
): { readonly params: PyTree; readonly state: S } {
  let p = params
  let state = tx.init(p)
  for (let t = 0; t < steps; t++) {
    const [u, next] = tx.update(grad(p, t), state, p, extra?.(p, t))
    p = applyUpdates(p, u)
    state = next
  }
  return { params: p, state }
}
