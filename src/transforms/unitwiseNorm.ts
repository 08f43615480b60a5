import { ShapeError } from '../core/errors'
import type { Tensor } from '../core/tensor'
import * as tree from '../core/tree'
import { broadcastOver, reduceOver } from './_internal/axes'

const defaultAxes = (owner: string, shape: readonly number[]): number[] => {
  const all = shape.map((_, i) => i)
  if (shape.filter((d) => d !== 1).length <= 1) return all
  if (shape.length === 2 || shape.length === 3) return [0]
  if (shape.length === 4) return [0, 1, 2]
  if (shape.length === 5) return [0, 1, 2, 3]
  throw new ShapeError(
    `${owner}: no default unit for a leaf of shape [${shape.join(',')}] (rank ${shape.length}); ` +
      'pass axis to say which axes make up one unit.',
  )
}

/**
 * The unit-wise L2 norm of a leaf (optax.unitwise_norm), broadcast back to the leaf's shape: the norm of each
 * "unit" (a neuron's incoming weights, a convolution's output channel), as used by adaptive gradient clipping.
 *
 * Without `axis` the reduction axes follow the rank: the whole leaf for scalars and vectors (after dropping size-1
 * axes), axis 0 for rank 2 and 3, axes 0–2 for rank 4 (HWIO convolutions), axes 0–3 for rank 5.
 * ```text
 * ‖x‖_unit[i] = √(Σ_{j in the unit of i} xⱼ²)
 * ```
 * @returns a float64 tensor of the leaf's shape (a number for a number).
 * @throws ShapeError for rank > 5 without `axis`, or an axis out of range.
 * @example
 * import { tensor, unitwiseNorm } from 'descent-ts'
 * const n = unitwiseNorm(tensor([[3, 0], [4, 1]])) as ReturnType<typeof tensor>
 * assert.deepStrictEqual(n.toArray(), [[5, 1], [5, 1]]) // column norms (axis 0)
 * @see unitwiseClip, adaptiveGradClip
 * @category transforms
 * @since 0.2.0
 */
export function unitwiseNorm(
  x: Tensor | number,
  axis?: number | readonly number[],
  owner = 'unitwiseNorm',
): Tensor | number {
  if (typeof x === 'number') return Math.abs(x)
  const given = axis === undefined ? undefined : typeof axis === 'number' ? [axis] : axis
  const axes = given === undefined ? defaultAxes(owner, x.shape) : given.map((a) => (a < 0 ? a + x.shape.length : a))
  if (axes.some((a) => !(a >= 0 && a < x.shape.length))) {
    throw new ShapeError(`${owner}: axis [${given?.join(',')}] is out of range for shape [${x.shape.join(',')}]`)
  }
  const sumSq = reduceOver(x, axes, 'sum', (v) => v * v, 'float64')
  return tree.mapElementwise(Math.sqrt, broadcastOver(sumSq, x.shape, axes))
}
