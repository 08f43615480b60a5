import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type AdamwArena, adamwInArena, newAdamwArena } from '../../src/kernels/fused/adamwArena'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { ELEMENTWISE_SPLIT_MIN, sharedKernels, whenThreadsReady } from '../../src/kernels/wasm/shared'
import { expectTypedArraysEqual } from '../_helpers/assertions'
import { ARENA_CASES, arenaGrad, digest, runArenaCase } from './fixtures/adamwArenaCases'
import { f32, scalars } from '../_helpers/adamwInputs'

/** Runs fixtures/adamwArenaChild.ts in a fresh Node process (mode: see there). */
function child(mode: string, env: Record<string, string> = {}) {
  const script = resolve(__dirname, 'fixtures/adamwArenaChild.ts')
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, mode], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  return JSON.parse(r.stdout) as { shared: boolean; digests: string[] }[]
}

/** Waits until the worker has its instance over the arena's memory (true), or false when it never will here. */
async function bound(a: AdamwArena): Promise<boolean> {
  const site = a.arena.split
  if (site === null) return false
  for (let i = 0; i < 2000 && site.threads() !== 2; i++) await new Promise((r) => setTimeout(r, 5))
  return site.threads() === 2
}

const twoThreadsHere = () =>
  sharedKernels() !== null && availableParallelism() >= 2 && process.env['DESCENT_THREADS'] !== '1'

describe.runIf(wasmAvailable())('the donated Adam step on two threads (state in a shared arena)', () => {
  let two = false
  beforeAll(async () => {
    two = await whenThreadsReady()
  })

  it('an arena with a leaf over the split threshold is shared where two threads are wanted, else not', () => {
    expect(two).toBe(twoThreadsHere())
    const big = newAdamwArena([3, ELEMENTWISE_SPLIT_MIN])!
    expect(big.arena.split !== null).toBe(two)
    expect(big.arena.buffer instanceof SharedArrayBuffer).toBe(two)
    // The worker's gradient region holds half of the largest leaf.
    if (two) expect(big.gSplit!.length).toBe(ELEMENTWISE_SPLIT_MIN / 2)
    const small = newAdamwArena([ELEMENTWISE_SPLIT_MIN - 1, 5])!
    expect(small.arena.split).toBeNull()
    expect(small.gSplit).toBeNull()
  })

  it('the worker binds a shared arena on demand', async () => {
    const a = newAdamwArena([ELEMENTWISE_SPLIT_MIN])!
    expect(await bound(a)).toBe(two)
  })

  it.each(ARENA_CASES)('%i elements: two threads give the bytes of one thread, over 3 steps', async (n) => {
    const [one, split] = [newAdamwArena([n])!, newAdamwArena([n])!]
    expect(await bound(split)).toBe(two && n >= ELEMENTWISE_SPLIT_MIN)
    const before = sharedKernels()?.splits() ?? 0
    runArenaCase(one, n, 1)
    expect(sharedKernels()?.splits() ?? 0).toBe(before)
    runArenaCase(split, n, 2)
    // One job per step posted to the worker when the leaf is over the threshold.
    expect((sharedKernels()?.splits() ?? 0) - before).toBe(two && n >= ELEMENTWISE_SPLIT_MIN ? 3 : 0)
    const [l1, l2] = [one.leaves[0]!, split.leaves[0]!]
    expectTypedArraysEqual(l2.p, l1.p)
    expectTypedArraysEqual(l2.m, l1.m)
    expectTypedArraysEqual(l2.v, l1.v)
  })

  it('a forced split (threads: 2) of a small leaf in a shared arena gives the bytes of one thread too', async () => {
    const n = 103
    const [one, split] = [newAdamwArena([n])!, newAdamwArena([n, ELEMENTWISE_SPLIT_MIN])!]
    expect(await bound(split)).toBe(two)
    const before = sharedKernels()?.splits() ?? 0
    runArenaCase(one, n, 1)
    runArenaCase(split, n, 2)
    expect((sharedKernels()?.splits() ?? 0) - before).toBe(two ? 3 : 0)
    const [l1, l2] = [one.leaves[0]!, split.leaves[0]!]
    for (const k of ['p', 'm', 'v'] as const) expectTypedArraysEqual(l2[k], l1[k])
  })

  it('a part whose preparation throws: the call throws, nothing waits forever, and the next call runs', async () => {
    const a = newAdamwArena([ELEMENTWISE_SPLIT_MIN])!
    const site = a.arena.split
    expect(site !== null).toBe(two)
    if (site === null) return
    await bound(a)
    const empty = new Array<number>(20).fill(0) // adamw over 0 elements: touches nothing
    const prepared: number[] = []
    const fail = (j: number) => {
      prepared.push(j)
      if (j === 1) throw new Error('prepare failed')
    }
    expect(() => site.parallel('adamw', [empty, empty, empty], true, undefined, fail)).toThrow('prepare failed')
    expect(prepared).toEqual([0, 1])
    let ran = false
    site.parallel(
      'adamw',
      [empty, empty],
      true,
      () => (ran = true),
      (j) => prepared.push(10 + j),
    )
    expect([ran, prepared]).toEqual([true, [0, 1, 10, 11]])
  })

  it('two threads equal the TS kernel with fresh outputs (p, m, v, u), and leave the gradient untouched', async () => {
    const n = 2 * ELEMENTWISE_SPLIT_MIN + 3
    const a = newAdamwArena([n, 8])!
    await bound(a)
    const leaf = a.leaves[0]!
    let [p, m, v] = [f32(n, 1, 10), new Float32Array(n), new Float32Array(n)]
    leaf.p.set(p)
    a.leaves[1]!.p.fill(7)
    for (let t = 1; t <= 2; t++) {
      const g = arenaGrad(n, t)
      const gCopy = g.slice()
      const want = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFusedTs(p, g, m, v, scalars(t), want)
      adamwInArena(a, 0, g, scalars(t), true, 2)
      for (const k of ['p', 'm', 'v', 'u'] as const) expectTypedArraysEqual(leaf[k], want[k])
      expectTypedArraysEqual(g, gCopy)
      ;[p, m, v] = [want.p, want.m, want.v]
    }
    // The neighbouring leaf is untouched.
    expect([...a.leaves[1]!.p].every((x) => x === 7)).toBe(true)
  })

  it('without SharedArrayBuffer (a page without cross-origin isolation): own memory, one thread, same bytes', () => {
    const r = child('noshared')
    ARENA_CASES.forEach((n, i) => {
      expect(r[i]!.shared).toBe(false)
      const a = newAdamwArena([n])!
      runArenaCase(a, n, 2)
      const l = a.leaves[0]!
      expect(r[i]!.digests).toEqual([l.p, l.m, l.v].map(digest))
    })
  })

  it('DESCENT_THREADS=1 keeps the arena on the calling thread (not shared), same bytes', () => {
    const r = child('env', { DESCENT_THREADS: '1' })
    ARENA_CASES.forEach((n, i) => {
      expect(r[i]!.shared).toBe(false)
      const a = newAdamwArena([n])!
      runArenaCase(a, n)
      const l = a.leaves[0]!
      expect(r[i]!.digests).toEqual([l.p, l.m, l.v].map(digest))
    })
  })
})
