import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByLionOptions, scaleByLion } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** Lion in float64 from Chen et al.'s Program 1 plus optax's modes (independent of the code under test). */
function reference(grads: Seq, o: ScaleByLionOptions = {}): number[][] {
  const { b1 = 0.9, b2 = 0.99, mode = 'hard', smoothBeta = 1 } = o
  const m = grads[0]!.map(() => 0)
  return grads.map((g) =>
    g.map((gi, i) => {
      const c = b1 * m[i]! + (1 - b1) * gi
      m[i] = b2 * m[i]! + (1 - b2) * gi
      if (mode === 'smooth') return Math.tanh(smoothBeta * c)
      if (mode === 'refined') return Math.abs(c) < 1 ? c : Math.sign(c)
      return Math.sign(c)
    }),
  )
}

describe('scaleByLion', () => {
  it('golden 3-step trace (b1 = 0.5, b2 = 0.75), derived by hand: the direction uses the old momentum', () => {
    // g = 2:   c = 1,                  u = 1;   m = 0.25·2 = 0.5
    // g = −0.8: c = 0.25 − 0.4 = −0.15, u = −1;  m = 0.375 − 0.2 = 0.175
    // g = −0.3: c = 0.0875 − 0.15 < 0,  u = −1;  m = 0.13125 − 0.075 = 0.05625
    const tx = scaleByLion({ b1: 0.5, b2: 0.75 })
    expectSeqClose(runSeq(tx, [[2], [-0.8], [-0.3]]), [[1], [-1], [-1]])
    // The same trace in smooth mode (β = 2) shows the exact directions: tanh(2c) with c = 1, −0.15, −0.0625.
    const smooth = scaleByLion({ b1: 0.5, b2: 0.75, mode: 'smooth', smoothBeta: 2 })
    expectSeqClose(runSeq(smooth, [[2], [-0.8], [-0.3]]), [[Math.tanh(2)], [Math.tanh(-0.3)], [Math.tanh(-0.125)]])
  })

  it('refined mode is linear below 1 and the sign above', () => {
    // b1 = 0: c = g
    expectSeqClose(runSeq(scaleByLion({ b1: 0, mode: 'refined' }), [[0.5, -0.25, 3, -7, 0]]), [[0.5, -0.25, 1, -1, 0]])
  })

  it('zero gradients with zero momentum give 0; the state is the b2-EMA of the gradients', () => {
    const tx = scaleByLion()
    const [u, s] = tx.update([0, 4], tx.init([0, 0]))
    expect(u).toEqual([0, 1])
    expect(s.count).toBe(1)
    expectSeqClose([s.mu as number[]], [[0, 0.04]], 1e-14)
  })

  it('matches the float64 recomputation on mixed, zero and large gradients in every mode (8 steps)', () => {
    for (const o of [{}, { b1: 0.3, b2: 0.6 }, { mode: 'smooth', smoothBeta: 3 }, { mode: 'refined' }] as const) {
      expectSeqClose(runSeq(scaleByLion(o), MIXED), reference(MIXED, o))
    }
  })

  it('hard mode returns exactly ±1 or 0 in float32', () => {
    const us = runSeq(scaleByLion(), MIXED, 'float32')
    expect(us.flat().every((x) => x === 1 || x === -1 || x === 0)).toBe(true)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByLion({ b1: 2 })).toThrow(HyperparameterError)
    expect(() => scaleByLion({ b1: 2 })).toThrow('scaleByLion options.b1 must be in [0, 1]; got 2')
    expect(() => scaleByLion({ mode: 'soft' as 'hard' })).toThrow(
      `scaleByLion options.mode must be 'hard', 'smooth' or 'refined'; got "soft"`,
    )
    expect(() => scaleByLion({ mode: 'smooth', smoothBeta: 0 })).toThrow(
      /options\.smoothBeta must be in \(0, Infinity\)/,
    )
  })

  describeContract(() => scaleByLion())
  describeContract(() => scaleByLion({ mode: 'smooth' }))
})
