import { describe, expect, it } from 'vitest'
import { ShapeError, heNormal, initializers, prngKey, splitKey } from '../../../src/index'

const maxOf = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => Math.max(a, b), -Infinity)

// Standard deviation of N(0, 1) truncated to (−2, 2), derived here: √(1 − 2·2·φ(2)/(Φ(2) − Φ(−2))).
const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI)
const MASS = 0.9544997361036416 // Φ(2) − Φ(−2) = erf(√2)
const TRUNC_SD = Math.sqrt(1 - (4 * phi2) / MASS)

const variance = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => a + b * b, 0) / x.length

describe('heNormal', () => {
  it("uses JAX's constant for the truncated standard deviation", () => {
    expect(TRUNC_SD).toBeCloseTo(0.87962566103423978, 12)
  })

  it('has the requested shape and dtype, and is deterministic in the key', () => {
    const w = heNormal(prngKey(0), [4, 5])
    expect(w.shape).toEqual([4, 5])
    expect(w.dtype).toBe('float32')
    expect(heNormal(prngKey(0), [4, 5], { dtype: 'float64' }).dtype).toBe('float64')
    expect(heNormal(prngKey(0), [4, 5]).dataSync()).toEqual(w.dataSync())
    const [a, b] = splitKey(prngKey(0))
    expect(heNormal(a!, [4, 5]).dataSync()).not.toEqual(heNormal(b!, [4, 5]).dataSync())
    expect(initializers.heNormal).toBe(heNormal)
  })

  it('has variance 2/fanIn (fanIn = shape[0] for a dense kernel) within statistical tolerance', () => {
    // n = 131072; kurtosis of the truncated normal < 3, so the relative standard error is < √(2/n) ≈ 0.004
    for (const shape of [
      [512, 256],
      [64, 2048],
    ]) {
      const v = variance(heNormal(prngKey(5), shape, { dtype: 'float64' }).dataSync())
      expect(Math.abs(v / (2 / shape[0]!) - 1)).toBeLessThan(0.02)
    }
  })

  it("is truncated at 2σ, σ = √(2/fanIn)/0.8796…, with the truncated normal's mass beyond 1σ", () => {
    const sigma = Math.sqrt(2 / 512) / TRUNC_SD
    const w = heNormal(prngKey(6), [512, 256], { dtype: 'float64' }).dataSync()
    const a = w.map(Math.abs)
    expect(a.every((v) => v < 2 * sigma)).toBe(true)
    expect(maxOf(a)).toBeGreaterThan(1.99 * sigma)
    // P(|z| > 1 | |z| < 2) = (MASS − erf(1/√2)) / MASS ≈ 0.2848; standard error ≈ 0.0012
    const beyond = a.filter((v) => v > sigma).length / a.length
    expect(Math.abs(beyond - (MASS - 0.6826894921370859) / MASS)).toBeLessThan(0.006)
    // float32 rounding stays within the bound too
    const sigma32 = Math.sqrt(2 / 100) / TRUNC_SD
    const w32 = heNormal(prngKey(6), [100, 1000]).dataSync()
    expect(w32.every((v) => Math.abs(v) <= 2 * sigma32 * (1 + 2 ** -23))).toBe(true)
  })

  it('counts the receptive field of convolution kernels: [3, 3, 8, 16] has fanIn 72', () => {
    const v = variance(heNormal(prngKey(8), [3, 3, 8, 16 * 64], { dtype: 'float64' }).dataSync())
    expect(Math.abs(v / (2 / 72) - 1)).toBeLessThan(0.02)
  })

  it('rejects rank < 2 shapes without inAxis', () => {
    expect(() => heNormal(prngKey(0), [])).toThrow(ShapeError)
    expect(() => heNormal(prngKey(0), [3])).toThrow('heNormal: cannot compute fan_in and fan_out')
  })
})
