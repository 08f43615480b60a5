import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { baseHungarianAlgorithm, hungarianAlgorithm, tensor } from '../../src/index'
import { DEFAULT_SEED } from '../_helpers/seed'

/** The least cost over every injective map of the smaller side into the larger one (brute force). */
function bruteForce(c: number[][]): number {
  const [n, m] = [c.length, c[0]!.length]
  const rows = n <= m
  const k = Math.min(n, m)
  const big = Math.max(n, m)
  let best = Infinity
  const used = new Array<boolean>(big).fill(false)
  const go = (i: number, acc: number) => {
    if (i === k) {
      best = Math.min(best, acc)
      return
    }
    for (let j = 0; j < big; j++) {
      if (used[j]) continue
      used[j] = true
      go(i + 1, acc + (rows ? c[i]![j]! : c[j]![i]!))
      used[j] = false
    }
  }
  go(0, 0)
  return best
}

describe('hungarianAlgorithm', () => {
  it('reproduces optax’s docstring examples (costs 15 and 265)', () => {
    const a = [
      [8, 4, 7],
      [5, 2, 3],
      [9, 6, 7],
      [9, 4, 8],
    ]
    const [i, j] = hungarianAlgorithm(tensor(a))
    expect(i.reduce((s, r, k) => s + a[r]![j[k]!]!, 0)).toBe(15)
    expect([i, j]).toEqual([
      [0, 1, 3],
      [0, 2, 1],
    ])
    const b = [
      [90, 80, 75, 70],
      [35, 85, 55, 65],
      [125, 95, 90, 95],
      [45, 110, 95, 115],
      [50, 100, 90, 100],
    ]
    const [bi, bj] = baseHungarianAlgorithm(b)
    expect(bi.reduce((s, r, k) => s + b[r]![bj[k]!]!, 0)).toBe(265)
    expect(hungarianAlgorithm([])).toEqual([[], []])
    expect(() => hungarianAlgorithm([[1, Infinity]])).toThrow(/non-finite/)
  })

  it('is optimal, a matching, and of size min(n, m) on random matrices (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.integer({ min: 1, max: 5 }).chain((m) =>
            fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: m, maxLength: m }), {
              minLength: n,
              maxLength: n,
            }),
          ),
        ),
        (c) => {
          const [i, j] = hungarianAlgorithm(c)
          expect(i.length).toBe(Math.min(c.length, c[0]!.length))
          expect(new Set(i).size).toBe(i.length)
          expect(new Set(j).size).toBe(j.length)
          expect([...i].sort((a, b) => a - b)).toEqual(i)
          expect(i.reduce((s, r, k) => s + c[r]![j[k]!]!, 0)).toBe(bruteForce(c))
        },
      ),
      { seed: DEFAULT_SEED, numRuns: 200 },
    )
  })
})
