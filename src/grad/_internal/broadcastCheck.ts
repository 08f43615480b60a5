/**
 * The `suspiciousBroadcast` rule: a binary op on a traced value whose broadcast is almost certainly a shape bug.
 * @internal
 */
import type { Diagnosis } from '../../core/diagnosis'

/** The broadcasting binary primitives the rule looks at (comparisons are not differentiated, so they never matter). */
export const BROADCASTING: { readonly [prim: string]: true } = {
  add: true,
  mul: true,
  div: true,
  pow: true,
  maximum: true,
  minimum: true,
}

const OP_NAME: { readonly [prim: string]: string } = { add: 'add (or sub)', mul: 'mul', div: 'div' }
const str = (s: readonly number[]): string => `[${s.join(',')}]`

/**
 * The rule, for operands of different ranks (the caller checks that first: equal ranks are never flagged). With `lo`
 * the lower-rank operand, left-padded with 1s (NumPy), the op is suspicious when both
 * - `lo` is stretched along an axis it does not have (an implicit, padded axis where `hi` has size > 1), and
 * - `hi` is stretched along an axis where `lo` has size > 1 (`hi` has size 1 there),
 * so each operand is broadcast along an axis the other has: `[64,1] − [64]` makes a `[64,64]` table of every
 * prediction minus every target. A bias row (`[b,10] + [10]`) stretches only the lower-rank operand, and an outer
 * product written with explicit axes (`[n,1]·[1,n]`, equal ranks) is taken as meant.
 * @returns a warning, or null when the broadcast is the ordinary kind.
 */
export function suspiciousBroadcast(prim: string, a: readonly number[], b: readonly number[]): Diagnosis | null {
  const [hi, lo] = a.length > b.length ? [a, b] : [b, a]
  const pad = hi.length - lo.length
  let padded = false
  for (let i = 0; i < pad; i++) if (hi[i]! > 1) padded = true
  if (!padded) return null
  let stretched = false
  for (let j = pad; j < hi.length; j++) if (hi[j] === 1 && lo[j - pad]! > 1) stretched = true
  if (!stretched) return null
  const out = hi.map((d, i) => (i < pad ? d : Math.max(d, lo[i - pad]!)))
  const n = lo[lo.length - 1]!
  return {
    code: 'suspiciousBroadcast',
    severity: 'warning',
    path: `${OP_NAME[prim] ?? prim}(${str(a)}, ${str(b)})`,
    message:
      `${OP_NAME[prim] ?? prim} of shapes ${str(a)} and ${str(b)} inside the traced loss ` +
      `broadcasts to ${str(out)}: each operand is stretched along an axis the other has (the classic ` +
      `predictions [${n},1] − targets [${n}] bug, which pairs every prediction with every target and learns nothing)`,
    fix:
      `give both operands the same shape, e.g. reshape(predictions, [${n}]) or squeeze(predictions, -1) ` +
      `(or reshape the targets to [${n},1]). If an outer product is meant, write both axes explicitly ` +
      `(reshape(x, [n,1]) and reshape(y, [1,n])); equal ranks are never flagged.`,
  }
}
