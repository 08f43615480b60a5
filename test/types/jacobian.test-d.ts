import { expectTypeOf, test } from 'vitest'
import {
  type AdamState,
  type GradientTransformation,
  type LookaheadParams,
  type LookaheadState,
  applyUpdates,
  type PyTree,
  type Tensor,
  adam,
  hessian,
  jacfwd,
  jacrev,
  lookahead,
  lookaheadParams,
  mul,
  ops,
  tensor,
} from '../../src/index'

// No `any` in these public results: each assertion fails (toBeAny / toEqualTypeOf) if a result degrades to any.
const x = tensor([1, 2])

test('jacfwd / jacrev of a Tensor → Tensor function give a Tensor', () => {
  const J = jacfwd((v: Tensor) => mul(v, v))(x)
  expectTypeOf(J).not.toBeAny()
  expectTypeOf(J).toEqualTypeOf<Tensor>()
  expectTypeOf(jacrev((v: Tensor) => mul(v, v))(x)).toEqualTypeOf<Tensor>()
})

test('pytree outputs and argnums tuples nest as in JAX: output outside, (tuple of) input inside', () => {
  const f = (a: Tensor, b: { w: Tensor }) => ({ p: mul(a, b.w), q: a })
  const J = jacfwd(f, { argnums: [0, 1] })(x, { w: x })
  expectTypeOf(J).not.toBeAny()
  expectTypeOf(J).toEqualTypeOf<{
    readonly p: readonly [Tensor, { readonly w: Tensor }]
    readonly q: readonly [Tensor, { readonly w: Tensor }]
  }>()
  expectTypeOf(jacrev(f, { argnums: 1 })(x, { w: x })).toEqualTypeOf<{
    readonly p: { readonly w: Tensor }
    readonly q: { readonly w: Tensor }
  }>()
})

test('hessian: the input structure outside and inside', () => {
  const f = (p: { w: Tensor; b: number }) => ops.sum(mul(p.w, p.b))
  const H = hessian(f)({ w: x, b: 2 })
  expectTypeOf(H).not.toBeAny()
  expectTypeOf(H).toEqualTypeOf<{
    readonly w: { readonly w: Tensor; readonly b: Tensor }
    readonly b: { readonly w: Tensor; readonly b: Tensor }
  }>()
  expectTypeOf(hessian((a: Tensor, b: Tensor) => ops.sum(mul(a, b)), { argnums: [0, 1] })(x, x)).toEqualTypeOf<
    readonly [readonly [Tensor, Tensor], readonly [Tensor, Tensor]]
  >()
})

test('a loosely typed function gives PyTree, never any', () => {
  const loose = (p: PyTree): PyTree => p
  expectTypeOf(jacfwd(loose)(x)).toEqualTypeOf<PyTree>()
  expectTypeOf(hessian(loose)(x)).not.toBeAny()
})

test('lookahead: gradients of the fast params in, { fast, slow } updates out (no cast, no any)', () => {
  const params = lookaheadParams({ w: x })
  expectTypeOf(params).toEqualTypeOf<LookaheadParams<{ w: Tensor }>>()
  const tx = lookahead(adam(0.1), { syncPeriod: 2, slowStepSize: 0.5 })
  const [u, s] = tx.update({ w: x }, tx.init(params), params)
  expectTypeOf(u).not.toBeAny()
  expectTypeOf(u).toEqualTypeOf<LookaheadParams<{ w: Tensor }>>()
  expectTypeOf(applyUpdates(params, u)).toEqualTypeOf<LookaheadParams<{ w: Tensor }>>()
  expectTypeOf(s).toEqualTypeOf<LookaheadState<AdamState>>()
  // It is still a GradientTransformation: it can be wrapped and chained.
  expectTypeOf(tx).toMatchTypeOf<GradientTransformation<LookaheadState<AdamState>>>()
})
