/**
 * The rule table: for every primitive, its eager implementation, its JVP rule and its VJP rule. The type
 * `RuleTable` is a mapped type over `Primitive`, so the build fails if a primitive lacks an entry. The entries live
 * in `rules/<family>.ts`.
 * @internal
 */
import type { RuleTable } from './primitives'
import { customRules } from './rules/custom'
import { elementwiseRules } from './rules/elementwise'
import { structuralRules } from './rules/structural'

/** Every primitive's rules. */
export const rules: RuleTable = { ...elementwiseRules, ...structuralRules, ...customRules }
