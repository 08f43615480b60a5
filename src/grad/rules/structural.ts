/**
 * JVP and VJP rules of the reductions, shape primitives, matmul and gather / scatter-add. Linear primitives have
 * the same map for the tangent; their VJP is the transpose (sum ↔ broadcast, slice ↔ pad, gather ↔ scatter-add).
 * @internal
 */
import type { Tensor } from '../../core/tensor'
import { impls } from '../eager'
import { div, mul, neg, sub } from '../ops/arithmetic'
import { exp } from '../ops/unary'
import { equal } from '../ops/compare'
import { keptShape, sumTo } from '../ops/reduce'
import { sameShape } from '../tensorLike'
import { broadcastTo, concat, pad, reshape, slice, transpose } from '../ops/shape'
import type { AxesParams, Rule, RuleTable } from '../primitives'
import { bind } from '../trace'
import { addTangents, zerosOf } from './elementwise'

/**
 * The cotangent of a reduction's output, broadcast back to the input's shape: the primitives the ops `reshape` and
 * `broadcastTo` bind, without their checks (the shapes hold by construction; `x.shape` is already frozen).
 */
function expand(ct: Tensor, x: Tensor, p: AxesParams): Tensor {
  const c = p.keepDims ? ct : bind('reshape', [ct], { shape: Object.freeze(keptShape(x.shape, p.axes)) })
  return sameShape(c.shape, x.shape) ? c : bind('broadcastTo', [c], { shape: x.shape })
}

/** Weights of the elements that attain a max / min: 1/count where attained, 0 elsewhere (ties split evenly). */
function chooserWeights(x: Tensor, y: Tensor, p: AxesParams): Tensor {
  const yk = p.keepDims ? y : reshape(y, keptShape(x.shape, p.axes))
  const mask = equal(x, yk)
  return div(mask, bind('sum', [mask], { axes: p.axes, keepDims: true }))
}

const chooser = (prim: 'reduceMax' | 'reduceMin'): Rule<AxesParams> => ({
  impl: impls[prim],
  jvp: ([x], [t], p) => {
    const y = bind(prim, [x!], p)
    return [y, t ? bind('sum', [mul(t, chooserWeights(x!, y, p))], p) : null]
  },
  vjp: (ct, [x], y, p) => [mul(expand(ct, x!, p), chooserWeights(x!, y, p))],
})

// The parameters of linear's VJP products and bias sum: frozen constants, not three literals per backward pass.
const TRANS_A = Object.freeze({ transA: true })
const TRANS_B = Object.freeze({ transB: true })
const SUM_ROWS: AxesParams = Object.freeze({ axes: Object.freeze([0]), keepDims: false })

/** Rules of the structural primitives. */
export const structuralRules = {
  sum: {
    impl: impls.sum,
    jvp: ([x], [t], p) => [bind('sum', [x!], p), t ? bind('sum', [t], p) : null],
    vjp: (ct, [x], _y, p) => [expand(ct, x!, p)],
  },
  reduceMax: chooser('reduceMax'),
  reduceMin: chooser('reduceMin'),
  // y = x − m − log Σ exp(x − m): ẏ = ẋ − Σ softmax ⊙ ẋ and x̄ = ȳ − softmax ⊙ Σ ȳ, with softmax = exp(y) (m cancels).
  logSoftmax: {
    impl: impls.logSoftmax,
    jvp: ([x], [t], p) => {
      const y = bind('logSoftmax', [x!], p)
      if (!t) return [y, null]
      return [y, sub(t, bind('sum', [mul(exp(y), t)], { axes: p.axes, keepDims: true }))]
    },
    vjp: (ct, _xs, y, p) => [bind('logSoftmaxVjp', [ct, y], p)],
  },
  // z = c − exp(y)·Σc (Σ over the axes, kept): linear in c, so ż = z(ċ, y) − exp(y)·ẏ·Σc; c̄ = ū − Σ exp(y)·ū (the
  // logSoftmax JVP's form) and ȳ = −exp(y)·ū·Σc.
  logSoftmaxVjp: {
    impl: impls.logSoftmaxVjp,
    jvp: ([c, y], [tc, ty], p) => {
      const z = bind('logSoftmaxVjp', [c!, y!], p)
      const keep = { axes: p.axes, keepDims: true }
      const dc = tc ? bind('logSoftmaxVjp', [tc, y!], p) : null
      const dy = ty ? neg(mul(mul(exp(y!), ty), bind('sum', [c!], keep))) : null
      return [z, addTangents(dc, dy, z.shape)]
    },
    vjp: (u, [c, y], _z, p, needs) => {
      const keep = { axes: p.axes, keepDims: true }
      const e = exp(y!)
      return [
        needs[0] ? sub(u, bind('sum', [mul(e, u)], keep)) : null,
        needs[1] ? neg(mul(mul(e, u), bind('sum', [c!], keep))) : null,
      ]
    },
  },
  reshape: {
    impl: impls.reshape,
    jvp: ([x], [t], p) => [reshape(x!, p.shape), t ? reshape(t, p.shape) : null],
    vjp: (ct, [x]) => [reshape(ct, x!.shape)],
  },
  broadcastTo: {
    impl: impls.broadcastTo,
    jvp: ([x], [t], p) => [broadcastTo(x!, p.shape), t ? broadcastTo(t, p.shape) : null],
    vjp: (ct, [x]) => [sumTo(ct, x!.shape)],
  },
  transpose: {
    impl: impls.transpose,
    jvp: ([x], [t], p) => [transpose(x!, p.perm), t ? transpose(t, p.perm) : null],
    vjp: (ct, _xs, _y, p) => {
      const inv = new Array<number>(p.perm.length)
      p.perm.forEach((a, i) => (inv[a] = i))
      return [transpose(ct, inv)]
    },
  },
  matmul: {
    impl: impls.matmul,
    jvp: ([a, b], [ta, tb], p) => {
      const y = bind('matmul', [a!, b!], p)
      return [y, addTangents(ta ? bind('matmul', [ta, b!], p) : null, tb ? bind('matmul', [a!, tb], p) : null, y.shape)]
    },
    // y = op(A)·op(B): d op(A) = ct·op(B)ᵀ, d op(B) = op(A)ᵀ·ct, with the transposes passed to the kernel as flags
    // (no transposed copies); for a stored-transposed operand the cotangent is transposed back the same way.
    vjp: (ct, [a, b], _y, p, needs) => {
      const tA = p.transA === true
      const tB = p.transB === true
      return [
        needs[0]
          ? sumTo(
              tA ? bind('matmul', [b!, ct], { transA: tB, transB: true }) : bind('matmul', [ct, b!], { transB: !tB }),
              a!.shape,
            )
          : null,
        needs[1]
          ? sumTo(
              tB ? bind('matmul', [ct, a!], { transA: true, transB: tA }) : bind('matmul', [a!, ct], { transA: !tA }),
              b!.shape,
            )
          : null,
      ]
    },
  },
  // y = x·w + b: ∂y = ∂x·w + x·∂w + ∂b;  x̄ = ȳ·wᵀ, w̄ = xᵀ·ȳ, b̄ = Σ_rows ȳ (transposes as kernel flags).
  linear: {
    impl: impls.linear,
    jvp: ([x, w, b], [tx, tw, tb]) => {
      const y = bind('linear', [x!, w!, b!], {})
      const t = addTangents(tx ? bind('matmul', [tx, w!], {}) : null, tw ? bind('matmul', [x!, tw], {}) : null, y.shape)
      return [y, addTangents(t, tb ?? null, y.shape)]
    },
    vjp: (ct, [x, w], _y, _p, needs) => [
      needs[0] ? bind('matmul', [ct, w!], TRANS_B) : null,
      needs[1] ? bind('matmul', [x!, ct], TRANS_A) : null,
      needs[2] ? bind('sum', [ct], SUM_ROWS) : null,
    ],
  },
  concat: {
    impl: impls.concat,
    jvp: (xs, ts, p) => [
      concat(xs, p.axis),
      concat(
        xs.map((x, i) => ts[i] ?? zerosOf(x)),
        p.axis,
      ),
    ],
    vjp: (ct, xs, _y, p, needs) => {
      let start = 0
      return xs.map((x, i) => {
        const starts = ct.shape.map((_, j) => (j === p.axis ? start : 0))
        start += x.shape[p.axis]!
        return needs[i] ? slice(ct, starts, x.shape) : null
      })
    },
  },
  slice: {
    impl: impls.slice,
    jvp: ([x], [t], p) => [slice(x!, p.starts, p.sizes), t ? slice(t, p.starts, p.sizes) : null],
    vjp: (ct, [x], _y, p) => [
      pad(
        ct,
        x!.shape.map((d, i) => [p.starts[i]!, d - p.starts[i]! - p.sizes[i]!] as const),
      ),
    ],
  },
  pad: {
    impl: impls.pad,
    jvp: ([x], [t], p) => {
      const w = p.before.map((b, i) => [b, p.after[i]!] as const)
      return [pad(x!, w), t ? pad(t, w) : null]
    },
    vjp: (ct, [x], _y, p) => [slice(ct, p.before, x!.shape)],
  },
  gather: {
    impl: impls.gather,
    jvp: ([x, idx], [t], p) => [bind('gather', [x!, idx!], p), t ? bind('gather', [t, idx!], p) : null],
    vjp: (ct, [x, idx], _y, p) => [bind('scatterAdd', [ct, idx!], { axis: p.axis, shape: x!.shape }), null],
  },
  scatterAdd: {
    impl: impls.scatterAdd,
    jvp: ([src, idx], [t], p) => [bind('scatterAdd', [src!, idx!], p), t ? bind('scatterAdd', [t, idx!], p) : null],
    vjp: (ct, [, idx], _y, p) => [bind('gather', [ct, idx!], { axis: p.axis }), null],
  },
} satisfies Partial<RuleTable>
