import { describe, expect, it } from 'vitest'
import { adamwInArena, newAdamwArena } from '../../src/kernels/fused/adamwArena'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { newArena } from '../../src/kernels/wasm/arena'
import { CHUNK, wasmAvailable } from '../../src/kernels/wasm/index'
import { f32, scalars } from '../_helpers/adamwInputs'
import { expectTypedArraysEqual } from '../_helpers/assertions'

describe.runIf(wasmAvailable())('wasm arenas', () => {
  it('regions are zeroed, disjoint, 16-byte aligned views of one memory that is never grown again', () => {
    const sizes = [5, 1, 8, 0, 3]
    const a = newArena(sizes)!
    expect(a.regions.map((r) => r.length)).toEqual(sizes)
    for (const r of a.regions) {
      expect(r.buffer).toBe(a.buffer)
      expect(r.byteOffset % 16).toBe(0)
      expect([...r].every((x) => x === 0)).toBe(true)
    }
    // Writing each region whole leaves the others untouched.
    a.regions.forEach((r, i) => r.fill(i + 1))
    a.regions.forEach((r, i) => expect([...r].every((x) => x === i + 1)).toBe(true))
    // Two arenas never share memory.
    expect(newArena([4])!.buffer).not.toBe(a.buffer)
  })

  it('a memory beyond what wasm32 addresses gives null (the caller keeps plain arrays)', () => {
    expect(newArena([2 ** 30])).toBeNull()
  })

  // Sizes around the SIMD width and the chunk: a scalar tail only, several chunks with a tail, an exact chunk.
  it.each([1, 3, 4, 7, CHUNK, 2 * CHUNK + 5, 3 * CHUNK + 3])(
    '%i elements: in place in the arena equals the TS kernel with fresh outputs, bit for bit, over 3 steps',
    (n) => {
      for (const o of [{}, { nesterov: true }, { applyWd: false, s: 1 }, { eps: 0, epsRoot: 1e-8 }] as const) {
        const a = newAdamwArena([n, 6])!
        const leaf = a.leaves[0]!
        let [p, m, v] = [f32(n, 1, 10), f32(n, 3), f32(n, 4).map(Math.abs)]
        leaf.p.set(p)
        leaf.m.set(m)
        leaf.v.set(v)
        const other = a.leaves[1]!
        other.p.fill(7)
        for (let t = 1; t <= 3; t++) {
          const g = f32(n, 10 + t, 100)
          const gCopy = g.slice()
          const c = scalars(t, o)
          const want = {
            m: new Float32Array(n),
            v: new Float32Array(n),
            u: new Float32Array(n),
            p: new Float32Array(n),
          }
          adamwFusedTs(p, g, m, v, c, want)
          adamwInArena(a, 0, g, c)
          expectTypedArraysEqual(leaf.p, want.p)
          expectTypedArraysEqual(leaf.m, want.m)
          expectTypedArraysEqual(leaf.v, want.v)
          expectTypedArraysEqual(leaf.u, want.u)
          expectTypedArraysEqual(g, gCopy)
          ;[p, m, v] = [want.p, want.m, want.v]
        }
        // The neighbouring leaf is untouched.
        expect([...other.p].every((x) => x === 7)).toBe(true)
        expect([...other.m, ...other.v, ...other.u].every((x) => x === 0)).toBe(true)
      }
    },
  )

  it('without storing u: the same p′, m′, v′, and u left as it was', () => {
    const n = CHUNK + 6
    const [a, b] = [newAdamwArena([n])!, newAdamwArena([n])!]
    for (const x of [a, b]) {
      x.leaves[0]!.p.set(f32(n, 1, 10))
      x.leaves[0]!.u!.fill(-5)
    }
    for (let t = 1; t <= 2; t++) {
      const g = f32(n, 20 + t, 100)
      adamwInArena(a, 0, g, scalars(t))
      adamwInArena(b, 0, g, scalars(t), false)
    }
    const [la, lb] = [a.leaves[0]!, b.leaves[0]!]
    expectTypedArraysEqual(lb.p, la.p)
    expectTypedArraysEqual(lb.m, la.m)
    expectTypedArraysEqual(lb.v, la.v)
    // The SIMD part stores no u; the scalar tail (the last n mod 4 elements) may.
    expect([...lb.u!.subarray(0, n & ~3)].every((x) => x === -5)).toBe(true)
  })
})
