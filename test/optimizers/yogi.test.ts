import { describe, expect, it } from 'vitest'
import { chain, scaleByLearningRate, scaleByYogi, yogi } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-4 }

aliasSuite('yogi', [
  { label: 'defaults', alias: (lr) => yogi(lr), reference: (lr) => chain(scaleByYogi(), scaleByLearningRate(lr)) },
  {
    label: 'custom options',
    alias: (lr) => yogi(lr, custom),
    reference: (lr) => chain(scaleByYogi(custom), scaleByLearningRate(lr)),
  },
])

describe('yogi', () => {
  it('uses eps = 1e-3 and moments starting at 1e-6 by default', () => {
    const s = yogi(0.1).init([0])
    expect(s[0].mu).toEqual([1e-6])
    const [u] = yogi(1).update([0], yogi(1).init([0]))
    // m = 0.9e-6, m̂ = 9e-6/… : u = −(0.9e-6/0.1)/(√(v̂) + 1e-3) with v = 1e-6 (g = 0 → sign(v) = 1, v unchanged)
    expect(u[0]).toBeCloseTo(-(0.9e-6 / 0.1) / (Math.sqrt(1e-6 / 0.001) + 1e-3), 15)
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => yogi(0.1, { b2: 1 })).toThrow('scaleByYogi options.b2 must be in [0, 1); got 1')
    expect(() => yogi(Number.NaN)).toThrow(/learningRate/)
  })
})
