/**
 * descent-ts/testing: the convergence theorems and transform laws of descent, as property tests for your own
 * optimizers (fast-check is loaded by this entry only). Every public export is listed here by name.
 * @since 0.2.0
 * @module descent-ts/testing
 */
export { type Theorem, type TheoremCheck, type AnyTheorem, type ConstantsOf } from './theorem'
export { verifyTheorem, type VerifyTheoremOptions, type TheoremViolation, type TheoremReport } from './verifyTheorem'
export { assertTheorem } from './assertTheorem'
export { theorems } from './theorems'
export { fista, fistaMomentum, type FistaState } from './fista'
export * as arbitraries from './arbitraries'
export {
  checkTransformLaws,
  assertTransformLaws,
  transformLaws,
  type LawName,
  type StateMoment,
  type CheckTransformLawsOptions,
  type LawViolation,
  type LawReport,
} from './checkTransformLaws'
export { projectionL2Ball, projectionBox, type Projection } from './projections'
