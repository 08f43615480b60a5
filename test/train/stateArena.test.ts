import { describe, expect, it } from 'vitest'
import {
  type PyTree,
  type Tensor,
  adamw,
  applyGradients,
  applyUpdates,
  initTrainState,
  isTensor,
  nadamw,
  tensor,
  tree,
} from '../../src/index'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { ELEMENTWISE_SPLIT_MIN, sharedKernels, whenThreadsReady } from '../../src/kernels/wasm/shared'
import { ARENA_MIN } from '../../src/train/stateArena'
import { f32 } from '../_helpers/adamwInputs'
import { expectTreesEqual } from '../_helpers/assertions'

const copy = (p: PyTree): PyTree => tree.map((x) => (isTensor(x) ? tensor(x.data.slice(), x.shape as number[]) : x), p)
const views = (t: PyTree): Float32Array[] =>
  tree.leaves(t).flatMap((x) => (isTensor(x) ? [x.data as Float32Array] : []))
const isWasmMemory = (b: ArrayBufferLike): boolean => b.byteLength % 65536 === 0 && b.byteLength >= 65536

// A tree over ARENA_MIN elements, with leaves that are not multiples of the SIMD width (the scalar tail runs too).
const big = (seed: number): PyTree => {
  let x = seed
  const r = (n: number) => Float32Array.from({ length: n }, () => ((x = (x * 16807) % 2147483647) / 2147483647) * 2 - 1)
  return { w: tensor(r(3001), [3001]), b: tensor(r(7)), deep: [tensor(r(40), [5, 8])] }
}

describe.runIf(wasmAvailable())('donated Adam state lives in wasm memory owned by the stepper', () => {
  it('the tree is over the arena threshold', () => {
    expect(views(big(1)).reduce((s, a) => s + a.length, 0)).toBeGreaterThanOrEqual(ARENA_MIN)
  })

  it.each([
    ['adamw', () => adamw(0.01, { weightDecay: 0.1 })],
    ['nadamw', () => nadamw(0.01)],
  ])(
    '%s: from the first donated step on, params and moments are the same wasm views, bit-identical to pure',
    (_, make) => {
      const tx = make()
      const step = applyGradients(tx, { donate: true })
      let ref = { params: big(1), state: tx.init(big(1)) as unknown }
      let state = initTrainState(big(1), tx)
      let first: Float32Array[] | null = null
      for (let t = 0; t < 6; t++) {
        const g = big(100 + t)
        const [u, next] = tx.update(g, ref.state as never, ref.params)
        ref = { params: applyUpdates(ref.params, u), state: next }
        state = step(state, g)
        expectTreesEqual({ p: state.params, s: state.optState }, { p: ref.params, s: ref.state })
        const now = views([state.params, state.optState as PyTree])
        for (const a of now) expect(isWasmMemory(a.buffer)).toBe(true)
        if (first === null) first = now
        // The very same views, updated in place: no array is made per step.
        else now.forEach((a, i) => expect(a).toBe(first![i]))
      }
    },
  )

  it('a state the caller still holds is never written when another state is donated to the stepper', () => {
    const tx = adamw(0.01)
    const step = applyGradients(tx, { donate: true })
    const s1 = step(initTrainState(big(1), tx), big(2))
    const kept = copy({ p: s1.params, s: s1.optState as PyTree })
    // A second, unrelated state donated to the same stepper gets an arena of its own.
    const other = step(initTrainState(big(3), tx), big(4))
    step(other, big(5))
    expectTreesEqual({ p: s1.params, s: s1.optState }, kept)
    // And s1 can still be donated and stepped, as if nothing had happened in between.
    const pure = applyGradients(tx)(copyState(s1), big(6))
    expectTreesEqual(step(s1, big(6)).params, pure.params)
  })

  it('gradients that are views of the arena (the params themselves) read the values from before the step', () => {
    const tx = adamw(0.01)
    const step = applyGradients(tx, { donate: true })
    const s1 = step(initTrainState(big(1), tx), big(2))
    const expected = applyGradients(tx)(copyState(s1), copy(s1.params))
    const g = s1.params
    const s2 = step(s1, g)
    expectTreesEqual({ p: s2.params, s: s2.optState }, { p: expected.params, s: expected.optState })
  })

  it('a pure step never returns, nor writes, the views of a donated state', () => {
    const tx = adamw(0.01)
    const s1 = applyGradients(tx, { donate: true })(initTrainState(big(1), tx), big(2))
    const kept = copy({ p: s1.params, s: s1.optState as PyTree })
    const s2 = applyGradients(tx)(s1, big(3))
    expectTreesEqual({ p: s1.params, s: s1.optState }, kept)
    const before = new Set(views([s1.params, s1.optState as PyTree]).map((a) => a.buffer))
    for (const a of views([s2.params, s2.optState as PyTree])) expect(before.has(a.buffer)).toBe(false)
  })

  it('a leaf over the split threshold: the donated step runs on two threads once the worker binds the arena, bit-identical to pure', async () => {
    const two = await whenThreadsReady()
    const n = ELEMENTWISE_SPLIT_MIN + 7
    const leaf = (seed: number) => tensor(f32(n, seed), [n])
    const tx = adamw(0.01, { weightDecay: 0.1 })
    const step = applyGradients(tx, { donate: true })
    const pure = applyGradients(tx)
    let ref = initTrainState({ w: leaf(1), b: tensor([0.5, -0.5]) }, tx)
    let state = initTrainState({ w: leaf(1), b: tensor([0.5, -0.5]) }, tx)
    const before = sharedKernels()?.splits() ?? 0
    const split = () => (sharedKernels()?.splits() ?? 0) > before
    // At least 4 steps; then, with two threads, more until the worker has bound the arena's memory (it does so
    // asynchronously, and late on a loaded machine), each still compared with the pure step.
    for (let t = 0; t < 4 || (two && !split() && t < 60); t++) {
      const g = { w: leaf(10 + t), b: tensor([1, -2]) }
      const kept = copy(g)
      ref = pure(ref, g)
      state = step(state, g)
      expectTreesEqual(g, kept)
      expectTreesEqual({ p: state.params, s: state.optState }, { p: ref.params, s: ref.optState })
      expect((state.params.w as Tensor).data.buffer instanceof SharedArrayBuffer).toBe(two)
      await new Promise((r) => setTimeout(r, 200))
    }
    if (two) expect(sharedKernels()!.splits()).toBeGreaterThan(before)
  }, 30_000)

  it('a tree under the threshold keeps the plain donated path (plain arrays)', () => {
    const tx = adamw(0.01)
    const small = { w: tensor([1, 2, 3, 4, 5]) }
    const state = initTrainState(small, tx)
    const next = applyGradients(tx, { donate: true })(state, { w: tensor([1, -1, 1, -1, 1]) })
    expect(isWasmMemory((next.params.w as Tensor).data.buffer)).toBe(false)
  })
})

function copyState<S extends { params: PyTree; optState: unknown; step: number }>(s: S): S {
  return { ...s, params: copy(s.params), optState: copy(s.optState as PyTree) }
}
