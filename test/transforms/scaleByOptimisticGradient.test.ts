import { describe, expect, it } from 'vitest'
import { HyperparameterError, scaleByOptimisticGradient } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** (α + β)·g_t − β·g_{t−1} with g_0 := g_1, in float64. */
const reference = (grads: Seq, alpha: number, beta: number): number[][] =>
  grads.map((g, t) => g.map((gi, i) => (alpha + beta) * gi - beta * (t === 0 ? gi : grads[t - 1]![i]!)))

describe('scaleByOptimisticGradient', () => {
  it('golden 3-step trace (α = 1, β = 1): first α·g, then 2g_t − g_{t−1}', () => {
    // g: 2, 5, −1 → 2·2 − 2 = 2, 2·5 − 2 = 8, 2·(−1) − 5 = −7
    expectSeqClose(runSeq(scaleByOptimisticGradient(), [[2], [5], [-1]]), [[2], [8], [-7]])
  })

  it('matches the recomputation on mixed, zero and large gradients (8 steps)', () => {
    expectSeqClose(runSeq(scaleByOptimisticGradient({ alpha: 0.7, beta: 0.1 }), MIXED), reference(MIXED, 0.7, 0.1))
    expectSeqClose(
      runSeq(scaleByOptimisticGradient({ beta: 0 }), MIXED),
      MIXED.map((g) => [...g]),
    )
  })

  it('stores the received gradient and counts steps', () => {
    const tx = scaleByOptimisticGradient()
    const [, s] = tx.update([3, -1], tx.init([0, 0]))
    expect(s).toEqual({ count: 1, previousGradient: [3, -1] })
  })

  it('rejects non-finite coefficients at construction', () => {
    expect(() => scaleByOptimisticGradient({ alpha: NaN })).toThrow(HyperparameterError)
    expect(() => scaleByOptimisticGradient({ beta: Infinity })).toThrow(
      'scaleByOptimisticGradient options.beta must be in (-Infinity, Infinity); got Infinity',
    )
  })

  describeContract(() => scaleByOptimisticGradient({ alpha: 0.7, beta: 0.1 }))
})
