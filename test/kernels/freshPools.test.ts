import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { freshPools } from '../../src/kernels/wasm/freshPools'
import { DEFAULT_SEED } from '../_helpers/seed'

const buffer = (bytes: number) => new ArrayBuffer(bytes)

describe('freshPools: the bookkeeping of buffers made ahead', () => {
  it('a new size asks for one buffer, the next ask for the rest of `ahead`; each one handed out is replaced', () => {
    const p = freshPools(3, 4, 1000)
    expect(p.ask(8)).toEqual({ got: undefined, more: 1 })
    expect(p.ask(8)).toEqual({ got: undefined, more: 2 })
    expect(p.ask(8)).toEqual({ got: undefined, more: 0 })
    expect(p.pending()).toBe(3)
    const [a, b] = [buffer(8), buffer(8)]
    p.receive(a)
    p.receive(b)
    expect(p.pending()).toBe(1)
    // Last in, first out; one of three was handed out, so one more is asked for.
    expect(p.ask(8)).toEqual({ got: b, more: 1 })
    expect(p.ask(8)).toEqual({ got: a, more: 1 })
    expect(p.ask(8)).toEqual({ got: undefined, more: 0 })
    expect(p.pending()).toBe(3)
  })

  it('keeps the `sizes` sizes asked for most recently; buffers of a dropped size are not kept', () => {
    const p = freshPools(2, 2, 1000)
    p.ask(8)
    p.ask(16)
    expect(p.ask(8).more).toBe(1) // 8 is now the most recent, with its second buffer asked for
    expect(p.ask(24).more).toBe(1) // drops 16, asked for longest ago
    expect(p.sizes()).toEqual([8, 24])
    p.receive(buffer(16))
    expect(p.pending()).toBe(3)
    expect(p.ask(16)).toEqual({ got: undefined, more: 1 }) // a new size again; drops 8
    expect(p.sizes()).toEqual([24, 16])
  })

  it('at most `maxBytes` in all: fewer buffers of a large size, older sizes dropped, a size over it never kept', () => {
    const p = freshPools(3, 4, 100)
    p.ask(40)
    expect(p.ask(40).more).toBe(1) // ⌊100 / 40⌋ = 2 in all
    p.ask(30) // 2·40 + 3·30 > 100: 40 is dropped
    expect(p.sizes()).toEqual([30])
    expect(p.ask(30).more).toBe(2)
    p.ask(5) // 90 + 15 > 100: 30 is dropped
    expect(p.sizes()).toEqual([5])
    expect(p.ask(101)).toEqual({ got: undefined, more: 0 })
    expect(p.sizes()).toEqual([5])
  })

  it('buffers asked for before their size was dropped and arriving after it is asked for again are kept', () => {
    const p = freshPools(2, 1, 1000)
    p.ask(8)
    p.ask(8) // 2 of 8 asked for
    p.ask(16) // drops 8
    expect(p.ask(8).more).toBe(1) // drops 16; a new size: one more of 8 (3 in flight)
    const old = buffer(8)
    p.receive(old)
    // The new request is served; the two older ones still in flight are not counted (kept when they arrive).
    expect(p.ask(8)).toEqual({ got: old, more: 2 })
    expect(p.pending()).toBe(5) // 3 of 8, 1 of 16 (dropped), 2 more of 8, less the one received
    const [x, y] = [buffer(8), buffer(8)]
    p.receive(x)
    p.receive(y)
    expect(p.ask(8).got).toBe(y)
    expect(p.ask(8).got).toBe(x)
  })

  it('laws: never more than `sizes` sizes nor `maxBytes` asked ahead; a buffer is handed out at most once', () => {
    const op = fc.oneof(fc.record({ ask: fc.constantFrom(8, 16, 24, 40, 64, 200) }), fc.record({ receive: fc.nat(50) }))
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(op, { maxLength: 60 }),
        (ahead, sizes, ops) => {
          const maxBytes = 160
          const p = freshPools(ahead, sizes, maxBytes)
          const inFlight: number[] = []
          const handedOut = new Set<ArrayBuffer>()
          for (const o of ops) {
            if ('ask' in o) {
              const { got, more } = p.ask(o.ask)
              if (got !== undefined) {
                expect(got.byteLength).toBe(o.ask)
                expect(handedOut.has(got)).toBe(false)
                handedOut.add(got)
              }
              for (let i = 0; i < more; i++) inFlight.push(o.ask)
              expect(more * o.ask).toBeLessThanOrEqual(maxBytes)
              expect(p.sizes().length).toBeLessThanOrEqual(sizes)
              // Every kept size's full complement fits the budget (a single size: by construction).
              const held = p.sizes().reduce((s, b) => s + b * Math.min(ahead, Math.floor(maxBytes / b)), 0)
              expect(held).toBeLessThanOrEqual(maxBytes)
            } else if (inFlight.length > 0) {
              const [bytes] = inFlight.splice(o.receive % inFlight.length, 1)
              p.receive(buffer(bytes!))
            }
            expect(p.pending()).toBe(inFlight.length)
          }
        },
      ),
      { seed: DEFAULT_SEED, numRuns: 200 },
    )
  })
})
