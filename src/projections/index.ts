/**
 * Euclidean projections onto convex sets, as `optax.projections`: `import { projections } from 'descent-ts'`, then
 * `projections.projectionL2Ball(tree, 1)`. Each takes a pytree and returns the nearest point of the set, with all the
 * leaves taken as one vector.
 * @since 0.2.0
 */
export { projectionBox } from './projectionBox'
export { projectionHypercube } from './projectionHypercube'
export { projectionNonNegative } from './projectionNonNegative'
export { projectionSimplex } from './projectionSimplex'
export { projectionL1Ball } from './projectionL1Ball'
export { projectionL1Sphere } from './projectionL1Sphere'
export { projectionL2Ball } from './projectionL2Ball'
export { projectionL2Sphere } from './projectionL2Sphere'
export { projectionLinfBall } from './projectionLinfBall'
export { projectionVector } from './projectionVector'
export { projectionHyperplane } from './projectionHyperplane'
export { projectionHalfspace } from './projectionHalfspace'
