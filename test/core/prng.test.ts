import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  type PRNGKey,
  type PyTree,
  DescentError,
  HyperparameterError,
  prngKey,
  randomBernoulli,
  randomNormal,
  randomUniform,
  splitKey,
  tree,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'

const N = 100_000

const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((s, x) => s + x, 0) / xs.length
const variance = (xs: ArrayLike<number>): number => {
  const m = mean(xs)
  return Array.from(xs).reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1)
}

describe('prngKey', () => {
  test('a key is two unsigned 32-bit words: [high, low] of the seed', () => {
    expect(prngKey(0)).toEqual([0, 0])
    expect(prngKey(42)).toEqual([0, 42])
    expect(prngKey(2 ** 32 + 5)).toEqual([1, 5])
    expect(prngKey(Number.MAX_SAFE_INTEGER)).toEqual([2 ** 21 - 1, 2 ** 32 - 1])
    // −1 = −2³² + (2³² − 1): high word −1 ≡ 2³² − 1, low word 2³² − 1
    expect(prngKey(-1)).toEqual([2 ** 32 - 1, 2 ** 32 - 1])
  })

  test('a seed that is not a safe integer is a HyperparameterError', () => {
    for (const bad of [0.5, NaN, Infinity, 2 ** 53]) {
      expect(() => prngKey(bad)).toThrow(HyperparameterError)
    }
    expect(() => prngKey(1.5)).toThrow('prngKey seed must be a safe integer; got 1.5')
  })

  test.prop([fc.maxSafeInteger()])('keys hold unsigned 32-bit integers', (seed) => {
    const key = prngKey(seed)
    expect(key).toHaveLength(2)
    for (const w of key) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true)
  })

  test.prop([fc.nat(), fc.nat()])('different non-negative seeds give different keys', (a, b) => {
    fc.pre(a !== b)
    expect(prngKey(a)).not.toEqual(prngKey(b))
  })
})

describe('keys are plain pytrees', () => {
  test('a key is an array of two numbers, valid as a pytree and JSON-serialisable', () => {
    const key = prngKey(7)
    expect(Array.isArray(key)).toBe(true)
    expect(() => tree.validate(key as PyTree)).not.toThrow()
    expect(tree.leaves(key as PyTree)).toEqual([...key])
    const back = JSON.parse(JSON.stringify(key)) as PRNGKey
    expect(back).toEqual(key)
    expectTreesEqual(randomNormal(back, [16]), randomNormal(key, [16]))
  })

  test('split keys are plain pairs too, and survive structuredClone', () => {
    for (const k of splitKey(prngKey(3), 4)) {
      expect(k).toHaveLength(2)
      for (const w of k) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true)
      expectTreesEqual(randomUniform(structuredClone(k), [8]), randomUniform(k, [8]))
    }
  })
})

describe('splitKey', () => {
  test('is deterministic', () => {
    expect(splitKey(prngKey(0))).toEqual(splitKey(prngKey(0)))
    expect(splitKey(prngKey(9), 7)).toEqual(splitKey(prngKey(9), 7))
  })

  test('gives num keys (2 by default), all different from each other and from the parent', () => {
    const parent = prngKey(1)
    expect(splitKey(parent)).toHaveLength(2)
    const keys = splitKey(parent, 50)
    expect(keys).toHaveLength(50)
    const seen = new Set([JSON.stringify(parent), ...keys.map((k) => JSON.stringify(k))])
    expect(seen.size).toBe(51)
    expect(splitKey(parent, 0)).toEqual([])
  })

  test('splitting the children again never repeats a key (a small tree of splits)', () => {
    const seen = new Set<string>()
    let frontier = [prngKey(123)]
    for (let depth = 0; depth < 6; depth++) {
      frontier = frontier.flatMap((k) => splitKey(k, 3))
      for (const k of frontier) seen.add(JSON.stringify(k))
    }
    // 3 + 9 + … + 729 = 1092 keys
    expect(seen.size).toBe(1092)
  })

  test('does not modify its input', () => {
    const key = prngKey(5)
    const copy = [...key]
    splitKey(key, 3)
    expect([...key]).toEqual(copy)
  })

  test.prop([fc.nat()], { numRuns: 20 })('samples from two split keys are different and uncorrelated', (seed) => {
    const [k1, k2] = splitKey(prngKey(seed)) as [PRNGKey, PRNGKey]
    const n = 4000
    const a = randomNormal(k1, [n], { dtype: 'float64' }).data
    const b = randomNormal(k2, [n], { dtype: 'float64' }).data
    let dot = 0
    for (let i = 0; i < n; i++) dot += a[i]! * b[i]!
    // for independent standard normals, Σaᵢbᵢ/n has standard deviation 1/√n; allow 6σ
    expect(Math.abs(dot / n)).toBeLessThan(6 / Math.sqrt(n))
  })
})

describe('randomUniform', () => {
  test('is deterministic: same key, same numbers (bit for bit)', () => {
    expectTreesEqual(randomUniform(prngKey(11), [3, 4]), randomUniform(prngKey(11), [3, 4]))
    expect(Array.from(randomUniform(prngKey(11), [5]).data)).not.toEqual(
      Array.from(randomUniform(prngKey(12), [5]).data),
    )
  })

  test('shape and dtype follow the arguments (float32 by default)', () => {
    const x = randomUniform(prngKey(0), [2, 3])
    expect(x.shape).toEqual([2, 3])
    expect(x.dtype).toBe('float32')
    expect(randomUniform(prngKey(0), [4], { dtype: 'float64' }).dtype).toBe('float64')
    expect(randomUniform(prngKey(0), []).shape).toEqual([])
    expect(randomUniform(prngKey(0), [0]).size).toBe(0)
  })

  test('float32 samples are the float64 samples rounded', () => {
    const x32 = randomUniform(prngKey(4), [100]).data
    const x64 = randomUniform(prngKey(4), [100], { dtype: 'float64' }).data
    x32.forEach((v, i) => expect(v).toBe(Math.fround(x64[i]!)))
  })

  test('values lie in [minval, maxval)', () => {
    const x = randomUniform(prngKey(1), [N], { minval: -3, maxval: 5 }).data
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-3)
    expect(Math.max(...x)).toBeLessThan(5)
  })

  test('maxval stays exclusive in float32 even when a sample rounds up to it', () => {
    // With this key one of the 1000 float64 samples is above 1 − 2⁻²⁵, which rounds to 1 in float32.
    const key = prngKey(25024)
    const x64 = randomUniform(key, [1000], { dtype: 'float64' }).data
    expect(x64.some((v) => Math.fround(v) === 1)).toBe(true)
    const x32 = randomUniform(key, [1000]).data
    expect(Math.max(...x32)).toBe(1 - 2 ** -24) // the largest float32 below 1
  })

  test('mean and variance match (a + b)/2 and (b − a)²/12 within 5σ', () => {
    const [a, b] = [-1, 3]
    const x = randomUniform(prngKey(2), [N], { minval: a, maxval: b, dtype: 'float64' }).data
    const w = b - a
    // sd of the sample mean: w/√(12N); sd of the sample variance: w²·√((1/80 − 1/144)/N)
    expect(Math.abs(mean(x) - (a + b) / 2)).toBeLessThan((5 * w) / Math.sqrt(12 * N))
    expect(Math.abs(variance(x) - (w * w) / 12)).toBeLessThan(5 * w * w * Math.sqrt((1 / 80 - 1 / 144) / N))
  })

  test('every tenth of [0, 1) gets a tenth of the samples (within 5σ)', () => {
    const x = randomUniform(prngKey(3), [N], { dtype: 'float64' }).data
    const counts = new Array<number>(10).fill(0)
    for (const v of x) counts[Math.floor(v * 10)]! += 1
    const sd = Math.sqrt(N * 0.1 * 0.9)
    for (const c of counts) expect(Math.abs(c - N / 10)).toBeLessThan(5 * sd)
  })
})

describe('randomNormal', () => {
  test('is deterministic and keeps shape and dtype', () => {
    expectTreesEqual(randomNormal(prngKey(5), [3, 3]), randomNormal(prngKey(5), [3, 3]))
    const x = randomNormal(prngKey(5), [3])
    expect(x.shape).toEqual([3])
    expect(x.dtype).toBe('float32')
    expect(randomNormal(prngKey(5), [2], { dtype: 'float64' }).dtype).toBe('float64')
  })

  test('an odd number of samples is fine and every sample is finite', () => {
    const x = randomNormal(prngKey(6), [7, 3]).data
    expect(x).toHaveLength(21)
    expect(Array.from(x).every(Number.isFinite)).toBe(true)
  })

  test('standard normal: mean 0 and variance 1 within 5σ', () => {
    const x = randomNormal(prngKey(8), [N], { dtype: 'float64' }).data
    // sd of the sample mean 1/√N; sd of the sample variance √(2/N)
    expect(Math.abs(mean(x))).toBeLessThan(5 / Math.sqrt(N))
    expect(Math.abs(variance(x) - 1)).toBeLessThan(5 * Math.sqrt(2 / N))
  })

  test('mean and stddev options: mean 3, variance 4', () => {
    const x = randomNormal(prngKey(9), [N], { mean: 3, stddev: 2, dtype: 'float64' }).data
    expect(Math.abs(mean(x) - 3)).toBeLessThan((5 * 2) / Math.sqrt(N))
    expect(Math.abs(variance(x) - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / N))
  })

  test('68.27% of the samples lie within one standard deviation (within 5σ)', () => {
    const x = randomNormal(prngKey(10), [N], { dtype: 'float64' }).data
    const p = 0.6826894921370859 // erf(1/√2)
    const inside = Array.from(x).filter((v) => Math.abs(v) < 1).length
    expect(Math.abs(inside / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N))
  })
})

describe('randomBernoulli', () => {
  test('values are 0 or 1; the rate is p within 5σ', () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const x = randomBernoulli(prngKey(Math.round(p * 100)), p, [N]).data
      expect(Array.from(x).every((v) => v === 0 || v === 1)).toBe(true)
      expect(Math.abs(mean(x) - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N))
    }
  })

  test('p = 0 gives all zeros, p = 1 all ones', () => {
    expect(Array.from(randomBernoulli(prngKey(0), 0, [1000]).data).every((v) => v === 0)).toBe(true)
    expect(Array.from(randomBernoulli(prngKey(0), 1, [1000]).data).every((v) => v === 1)).toBe(true)
  })

  test('is deterministic; shape and dtype follow the arguments', () => {
    expectTreesEqual(randomBernoulli(prngKey(1), 0.3, [4, 5]), randomBernoulli(prngKey(1), 0.3, [4, 5]))
    const x = randomBernoulli(prngKey(1), 0.3, [4, 5], 'float64')
    expect(x.shape).toEqual([4, 5])
    expect(x.dtype).toBe('float64')
  })

  test('p outside [0, 1] (or NaN) is a HyperparameterError', () => {
    for (const p of [-0.1, 1.1, NaN]) {
      expect(() => randomBernoulli(prngKey(0), p, [2])).toThrow(HyperparameterError)
    }
    expect(() => randomBernoulli(prngKey(0), 1.1, [2])).toThrow('randomBernoulli p must be in [0, 1]; got 1.1')
    let caught: unknown
    try {
      randomBernoulli(prngKey(0), -1, [2])
    } catch (e) {
      caught = e
    }
    expect(caught instanceof DescentError && caught instanceof RangeError).toBe(true)
  })
})
