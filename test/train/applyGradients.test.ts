import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  DescentError,
  adam,
  adamw,
  applyGradients,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  initTrainState,
  isTensor,
  lbfgs,
  nadamw,
  sgd,
  tensor,
  tree,
} from '../../src/index'
import { fusibleOf } from '../../src/core/fusion'
import { planFusedUpdate } from '../../src/train/fusedStep'
import { expectTreesEqual } from '../_helpers/assertions'
import { type AnyTransformation, CASES, makeParams, run, stepInputs } from '../_helpers/optimizerCases'

const copy = (p: PyTree): PyTree => tree.map((x) => (isTensor(x) ? tensor(x.data.slice(), x.shape as number[]) : x), p)
const buffers = (p: PyTree): ArrayBufferLike[] => tree.leaves(p).flatMap((x) => (isTensor(x) ? [x.data.buffer] : []))

const N = 6

describe('applyGradients equals update + applyUpdates bit for bit, for every alias and wrapper', () => {
  describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    it.each([false, true])('donate %s', (donate) => {
      const p0 = (c.params ?? ((p) => p))(makeParams('float32'))
      const expected = run(c.make(), c, { params: p0, state: c.make().init(p0) }, 0, N)
      const tx = c.make()
      const step = applyGradients(tx, { donate })
      // A donated state's buffers are the step's: start from a copy, as fit does.
      let state = initTrainState(donate ? copy(p0) : p0, tx)
      const snapshot = copy(p0)
      for (let t = 0; t < N; t++) {
        const [g, extra] = stepInputs(c, state.params, t)
        state = step(state, g, extra)
      }
      expectTreesEqual({ params: state.params, state: state.optState }, expected)
      expect(state.step).toBe(N)
      expectTreesEqual(p0, snapshot)
    })
  })
})

// Leaves on both sides of the SIMD kernel's threshold, float32, for the fused Adam path.
const big = (seed: number): PyTree => {
  let x = seed
  const r = (n: number) => Float32Array.from({ length: n }, () => ((x = (x * 16807) % 2147483647) / 2147483647) * 2 - 1)
  return { w: tensor(r(6000), [60, 100]), b: tensor(r(7)), deep: [tensor(r(2049))] }
}

describe('the fused Adam path of applyGradients', () => {
  const optimizers = [
    ['adam', () => adam(0.01)],
    ['adamw with a weight-decay schedule', () => adamw((c) => 0.01 / (1 + c), { weightDecay: (c) => 0.1 * c })],
    ['nadamw, eps 0', () => nadamw(0.01, { eps: 0, epsRoot: 1e-9 })],
    ['chain(clipByGlobalNorm(1), adamw)', () => chain(clipByGlobalNorm(1), adamw(0.01))],
  ] as const

  it.each(optimizers)('%s is planned as fused (the test below exercises the kernel)', (_, make) => {
    expect(planFusedUpdate(make())).not.toBeNull()
  })

  it.each(optimizers)('%s: pure and donated equal update + applyUpdates over 5 steps', (_, make) => {
    for (const donate of [false, true]) {
      const tx: AnyTransformation = make()
      const step = applyGradients(tx, { donate })
      let ref = { params: big(1), state: tx.init(big(1)) as unknown }
      let state = initTrainState(big(1), tx)
      const held = buffers(state.params)
      let afterFirst: ArrayBufferLike[] | undefined
      for (let t = 0; t < 5; t++) {
        const g = big(100 + t)
        const [u, next] = tx.update(g, ref.state as never, ref.params)
        ref = { params: applyUpdates(ref.params, u), state: next }
        state = step(state, g)
        afterFirst ??= buffers(state.params)
        expectTreesEqual({ p: state.params, s: state.optState }, { p: ref.params, s: ref.state })
      }
      // Donated: the params stay in one set of buffers from the first step on (no fresh array per step: wasm memory
      // the stepper owns, see stateArena.test.ts); pure: never the buffers a state passed in had.
      const now = buffers(state.params)
      if (donate) now.forEach((b, i) => expect(b).toBe(afterFirst![i]))
      else for (const b of now) expect(held).not.toContain(b)
    }
  })

  it('a donated state passed again throws, and the new one goes on', () => {
    const tx = adamw(0.01)
    const step = applyGradients(tx, { donate: true })
    const s0 = initTrainState(big(1), tx)
    const s1 = step(s0, big(2))
    expect(() => step(s0, big(3))).toThrow(DescentError)
    expect(() => step(s0, big(3))).toThrow(/donated to an earlier step/)
    expect(step(s1, big(3)).step).toBe(2)
  })

  it('pure: the state passed in and the gradients are never written', () => {
    const tx = adamw(0.01)
    const s0 = initTrainState(big(1), tx)
    const g = big(2)
    const before = copy({ p: s0.params, s: s0.optState as PyTree, g })
    applyGradients(tx)(applyGradients(tx)(s0, g), g)
    expectTreesEqual({ p: s0.params, s: s0.optState, g }, before)
  })

  it('a params tensor used at two leaves (tied weights) is not written in place', () => {
    const shared = tensor([1, 2, 3])
    const tx = adam(0.1)
    const state = initTrainState({ a: shared, b: shared }, tx)
    const next = applyGradients(tx, { donate: true })(state, { a: tensor([1, 1, 1]), b: tensor([-1, -1, -1]) })
    expect(Array.from(shared.data)).toEqual([1, 2, 3])
    // adam's first step moves each coordinate by −lr·sign(g) (to float32 rounding of g/(|g|+ε)).
    expect(Array.from((next.params.a as Tensor).data)).toEqual([1, 2, 3].map((x) => Math.fround(x - 0.1)))
    expect(Array.from((next.params.b as Tensor).data)).toEqual([1, 2, 3].map((x) => Math.fround(x + 0.1)))
  })

  it('a transform before the fused tail that keeps the params in its state sees them unchanged (donated = pure)', () => {
    // A snapshot-like transform: its state holds the params it was given, by reference.
    const keep: GradientTransformation<{ last: PyTree }> = {
      init: (p) => ({ last: p }),
      update: (u, _s, p) => [u, { last: p ?? null }],
    }
    const run = (donate: boolean) => {
      const tx = chain(keep, adamw(0.01))
      const step = applyGradients(tx, { donate })
      let s = initTrainState(big(1), tx)
      for (let t = 0; t < 3; t++) s = step(s, big(10 + t))
      return s
    }
    const pure = run(false)
    const donated = run(true)
    expectTreesEqual({ p: donated.params, s: donated.optState }, { p: pure.params, s: pure.optState })
  })

  it('marks only chains built by chain() as fusible', () => {
    expect(fusibleOf(adamw(0.1))?.kind).toBe('chain')
    expect(planFusedUpdate(sgd(0.1))).toBeNull()
    expect(planFusedUpdate({ ...adamw(0.1) })).toBeNull()
  })
})

describe('donation keeps optimizers that hold the params correct', () => {
  it('lbfgs (its state keeps the params): donated equals pure over 12 steps on a quadratic', () => {
    const loss = (p: PyTree) => tree.sum(tree.mapElementwise((x) => 3 * (x - 0.5) ** 2, p))
    const gradient = (p: PyTree) => tree.mapElementwise((x) => 6 * (x - 0.5), p)
    const runWith = (donate: boolean) => {
      const tx = lbfgs()
      const step = applyGradients(tx, { donate })
      let s = initTrainState(copy(makeParams('float32')), tx)
      for (let t = 0; t < 12; t++) {
        const extra = {
          value: loss(s.params),
          grad: gradient(s.params),
          valueAndGradFn: (q: PyTree) => [loss(q), gradient(q)],
        }
        s = step(s, gradient(s.params), extra)
      }
      return s
    }
    const pure = runWith(false)
    expectTreesEqual(runWith(true).params, pure.params)
    expect(loss(pure.params)).toBeLessThan(1e-6)
  })
})

describe('bad input', () => {
  it('the state of another optimizer: a DescentError, and a donated state is left intact and usable', () => {
    const p = { w: tensor([1, 2]) }
    const other = initTrainState(p, sgd(0.1))
    expect(() => applyGradients(adamw(0.1))(other as never, { w: tensor([1, 1]) })).toThrow(DescentError)
    const mine = initTrainState(copy(p), adam(0.1))
    const before = copy({ p: mine.params, s: mine.optState as PyTree })
    const step = applyGradients(adam(0.1), { donate: true })
    expect(() => step(mine, { w: tensor([1, 1, 1]) })).toThrow(/shape/)
    expectTreesEqual({ p: mine.params, s: mine.optState }, before)
    expect(step(mine, { w: tensor([1, 1]) }).step).toBe(1)
  })

  it('rejects a non-boolean donate', () => {
    expect(() => applyGradients(sgd(0.1), { donate: 'yes' as unknown as boolean })).toThrow(
      'applyGradients options.donate',
    )
  })
})
