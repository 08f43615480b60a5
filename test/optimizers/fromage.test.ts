import { describe, expect, it } from 'vitest'
import { addDecayedWeights, chain, fromage, scaleByLearningRate, scaleByTrustRatio, tensor } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

// optax: mult = 1/(1 + lr²)^½, written here with ** 0.5 as in optax.
const mult = (lr: number) => 1 / (1 + lr ** 2) ** 0.5

aliasSuite('fromage', [
  {
    label: 'defaults (minNorm 1e-6)',
    alias: (lr) => fromage(lr),
    reference: (lr) =>
      typeof lr === 'number'
        ? chain(
            scaleByTrustRatio({ minNorm: 1e-6 }),
            scaleByLearningRate(lr * mult(lr)),
            addDecayedWeights(mult(lr) - 1),
          )
        : chain(
            scaleByTrustRatio({ minNorm: 1e-6 }),
            scaleByLearningRate((c) => mult(lr(c)) * lr(c)),
            addDecayedWeights((c) => mult(lr(c)) - 1),
          ),
  },
  {
    label: 'minNorm 0.1',
    alias: (lr) => fromage(lr, { minNorm: 0.1 }),
    reference: (lr) =>
      typeof lr === 'number'
        ? chain(
            scaleByTrustRatio({ minNorm: 0.1 }),
            scaleByLearningRate(lr * mult(lr)),
            addDecayedWeights(mult(lr) - 1),
          )
        : chain(
            scaleByTrustRatio({ minNorm: 0.1 }),
            scaleByLearningRate((c) => mult(lr(c)) * lr(c)),
            addDecayedWeights((c) => mult(lr(c)) - 1),
          ),
  },
])

describe('fromage', () => {
  it('the new params are m·(θ − lr·‖θ‖·g/‖g‖) (golden)', () => {
    // lr 0.75: m = 0.8. θ = (3, 4), g = (0, 10): θ − 0.75·5·(0, 1) = (3, 0.25); ×0.8 = (2.4, 0.2).
    const tx = fromage(0.75)
    const p = tensor([3, 4], 'float64')
    const [u] = tx.update(tensor([0, 10], 'float64'), tx.init(p), p)
    expect(u.data[0]! + 3).toBeCloseTo(2.4, 14)
    expect(u.data[1]! + 4).toBeCloseTo(0.2, 14)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => fromage(NaN)).toThrow('fromage learningRate must be in (-Infinity, Infinity); got NaN')
    expect(() => fromage(0.1, { minNorm: -1 })).toThrow(
      'scaleByTrustRatio options.minNorm must be in [0, Infinity); got -1',
    )
  })
})
