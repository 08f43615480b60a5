import { describe, expect, it } from 'vitest'
import { ShapeError, heNormal, initializers, lecunNormal, prngKey } from '../../../src/index'

const maxOf = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => Math.max(a, b), -Infinity)

const variance = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => a + b * b, 0) / x.length

describe('lecunNormal', () => {
  it('has the requested shape and dtype, and is deterministic in the key', () => {
    const w = lecunNormal(prngKey(0), [6, 2])
    expect(w.shape).toEqual([6, 2])
    expect(w.dtype).toBe('float32')
    expect(lecunNormal(prngKey(0), [6, 2]).dataSync()).toEqual(w.dataSync())
    expect(lecunNormal(prngKey(0), [6, 2], { dtype: 'float64' }).dtype).toBe('float64')
    expect(initializers.lecunNormal).toBe(lecunNormal)
  })

  it('has variance 1/fanIn within statistical tolerance', () => {
    const v = variance(lecunNormal(prngKey(9), [256, 512], { dtype: 'float64' }).dataSync())
    expect(Math.abs(v / (1 / 256) - 1)).toBeLessThan(0.02)
  })

  it('is truncated at 2σ with σ = √(1/fanIn)/0.8796…', () => {
    const sigma = Math.sqrt(1 / 256) / 0.87962566103423978
    const a = lecunNormal(prngKey(10), [256, 512], { dtype: 'float64' }).dataSync().map(Math.abs)
    expect(a.every((v) => v < 2 * sigma)).toBe(true)
    expect(maxOf(a)).toBeGreaterThan(1.99 * sigma)
  })

  it('is heNormal scaled by 1/√2 for the same key (both are variance scaling of one truncated normal)', () => {
    const he = heNormal(prngKey(11), [10, 10], { dtype: 'float64' }).dataSync()
    const lecun = lecunNormal(prngKey(11), [10, 10], { dtype: 'float64' }).dataSync()
    lecun.forEach((v, i) => expect(v).toBeCloseTo(he[i]! / Math.SQRT2, 15))
  })

  it('rejects rank < 2 shapes without inAxis', () => {
    expect(() => lecunNormal(prngKey(0), [3])).toThrow(ShapeError)
  })
})
