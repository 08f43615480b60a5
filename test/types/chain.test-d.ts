import { expectTypeOf, test } from 'vitest'
import {
  type EmptyState,
  type GradientTransformation,
  type PyTree,
  type StateOf,
  type Tensor,
  applyUpdates,
  chain,
  identity,
  namedChain,
  setToZero,
  tensor,
  tree,
} from '../../src/index'

interface CountState {
  readonly count: number
}
declare const counter: GradientTransformation<CountState>

test('chain(identity(), setToZero()) has the state type readonly [EmptyState, EmptyState]', () => {
  const tx = chain(identity(), setToZero())
  expectTypeOf(tx).toEqualTypeOf<GradientTransformation<readonly [EmptyState, EmptyState]>>()
  expectTypeOf(tx.init({ w: 1 })).toEqualTypeOf<readonly [EmptyState, EmptyState]>()
  expectTypeOf<StateOf<typeof tx>>().toEqualTypeOf<readonly [EmptyState, EmptyState]>()
})

test('chain infers a tuple of the parts’ states, in order, and nests', () => {
  const tx = chain(counter, identity(), counter)
  expectTypeOf(tx.init(null)).toEqualTypeOf<readonly [CountState, EmptyState, CountState]>()
  const nested = chain(chain(counter, identity()), counter)
  expectTypeOf(nested.init(null)).toEqualTypeOf<readonly [readonly [CountState, EmptyState], CountState]>()
  expectTypeOf(chain().init(null)).toEqualTypeOf<readonly []>()
})

test('chain update keeps the updates type and returns the state type', () => {
  const tx = chain(counter, setToZero())
  const params = { w: tensor([1]), b: 0 }
  const [u, s] = tx.update(params, tx.init(params), params)
  expectTypeOf(u).toEqualTypeOf<{ w: Tensor; b: number }>()
  expectTypeOf(s).toEqualTypeOf<readonly [CountState, EmptyState]>()
  expectTypeOf(s[0].count).toEqualTypeOf<number>()
})

test('a wrong state does not type-check', () => {
  const tx = chain(counter, identity())
  // @ts-expect-error a one-element state for a two-part chain
  tx.update([1], [{ count: 0 }])
  // @ts-expect-error the parts are in the other order
  tx.update([1], [{}, { count: 0 }] as const)
})

test('namedChain state is a record of the parts’ states by name', () => {
  const tx = namedChain(['clip', identity()], ['count', counter])
  expectTypeOf(tx.init(null)).toEqualTypeOf<{ readonly clip: EmptyState; readonly count: CountState }>()
  const state = tx.init(null)
  expectTypeOf(state.count.count).toEqualTypeOf<number>()
  // @ts-expect-error no part is named 'missing'
  void state.missing
})

test('applyUpdates returns the params’ type', () => {
  const params = { w: tensor([1]), layers: [{ b: 1 }] }
  const out = applyUpdates(params, { w: tensor([1]), layers: [{ b: 1 }] })
  expectTypeOf(out).toEqualTypeOf<{ w: Tensor; layers: { b: number }[] }>()
  const generic = <P extends PyTree>(p: P, u: PyTree): P => applyUpdates(p, u)
  expectTypeOf(generic).returns.toEqualTypeOf<PyTree>()
})

test('tree functions keep the tree type', () => {
  const t = { w: tensor([1]), s: 1, n: null }
  expectTypeOf(tree.map((l) => l, t)).toEqualTypeOf<{ w: Tensor; s: number; n: null }>()
  expectTypeOf(tree.mapElementwise((x) => 2 * x, t)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.add(t, t)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.scale(2, t)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.zerosLike(t)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.where(true, t, t)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.set(t, 's', 2)).toEqualTypeOf<typeof t>()
  expectTypeOf(tree.norm(t)).toEqualTypeOf<number>()
  expectTypeOf(tree.leaves(t)).toEqualTypeOf<(Tensor | number)[]>()
})

test('identity and setToZero are GradientTransformation<EmptyState>', () => {
  expectTypeOf(identity()).toEqualTypeOf<GradientTransformation<EmptyState>>()
  expectTypeOf(setToZero()).toEqualTypeOf<GradientTransformation<EmptyState>>()
})
