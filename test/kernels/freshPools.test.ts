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

  it('at most `maxBytes` in all: fewer buffers of a large size, older sizes dropped, in-flight bytes counted', () => {
    const p = freshPools(3, 4, 100)
    p.ask(40)
    expect(p.ask(40).more).toBe(1) // ⌊100 / 40⌋ = 2 in all
    // 2·40 + 3·30 > 100: 40 is dropped, but its 80 bytes still in flight leave no room for a buffer of 30.
    expect(p.ask(30).more).toBe(0)
    expect(p.sizes()).toEqual([30])
    p.receive(buffer(40))
    p.receive(buffer(40)) // arriving after their size was dropped: not kept
    expect(p.held()).toBe(0)
    expect(p.ask(30).more).toBe(3)
    expect(p.held()).toBe(90)
    // 90 + 3·5 > 100: 30 is dropped; its 90 bytes in flight leave room for 2 of 5, and a new size asks for 1.
    expect(p.ask(5).more).toBe(1)
    expect(p.sizes()).toEqual([5])
    expect(p.ask(101)).toEqual({ got: undefined, more: 0 })
    expect(p.sizes()).toEqual([5])
  })

  it('buffers asked for before their size was dropped and arriving after it is asked for again: kept while there is room', () => {
    const p = freshPools(2, 1, 1000)
    p.ask(8)
    p.ask(8) // 2 of 8 asked for
    p.ask(16) // drops 8
    expect(p.ask(8).more).toBe(1) // drops 16; a new size: one more of 8 (3 in flight)
    const [old, x, y] = [buffer(8), buffer(8), buffer(8)]
    p.receive(old)
    // The new request is served; the two older ones still in flight are not counted against the size.
    expect(p.ask(8)).toEqual({ got: old, more: 2 })
    expect(p.pending()).toBe(5) // 3 of 8, 1 of 16 (dropped), 2 more of 8, less the one received
    p.receive(x)
    p.receive(y)
    p.receive(buffer(8))
    p.receive(buffer(8)) // all requests received and 2 ready: the size is full, this one is dropped
    p.receive(buffer(16))
    expect(p.pending()).toBe(0)
    expect(p.held()).toBe(16) // x and y, ready
    expect(p.ask(8)).toEqual({ got: y, more: 1 })
  })

  it('a buffer that will not arrive (lost) stops counting as in flight, and is asked for again', () => {
    const p = freshPools(2, 4, 1000)
    p.ask(8)
    expect(p.ask(8).more).toBe(1)
    p.lost(8)
    expect(p.pending()).toBe(1)
    expect(p.held()).toBe(8)
    expect(p.ask(8).more).toBe(1) // 2 wanted, 1 in flight
    expect(p.pending()).toBe(2)
  })

  it('laws: at most `sizes` sizes and `maxBytes` held; held covers what is in flight; no buffer handed out twice', () => {
    const op = fc.oneof(
      fc.record({ ask: fc.constantFrom(8, 16, 24, 40, 64, 200) }),
      fc.record({ receive: fc.nat(50) }),
      fc.record({ lose: fc.nat(50) }),
    )
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
          const received = new Set<ArrayBuffer>()
          // Bytes received and not handed out: an upper bound of what the pools can hold ready.
          let receivedBytes = 0
          for (const o of ops) {
            if ('ask' in o) {
              const { got, more } = p.ask(o.ask)
              if (got !== undefined) {
                expect(got.byteLength).toBe(o.ask)
                expect(handedOut.has(got)).toBe(false)
                handedOut.add(got)
                receivedBytes -= got.byteLength
              }
              for (let i = 0; i < more; i++) inFlight.push(o.ask)
              expect(p.sizes().length).toBeLessThanOrEqual(sizes)
            } else if ('lose' in o) {
              if (inFlight.length > 0) p.lost(inFlight.splice(o.lose % inFlight.length, 1)[0]!)
            } else if (inFlight.length > 0) {
              const [bytes] = inFlight.splice(o.receive % inFlight.length, 1)
              const b = buffer(bytes!)
              received.add(b)
              p.receive(b)
              receivedBytes += bytes!
            }
            const inFlightBytes = inFlight.reduce((s, b) => s + b, 0)
            expect(p.pending()).toBe(inFlight.length)
            expect(p.held()).toBeLessThanOrEqual(maxBytes)
            expect(p.held()).toBeGreaterThanOrEqual(inFlightBytes)
            expect(p.held() - inFlightBytes).toBeLessThanOrEqual(receivedBytes)
          }
          // Drain: deliver what is in flight, then take every ready buffer of every kept size (asking for a kept
          // size drops none). What comes out is exactly what held() counted, at most `ahead` of a size, each a
          // buffer that arrived and was not handed out before.
          for (const bytes of inFlight.splice(0)) {
            const b = buffer(bytes)
            received.add(b)
            p.receive(b)
          }
          const held = p.held()
          let collected = 0
          for (const size of p.sizes()) {
            let count = 0
            for (let r = p.ask(size); r.got !== undefined; r = p.ask(size)) {
              expect(received.has(r.got)).toBe(true)
              expect(handedOut.has(r.got)).toBe(false)
              handedOut.add(r.got)
              collected += size
              count++
            }
            expect(count).toBeLessThanOrEqual(ahead)
          }
          expect(collected).toBe(held)
        },
      ),
      { seed: DEFAULT_SEED, numRuns: 300 },
    )
  })
})
