import { type EmptyState, initEmptyState } from '../core/base'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { paramsRequired } from '../transforms/_internal/paramsRequired'
import { projectionBox as boxProjection } from '../projections/projectionBox'
import { projectionL2Ball as l2BallProjection } from '../projections/projectionL2Ball'

/**
 * A projection onto a convex set K, usable two ways: as the last link of a `chain` (the transform turns the updates u
 * into P_K(θ + u) − θ, so that the new params are projected), and as the plain function `project`.
 * @category testing
 * @since 0.2.0
 */
export interface Projection extends GradientTransformation<EmptyState> {
  /** P_K(x): the point of K nearest to x (Euclidean norm over the whole tree). */
  readonly project: <T extends PyTree>(x: T) => T
}

const projection = (name: string, project: <T extends PyTree>(x: T) => T): Projection => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    const p = paramsRequired(name, params)
    return [tree.sub(project(tree.add(p, updates)), p), state] as const
  },
  project,
})

/**
 * Projection onto the Euclidean ball of radius r around the origin, over all the leaves of the tree at once (the
 * domain of projected online gradient descent, whose diameter is D = 2r).
 * ```text
 * P(x) = x · min(1, r/‖x‖₂)          as a transform:  u ↦ P(θ + u) − θ
 * ```
 * @returns A {@link Projection}: a transform for the end of a chain, with `project` as a plain function.
 * @example
 * import { chain, sgd, tensor } from 'descent-ts'
 * import { projectionL2Ball } from 'descent-ts/testing'
 *
 * const ball = projectionL2Ball(1)
 * const p = ball.project(tensor([3, 4], 'float64')) as any
 * assert.ok(Math.abs(p.data[0] - 0.6) < 1e-15 && Math.abs(p.data[1] - 0.8) < 1e-15)
 * const tx = chain(sgd(10), ball)
 * const [u] = tx.update(tensor([-1, 0], 'float64'), tx.init(tensor([0, 0], 'float64')), tensor([0, 0], 'float64'))
 * assert.deepEqual(Array.from((u as any).data), [1, 0])
 * @see projectionBox
 * @category testing
 * @since 0.2.0
 */
export function projectionL2Ball(radius: number): Projection {
  if (!(radius >= 0)) throw new RangeError(`projectionL2Ball radius must be ≥ 0; got ${radius}`)
  return projection('projectionL2Ball', (x) => l2BallProjection(x, radius))
}

/**
 * Projection onto the box [lower, upper] in every coordinate (the domain of AdaGrad's and AMSGrad's regret bounds:
 * a box is the one convex set whose projection is the same in every diagonal norm ‖·‖_H, so it is also their
 * H-norm projection). Its ℓ∞ diameter is D∞ = upper − lower.
 * ```text
 * P(x)ᵢ = min(upper, max(lower, xᵢ))          as a transform:  u ↦ P(θ + u) − θ
 * ```
 * @returns A {@link Projection}: a transform for the end of a chain, with `project` as a plain function.
 * @example
 * import { adagrad, chain, tensor } from 'descent-ts'
 * import { projectionBox } from 'descent-ts/testing'
 *
 * const box = projectionBox(-1, 1)
 * assert.deepEqual(Array.from((box.project(tensor([-3, 0.5], 'float64')) as any).data), [-1, 0.5])
 * const tx = chain(adagrad(5), box)
 * const p = tensor([0.9, 0], 'float64')
 * const [u] = tx.update(tensor([-1, 1], 'float64'), tx.init(p), p)
 * assert.ok(Math.abs((u as any).data[0] - 0.1) < 1e-12)
 * @see projectionL2Ball
 * @category testing
 * @since 0.2.0
 */
export function projectionBox(lower: number, upper: number): Projection {
  if (!(lower <= upper)) throw new RangeError(`projectionBox needs lower ≤ upper; got [${lower}, ${upper}]`)
  return projection('projectionBox', (x) => boxProjection(x, lower, upper))
}
