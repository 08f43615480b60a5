import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByRpropOptions, scaleByRprop } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** optax's Rprop in float64, written from its description (lagged, positive output; independent of the code). */
function reference(grads: Seq, o: ScaleByRpropOptions): number[][] {
  const { learningRate, etaMinus = 0.5, etaPlus = 1.2, minStepSize = 1e-6, maxStepSize = 50 } = o
  const step = grads[0]!.map(() => learningRate)
  const prev = grads[0]!.map(() => 0)
  return grads.map((g) =>
    g.map((gi, i) => {
      const s = gi * prev[i]!
      if (s > 0) step[i] = Math.min(maxStepSize, Math.max(minStepSize, step[i]! * etaPlus))
      if (s < 0) step[i] = Math.min(maxStepSize, Math.max(minStepSize, step[i]! * etaMinus))
      const out = s < 0 ? 0 : prev[i]!
      prev[i] = s < 0 ? 0 : step[i]! * Math.sign(gi)
      return out
    }),
  )
}

describe('scaleByRprop', () => {
  it('golden 5-step trace, derived by hand: lagged output, growth, sign change, reset', () => {
    // lr 1, η⁺ = 2, η⁻ = 0.25, max 3.  g: 5, 1, −1, −1, 2
    // t1: p = 0 → s = 0: η = 1, p = 1, u = 0
    // t2: s = 1 > 0: η = 2, p = 2, u = 1 (old p)
    // t3: s = −2 < 0: η = 0.5, p = 0, u = 0
    // t4: s = 0 (p = 0): η = 0.5, p = −0.5, u = 0
    // t5: s = −1 < 0: η = 0.125, p = 0, u = 0
    const tx = scaleByRprop(1, { etaPlus: 2, etaMinus: 0.25, maxStepSize: 3 })
    expectSeqClose(runSeq(tx, [[5], [1], [-1], [-1], [2]]), [[0], [1], [0], [0], [0]])
    // same sign throughout: u = 0, 1, 2, 3 (clipped at max), 3
    expectSeqClose(runSeq(tx, [[1], [1], [1], [1], [1]]), [[0], [1], [2], [3], [3]])
  })

  it('step sizes are clipped to [minStepSize, maxStepSize]', () => {
    const tx = scaleByRprop({ learningRate: 0.1, etaMinus: 0.1, minStepSize: 0.05 })
    let state = tx.init([0])
    for (const g of [1, -1, 1, -1]) state = tx.update([g], state)[1]
    expect(state.stepSizes).toEqual([0.05])
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (8 steps)', () => {
    const o = { learningRate: 0.1 }
    expectSeqClose(runSeq(scaleByRprop(o), MIXED), reference(MIXED, o), 1e-15)
    const o2 = { learningRate: 1, etaMinus: 0.3, etaPlus: 1.5, minStepSize: 0.2, maxStepSize: 2 }
    expectSeqClose(runSeq(scaleByRprop(o2), MIXED), reference(MIXED, o2), 1e-15)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByRprop(0)).toThrow(HyperparameterError)
    expect(() => scaleByRprop(0)).toThrow('scaleByRprop learningRate must be in (0, Infinity); got 0')
    expect(() => scaleByRprop({ learningRate: -1 })).toThrow('scaleByRprop options.learningRate must be in')
    expect(() => scaleByRprop(1, { etaPlus: 0.5 })).toThrow('scaleByRprop options.etaPlus must be in [1, Infinity)')
    expect(() => scaleByRprop(1, { etaMinus: 0 })).toThrow('scaleByRprop options.etaMinus must be in (0, 1]')
    expect(() => scaleByRprop(1, { minStepSize: 2, maxStepSize: 1 })).toThrow(/maxStepSize must be ≥/)
  })

  describeContract(() => scaleByRprop(0.1))
})
