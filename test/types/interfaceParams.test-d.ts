import { expectTypeOf, test } from 'vitest'
import {
  type PyTree,
  type Tensor,
  adam,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  fit,
  grad,
  initTrainState,
  ops,
  tensor,
  trainStep,
  tree,
  valueAndGrad,
} from '../../src/index'

// Params declared with `interface` (no implicit index signature) are pytrees too (issue 12): each line below stops
// type-checking if PyTree goes back to accepting only index-signature objects, and the @ts-expect-error lines fail if
// PyTree is widened so far that a function or an array of strings passes for a tree. (An object type passed where a
// generic `P extends PyTree` is inferred is not checked leaf by leaf: `opt.init({ w: 'x' })` type-checks and throws an
// InvalidTreeError naming `w` at runtime.)
interface Layer {
  w: Tensor
  b: Tensor
}
interface Params {
  readonly layers: readonly Layer[]
  scale: number
}
interface Batch {
  x: Tensor
  y: Tensor
}

const params: Params = { layers: [{ w: tensor([1, 2]), b: tensor(0) }], scale: 1 }
const loss = (p: Params) => ops.sum(ops.mul(p.layers[0]!.w, p.scale))
const batchLoss = (p: Params, b: Batch) => ops.mean(ops.square(ops.sub(ops.mul(p.layers[0]!.w, b.x), b.y)))

test('an interface is a PyTree', () => {
  expectTypeOf<Params>().toExtend<PyTree>()
  expectTypeOf<Layer>().toExtend<PyTree>()
  const asTree: PyTree = params
  void asTree
})

test('optimizers, grad and applyUpdates accept interface params and keep their type', () => {
  const opt = chain(clipByGlobalNorm(1), adam(0.1))
  const state = opt.init(params)
  const g = grad(loss)(params)
  expectTypeOf(g).toEqualTypeOf<Params>()
  const [updates, next] = opt.update(g, state, params)
  expectTypeOf(updates).toEqualTypeOf<Params>()
  expectTypeOf(next).toEqualTypeOf(state)
  expectTypeOf(applyUpdates(params, updates)).toEqualTypeOf<Params>()
  expectTypeOf(valueAndGrad(loss)(params)[1]).toEqualTypeOf<Params>()
  expectTypeOf(tree.map((x) => x, params)).toEqualTypeOf<Params>()
  expectTypeOf(tree.leaves(params)).not.toBeAny()
})

test('the train layer accepts interface params and batches', () => {
  const opt = adam(0.1)
  const ts = initTrainState(params, opt)
  expectTypeOf(ts.params).toEqualTypeOf<Params>()
  const step = trainStep(batchLoss, opt)
  expectTypeOf(step).toBeFunction()
  const data: Batch[] = [{ x: tensor([1, 2]), y: tensor([2, 4]) }]
  expectTypeOf(fit({ loss: batchLoss, optimizer: opt, params, data, epochs: 1 }).state.params).toEqualTypeOf<Params>()
})

test('what is not a pytree still does not type-check', () => {
  const opt = adam(0.1)
  // @ts-expect-error a function is not a pytree
  opt.init(() => 1)
  // @ts-expect-error an array of strings is not a pytree
  opt.init(['a', 'b'])
  // @ts-expect-error a string is not a pytree
  opt.init('w')
  // @ts-expect-error an object literal given as a PyTree is checked leaf by leaf: a string leaf
  const bad: PyTree = { w: 'x' }
  void bad
})
