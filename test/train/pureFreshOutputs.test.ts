import { beforeAll, describe, expect, it } from 'vitest'
import {
  type PyTree,
  type TrainState,
  adamw,
  applyGradients,
  initTrainState,
  isTensor,
  tensor,
  tree,
} from '../../src/index'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import {
  FRESH_AHEAD,
  FRESH_MIN_BYTES,
  FRESH_SIZES,
  sharedKernels,
  whenFreshSettled,
  whenThreadsReady,
} from '../../src/kernels/wasm/shared'
import { f32, scalars } from '../_helpers/adamwInputs'
import { expectTypedArraysEqual } from '../_helpers/assertions'

/** A zero-filled array of `n` elements: from FRESH_MIN_BYTES one the worker made ahead where it can. */
const freshF32 = (n: number): Float32Array => sharedKernels()?.fresh(n) ?? new Float32Array(n)

// The smallest size the worker makes ahead, plus a scalar tail.
const n = FRESH_MIN_BYTES / 4 + 3
const taken = () => sharedKernels()?.freshTaken() ?? 0
/** A state's params, first moment and second moment arrays (the leaves of n elements, in tree order). */
const arrays = (s: TrainState): Float32Array[] =>
  tree
    .leaves([s.params, s.optState as PyTree])
    .filter(isTensor)
    .map((x) => x.data as Float32Array)
    .filter((a) => a.length === n)

describe('fresh arrays made ahead by the worker thread', () => {
  let two = false
  beforeAll(async () => {
    two = await whenThreadsReady()
  })

  it('small arrays are plain new arrays; nothing is asked of the worker', () => {
    const before = taken()
    const a = freshF32(FRESH_MIN_BYTES / 4 - 1)
    expect(a.length).toBe(FRESH_MIN_BYTES / 4 - 1)
    expect(taken()).toBe(before)
  })

  it('large ones: zeroed, ordinary, never handed out twice; from the worker once it has made them', async () => {
    // The first call of a size asks the worker for one array, the next (none ready yet) for the rest of FRESH_AHEAD.
    freshF32(n)
    freshF32(n)
    expect(await whenFreshSettled()).toBe(two)
    const before = taken()
    const got = Array.from({ length: FRESH_AHEAD }, () => freshF32(n))
    expect(taken() - before).toBe(two ? FRESH_AHEAD : 0)
    // One more: one the worker made meanwhile (it was asked for more by the calls above) or a plain new one, so
    // its source is a matter of timing and is not counted.
    got.push(freshF32(n))
    const buffers = new Set(got.map((a) => a.buffer))
    expect(buffers.size).toBe(got.length)
    for (const a of got) {
      expect(a.length).toBe(n)
      expect(a.buffer instanceof SharedArrayBuffer).toBe(false)
      expect(a.byteOffset).toBe(0)
      expect(a.buffer.byteLength).toBe(n * 4)
      // Zero-filled, and writable without touching another.
      expect(a.every((x) => x === 0)).toBe(true)
      a[n - 1] = 1
    }
    expect(got.filter((a) => a[n - 1] === 1).length).toBe(got.length)
  })

  it('keeps arrays of the FRESH_SIZES sizes asked for most recently; one asked for longer ago is dropped', async () => {
    const sizes = Array.from({ length: FRESH_SIZES + 1 }, (_, i) => n + 1024 * (i + 1))
    // The first call of a size finds none made and asks the worker for one.
    for (const m of sizes) expect(freshF32(m).length).toBe(m)
    await whenFreshSettled()
    const before = taken()
    for (const m of sizes.slice(1)) expect(freshF32(m).length).toBe(m)
    expect(taken() - before).toBe(two ? FRESH_SIZES : 0)
    // The first size was dropped when the last one was asked for: its arrays were left to the garbage collector.
    expect(freshF32(sizes[0]!).length).toBe(sizes[0])
    expect(taken() - before).toBe(two ? FRESH_SIZES : 0)
    await whenFreshSettled()
  })

  it('a job posted while the worker faults arrays in is served before they are all made', async () => {
    await whenFreshSettled()
    const s = sharedKernels()
    if (s === null) return expect(two).toBe(false)
    // relu over two regions of 4 floats, one part each; the outputs start as NaN, so a written part shows.
    const at = s.alloc(64)
    const f = s.f32()
    f.set([-1, 2, -3, 4, -5, 6, -7, 8], at / 4)
    f.fill(NaN, at / 4 + 8, at / 4 + 16)
    const done = (part: number) => s.f32()[at / 4 + 8 + part * 4 + 1] === 2 + part * 4
    let settledWhenServed: boolean | undefined
    // A new size, 32 MiB, asked for twice: the worker starts faulting FRESH_AHEAD arrays of it in (~80 ms each where
    // a fault costs 10 µs, ~10 ms on a plain kernel), long enough that this thread posts the job below before they
    // are made.
    freshF32((1 << 25) / 4 + 8)
    freshF32((1 << 25) / 4 + 8)
    s.parallel(
      'relu',
      [0, 1].map((part) => [at + part * 16, at + 32 + part * 16, 4]),
      true,
      () => {
        // This thread waits (a bound, not a timing) for the worker to run a part before claiming any itself.
        for (const end = Date.now() + 20_000; !done(0) && !done(1) && Date.now() < end;);
        settledWhenServed = s.freshSettled()
      },
    )
    expect(Array.from(s.f32().subarray(at / 4 + 8, at / 4 + 16))).toEqual([0, 2, 0, 4, 0, 6, 0, 8])
    s.free(at)
    // With two threads the worker ran its part between pages, while buffers were still to come.
    if (two) expect(settledWhenServed).toBe(false)
    await whenFreshSettled()
  })
})

describe.runIf(wasmAvailable())('a pure applyGradients step with leaves over the size made ahead', () => {
  it('is bit-identical to the kernel, returns ordinary arrays of its own, and never writes the caller’s', async () => {
    const tx = adamw(1e-3, { weightDecay: 1e-4 })
    const step = applyGradients(tx)
    const p0 = f32(n, 1, 2)
    const s0 = initTrainState({ w: tensor(p0, [n]) }, tx)
    // Warm the worker's buffers, so that the outputs below come from it where two threads run.
    freshF32(n)
    freshF32(n)
    await whenFreshSettled()
    const before = taken()
    let [p, m, v] = [p0.slice(), new Float32Array(n), new Float32Array(n)]
    const states = [s0]
    for (let t = 1; t <= 2; t++) {
      const g = f32(n, 10 + t, 0.1)
      const gKept = g.slice()
      const prev = states[states.length - 1]!
      const kept = arrays(prev).map((a) => a.slice())
      const next = step(prev, { w: tensor(g, [n]) })
      // The caller's state (and the gradient) are unchanged.
      arrays(prev).forEach((a, i) => expectTypedArraysEqual(a, kept[i]!))
      expectTypedArraysEqual(g, gKept)
      const want = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFusedTs(p, g, m, v, scalars(t, { wd: 1e-4 }), want)
      const out = arrays(next)
      expect(out.length).toBe(3)
      expectTypedArraysEqual(out[0]!, want.p)
      expectTypedArraysEqual(out[1]!, want.m)
      expectTypedArraysEqual(out[2]!, want.v)
      // Ordinary arrays, each of its own, none of them an input's.
      const inputs = new Set(states.flatMap((s) => arrays(s).map((a) => a.buffer)))
      for (const a of out) {
        expect(a.buffer instanceof SharedArrayBuffer).toBe(false)
        expect(inputs.has(a.buffer)).toBe(false)
      }
      expect(new Set(out.map((a) => a.buffer)).size).toBe(3)
      ;[p, m, v] = [want.p, want.m, want.v]
      states.push(next)
      await whenFreshSettled()
    }
    if (two()) expect(taken()).toBeGreaterThan(before)
  })
})

const two = () => sharedKernels()?.threads() === 2
