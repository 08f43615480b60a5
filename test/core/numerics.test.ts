import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { InvalidTreeError, safeNorm, safeRootMeanSquares, tensor, zeros } from '../../src/index'
import { float64 as arbFloat64, tensor as arbTensor } from '../../src/testing/arbitraries'

describe('safeNorm', () => {
  test('the L2 norm of a leaf when it is above minNorm', () => {
    expect(safeNorm(tensor([3, 4]), 0)).toBe(5)
    // √(1 + 4 + 4 + 16) = 5
    expect(
      safeNorm(
        tensor(
          [
            [1, 2],
            [2, 4],
          ],
          'float64',
        ),
        1,
      ),
    ).toBe(5)
    expect(safeNorm(-3, 0)).toBe(3)
  })

  test('floored at minNorm', () => {
    expect(safeNorm(tensor([0, 0]), 1e-6)).toBe(1e-6)
    expect(safeNorm(tensor([3, 4]), 6)).toBe(6)
    expect(safeNorm(zeros([0]), 0.5)).toBe(0.5)
    expect(safeNorm(0, 0)).toBe(0)
  })

  test('accumulates in float64', () => {
    // 4096² + 1 = 2^24 + 1 is not representable in float32
    expect(safeNorm(tensor([4096, 1]), 0)).toBe(Math.sqrt(2 ** 24 + 1))
  })

  test('a boolean is not a leaf', () => {
    expect(() => safeNorm(true as never, 0)).toThrow(InvalidTreeError)
  })

  test.prop([arbTensor(), arbFloat64({ min: 0, max: 10 })])('= max(√Σx², minNorm) in float64', (x, minNorm) => {
    const n = Math.sqrt(Array.from(x.data).reduce((s, v) => s + v * v, 0))
    expect(Math.abs(safeNorm(x, minNorm) - Math.max(n, minNorm))).toBeLessThanOrEqual(1e-12 * Math.max(n, minNorm))
  })
})

describe('safeRootMeanSquares', () => {
  test('√(mean(x²)) when it is above minRms', () => {
    expect(safeRootMeanSquares(tensor([3, 3, 3, 3]), 0)).toBe(3)
    // mean of 1, 4, 9, 16 is 7.5
    expect(safeRootMeanSquares(tensor([1, -2, 3, -4], 'float64'), 0)).toBe(Math.sqrt(7.5))
    expect(safeRootMeanSquares(-2, 0)).toBe(2)
  })

  test('floored at minRms; an empty tensor gives minRms', () => {
    expect(safeRootMeanSquares(tensor([0, 0]), 1e-3)).toBe(1e-3)
    expect(safeRootMeanSquares(zeros([0, 4]), 0.25)).toBe(0.25)
    expect(safeRootMeanSquares(zeros([0]), 0)).toBe(0)
  })

  test.prop([arbTensor({ minDim: 1 }), arbFloat64({ min: 0, max: 10 })])(
    '= max(√(Σx²/n), minRms) recomputed in float64',
    (x, minRms) => {
      const xs = Array.from(x.data)
      const r = Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length)
      const expected = Math.max(r, minRms)
      expect(Math.abs(safeRootMeanSquares(x, minRms) - expected)).toBeLessThanOrEqual(1e-12 * expected)
    },
  )
})
