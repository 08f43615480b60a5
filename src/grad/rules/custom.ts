/**
 * Rules of the primitives behind `customJvp` and `customVjp`. Their parameters carry the user's functions.
 * @internal
 */
import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { impls } from '../eager'
import { broadcastTo } from '../ops/shape'
import type { PrimitiveParams, Rule } from '../primitives'
import { customVjpForwardError } from '../trace'
import { type TensorLike, lift, sameShape, shapeStr } from '../tensorLike'
import { zerosOf } from './elementwise'

/** Checks a user-returned cotangent against its input and gives it the input's shape and dtype. */
function checkCotangent(name: string, i: number, ct: TensorLike | null | undefined, x: Tensor): Tensor | null {
  if (ct === null || ct === undefined) return null
  const t = lift(ct, x.dtype)
  if (typeof ct === 'number') return broadcastTo(t, x.shape)
  if (!sameShape(t.shape, x.shape)) {
    throw new ShapeError(
      `${name}: the backward rule returned a cotangent of shape ${shapeStr(t.shape)} for argument ${i}, ` +
        `whose shape is ${shapeStr(x.shape)}.`,
    )
  }
  return t
}

/** Rules of the custom-derivative primitives. */
export const customRules = {
  customJvpCall: {
    impl: impls.customJvpCall,
    jvp: (xs, ts, p) =>
      p.jvp(
        xs,
        xs.map((x, i) => ts[i] ?? zerosOf(x)),
      ),
    vjp: (ct, xs, _y, p) => p.transpose(xs, ct),
  },
  customVjpCall: {
    impl: impls.customVjpCall,
    jvp: (_xs, _ts, p) => {
      throw customVjpForwardError(p.name)
    },
    vjp: (ct, xs, _y, p) => {
      const res = p.residuals === undefined ? p.fwd(...xs)[1] : p.residuals.value
      const cts = p.bwd(res, ct)
      if (!Array.isArray(cts) || cts.length !== xs.length) {
        throw new ShapeError(
          `${p.name}: the backward rule must return one cotangent per argument (${xs.length}); ` +
            `got ${Array.isArray(cts) ? cts.length : typeof cts}.`,
        )
      }
      return xs.map((x, i) => checkCotangent(p.name, i, cts[i], x))
    },
  },
} satisfies { readonly [K in 'customJvpCall' | 'customVjpCall']: Rule<PrimitiveParams[K]> }
