import { describe, expect, it } from 'vitest'
import {
  addDecayedWeights,
  chain,
  lars,
  masked,
  scaleByLearningRate,
  scaleByTrustRatio,
  tensor,
  trace,
} from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('lars', [
  {
    label: 'defaults',
    alias: (lr) => lars(lr),
    reference: (lr) =>
      chain(
        addDecayedWeights({ weightDecay: 0, mask: true }),
        masked(scaleByTrustRatio({ trustCoefficient: 0.001, eps: 0 }), true),
        scaleByLearningRate(lr),
        trace(0.9),
      ),
  },
  {
    label: 'weight decay, masks, nesterov',
    alias: (lr) =>
      lars(lr, {
        weightDecay: 0.01,
        weightDecayMask: { w: true, b: false },
        trustCoefficient: 0.02,
        eps: 1e-6,
        trustRatioMask: { w: true, b: false },
        momentum: 0.5,
        nesterov: true,
      }),
    reference: (lr) =>
      chain(
        addDecayedWeights({ weightDecay: 0.01, mask: { w: true, b: false } }),
        masked(scaleByTrustRatio({ trustCoefficient: 0.02, eps: 1e-6 }), { w: true, b: false }),
        scaleByLearningRate(lr),
        trace(0.5, { nesterov: true }),
      ),
  },
])

describe('lars', () => {
  it('first step (golden): −lr·η·‖θ‖/‖g‖·g, momentum applied after the learning rate', () => {
    // θ = (3, 4), g = (0, 2): ratio 0.001·5/2 = 0.0025; lr 2 → u₁ = (0, −0.01); u₂ = u₁' + 0.9·u₁ with the same g, θ.
    const tx = lars(2)
    const p = tensor([3, 4], 'float64')
    const [u1, s1] = tx.update(tensor([0, 2], 'float64'), tx.init(p), p)
    expect(u1.toArray()).toEqual([0, -0.01])
    const [u2] = tx.update(tensor([0, 2], 'float64'), s1, p)
    expect(u2.data[1]).toBeCloseTo(-0.019, 15)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => lars(0.1, { momentum: 2 })).toThrow('lars options.momentum must be in [0, 1); got 2')
    expect(() => lars(0.1, { eps: -1 })).toThrow('scaleByTrustRatio options.eps must be in [0, Infinity); got -1')
  })
})
