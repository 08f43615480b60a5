import { describe, expect, it } from 'vitest'
import {
  addDecayedWeights,
  adafactor,
  chain,
  clipByBlockRms,
  ema,
  scale,
  scaleByFactoredRms,
  scaleByLearningRate,
  scaleByParamBlockRms,
  tensor,
  type Tensor,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'
import { aliasSuite, makeParams, trajectory } from './_aliasSuite'

const rms = (o: { minDimSizeToFactor?: number } = {}) =>
  scaleByFactoredRms({ factored: true, decayRate: 0.8, stepOffset: 0, minDimSizeToFactor: 128, epsilon: 1e-30, ...o })

aliasSuite('adafactor', [
  {
    label: 'defaults (unfactored: the test leaves are smaller than 128)',
    alias: (lr) => adafactor(lr),
    reference: (lr) =>
      chain(rms(), clipByBlockRms(1), scaleByLearningRate(lr, { flipSign: false }), scaleByParamBlockRms(), scale(-1)),
  },
  {
    label: 'factored w (minDimSizeToFactor 2) with momentum and masked weight decay',
    alias: (lr) =>
      adafactor(lr, {
        minDimSizeToFactor: 2,
        momentum: 0.9,
        weightDecayRate: 0.01,
        weightDecayMask: { w: true, b: false },
      }),
    reference: (lr) =>
      chain(
        rms({ minDimSizeToFactor: 2 }),
        clipByBlockRms(1),
        scaleByLearningRate(lr, { flipSign: false }),
        scaleByParamBlockRms(),
        ema(0.9, { debias: false }),
        addDecayedWeights({ weightDecay: 0.01, mask: { w: true, b: false } }),
        scale(-1),
      ),
  },
  {
    label: 'no clipping, no parameter scale, decayRate, eps, unfactored',
    alias: (lr) =>
      adafactor(lr, {
        clippingThreshold: null,
        multiplyByParameterScale: false,
        decayRate: 0.5,
        eps: 1e-20,
        factored: false,
      }),
    reference: (lr) =>
      chain(
        scaleByFactoredRms({ factored: false, decayRate: 0.5, stepOffset: 0, minDimSizeToFactor: 128, epsilon: 1e-20 }),
        scaleByLearningRate(lr, { flipSign: false }),
        scale(-1),
      ),
  },
])

describe('adafactor', () => {
  it('without a learning rate is the chain without the learning-rate link', () => {
    const reference = chain(rms({ minDimSizeToFactor: 2 }), clipByBlockRms(1), scaleByParamBlockRms(), scale(-1))
    expectTreesEqual(
      trajectory(adafactor(undefined, { minDimSizeToFactor: 2 }), makeParams(), 4),
      trajectory(reference, makeParams(), 4),
    )
    expect(adafactor().init(makeParams()).length).toBe(4)
  })

  it('factors a 2-D leaf whose dims reach minDimSizeToFactor (128 by default) and not a smaller one', () => {
    const params = {
      big: tensor(new Float32Array(128 * 130).fill(0.5), [128, 130]),
      small: tensor([
        [1, 2],
        [3, 4],
      ]),
    }
    const [factored] = adafactor(0.01).init(params)
    const { vRow, vCol, v } = factored as {
      vRow: Record<string, Tensor>
      vCol: Record<string, Tensor>
      v: Record<string, Tensor>
    }
    expect([vRow.big!.shape, vCol.big!.shape, v.big!.shape]).toEqual([[128], [130], [1]])
    expect([vRow.small!.shape, vCol.small!.shape, v.small!.shape]).toEqual([[1], [1], [2, 2]])
    // One step: the factored update of a constant gradient is lr·rms(θ)·sign(g) (all row/column factors equal).
    const g = {
      big: tensor(new Float32Array(128 * 130).fill(-2), [128, 130]),
      small: tensor([
        [1, 1],
        [1, 1],
      ]),
    }
    const [u] = adafactor(0.01).update(g, adafactor(0.01).init(params), params)
    expect(Math.abs(u.big.data[0]! - 0.01 * 0.5)).toBeLessThan(1e-8)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => adafactor(0.1, { clippingThreshold: 0 })).toThrow(
      'clipByBlockRms threshold must be in (0, Infinity); got 0',
    )
    expect(() => adafactor(0.1, { minDimSizeToFactor: -1 })).toThrow(/minDimSizeToFactor/)
    expect(() => adafactor(0.1, { momentum: 2 })).toThrow('adafactor options.momentum must be in [0, 1); got 2')
  })
})
