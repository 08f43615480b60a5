import { applyUpdates } from '../../core/applyUpdates'
import { type Tensor, tensor } from '../../core/tensor'
import type { GradientTransformation } from '../../core/types'
import type { Vec } from './linalg'

// A GradientTransformation<S> is contravariant in S, so a table of transforms of any state type needs `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>

/** The gradient the optimizer is fed at step t (0-based), at the current iterate. */
export type Oracle = (x: Vec, t: number) => Vec

/**
 * Runs `steps` updates of `tx` from x₀ on params that are one float64 tensor of shape [d], feeding it `oracle`'s
 * gradients, and returns x₀, x₁, …, x_steps. `project`, when given, maps each new iterate back onto the problem's
 * domain (the projection step of projected/online methods).
 */
export function iterates(
  tx: AnyTransformation,
  oracle: Oracle,
  x0: Vec,
  steps: number,
  project?: (x: Tensor) => Tensor,
): Vec[] {
  const d = x0.length
  let params: Tensor = tensor(Float64Array.from(x0), [d], 'float64')
  let state: unknown = tx.init(params)
  const xs: Vec[] = [Float64Array.from(x0)]
  for (let t = 0; t < steps; t++) {
    const g = tensor(oracle(params.data as Vec, t), [d], 'float64')
    const [u, next] = tx.update(g, state, params)
    params = applyUpdates(params, u as Tensor)
    if (project !== undefined) params = project(params)
    state = next
    if (params.dtype !== 'float64' || params.size !== d)
      throw new TypeError(`the optimizer changed the params from float64[${d}] to ${params.dtype}[${params.shape}]`)
    xs.push(Float64Array.from(params.data))
  }
  return xs
}
