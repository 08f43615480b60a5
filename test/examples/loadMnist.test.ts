import { describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import {
  IMAGE_SIZE,
  digitsCachePath,
  digitsFromPackage,
  loadAllDigits,
  loadMnistSplit,
  permutation,
  randomShift,
  subset,
} from '../../examples/_mnist/loadMnist'
import { prngKey } from '../../src/index'
import { expectTypedArraysEqual } from '../_helpers/assertions'

// The MNIST demo's data: the package's 10,000 digits, split by a key-driven Fisher–Yates shuffle.
describe('examples/_mnist/loadMnist', () => {
  it('permutation is a permutation, fixed by the key', () => {
    const p = permutation(prngKey(3), 1000)
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(permutation(prngKey(3), 1000)).toEqual(p)
    expect(permutation(prngKey(4), 1000)).not.toEqual(p)
    expect([...permutation(prngKey(0), 1)]).toEqual([0])
    expect([...permutation(prngKey(0), 0)]).toEqual([])
  })

  it('the split is deterministic, 8,000 / 2,000, and partitions the 10,000 digits', () => {
    const all = loadAllDigits()
    expect(all.count).toBe(10_000)
    expect(all.images.length).toBe(10_000 * IMAGE_SIZE)
    expect(all.images.every((v) => v >= 0 && v <= 1)).toBe(true)
    const a = loadMnistSplit(prngKey(0))
    const b = loadMnistSplit(prngKey(0))
    expect(a.train.count).toBe(8000)
    expect(a.test.count).toBe(2000)
    expectTypedArraysEqual(a.train.labels, b.train.labels)
    expectTypedArraysEqual(a.test.images, b.test.images)
    // Per-digit counts of train + test equal the package's counts: a partition, nothing repeated or lost.
    const counts = (labels: Int32Array) =>
      labels.reduce((c, l) => ((c[l] = c[l]! + 1), c), new Array<number>(10).fill(0))
    const total = counts(all.labels)
    const [tr, te] = [counts(a.train.labels), counts(a.test.labels)]
    expect(tr.map((n, d) => n + te[d]!)).toEqual(total)
    expect(te.every((n) => n > 150)).toBe(true) // every digit is represented in the test set
  })

  it("the cached digits are the package's digits bit for bit (written by the first load, read by the next)", () => {
    const fromJson = digitsFromPackage()
    loadAllDigits()
    expect(existsSync(digitsCachePath())).toBe(true)
    const cached = loadAllDigits()
    expect(cached.count).toBe(fromJson.count)
    expectTypedArraysEqual(cached.labels, fromJson.labels)
    expect(cached.images.every((v, i) => Object.is(v, fromJson.images[i]))).toBe(true)
  })

  it('randomShift moves each image by at most one pixel and keeps the labels', () => {
    const set = subset(
      loadAllDigits(),
      Array.from({ length: 40 }, (_, i) => i * 250),
    )
    const shifted = randomShift(set, prngKey(1))
    expect(shifted.labels).toEqual(set.labels)
    for (let i = 0; i < set.count; i++) {
      const img = (s: typeof set) => s.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE)
      const matches = [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].map((dx) => [dx, dy] as const))
        .filter(([dx, dy]) =>
          img(shifted).every((v, k) => {
            const [r, c] = [Math.floor(k / 28) - dy, (k % 28) - dx]
            return v === (r >= 0 && r < 28 && c >= 0 && c < 28 ? img(set)[r * 28 + c]! : 0)
          }),
        )
      expect(matches.length).toBeGreaterThan(0)
    }
  })

  it('randomShift into a reused (dirty) buffer gives the same images as into a new one', () => {
    const set = subset(
      loadAllDigits(),
      Array.from({ length: 20 }, (_, i) => i * 499),
    )
    const into = new Float32Array(32 * IMAGE_SIZE).fill(7)
    const a = randomShift(set, prngKey(2), into)
    const b = randomShift(set, prngKey(2))
    expect(a.images.length).toBe(set.images.length)
    expect(a.images.buffer).toBe(into.buffer)
    expectTypedArraysEqual(a.images, b.images)
  })
})
