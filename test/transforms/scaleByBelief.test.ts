import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByBeliefOptions, scaleByBelief, tensor } from '../../src/index'
import { values } from '../_helpers/assertions'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** AdaBelief in float64 from Zhuang et al.'s Algorithm 2 with optax's ε̄ placement (independent of the code). */
function reference(grads: Seq, o: ScaleByBeliefOptions = {}): number[][] {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-16, epsRoot = 1e-16, nesterov = false } = o
  const m = grads[0]!.map(() => 0)
  const s = grads[0]!.map(() => 0)
  return grads.map((g, step) => {
    const t = step + 1
    return g.map((gi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * gi
      s[i] = b2 * s[i]! + (1 - b2) * (gi - m[i]!) ** 2 + epsRoot
      const mHat = nesterov
        ? (b1 * m[i]!) / (1 - b1 ** (t + 1)) + ((1 - b1) * gi) / (1 - b1 ** t)
        : m[i]! / (1 - b1 ** t)
      return mHat / (Math.sqrt(s[i]! / (1 - b2 ** t)) + eps)
    })
  })
}

describe('scaleByBelief', () => {
  it('golden 3-step trace (b1 = b2 = 0.5, eps = epsRoot = 0), derived by hand', () => {
    // g = 2:  m = 1,    s = 0.5·(2 − 1)² = 0.5;              m̂ = 2,          ŝ = 0.5/0.5 = 1;       u = 2
    // g = 2:  m = 1.5,  s = 0.25 + 0.5·0.25 = 0.375;         m̂ = 1.5/0.75 = 2, ŝ = 0.375/0.75 = 0.5; u = 2/√0.5 = 2√2
    // g = −1: m = 0.25, s = 0.1875 + 0.5·1.5625 = 0.96875;   m̂ = 0.25/0.875 = 2/7, ŝ = 0.96875/0.875 = 31/28;
    //         u = (2/7)/√(31/28)
    const us = runSeq(scaleByBelief({ b1: 0.5, b2: 0.5, eps: 0, epsRoot: 0 }), [[2], [2], [-1]])
    expectSeqClose(us, [[2], [2 * Math.SQRT2], [2 / 7 / Math.sqrt(31 / 28)]])
  })

  it('epsRoot accumulates in the state: with zero gradients s grows by ε̄ each step', () => {
    // g = 0 always: m = 0, s_t = β₂·s_{t−1} + ε̄ → s₁ = ε̄, s₂ = 0.5ε̄ + ε̄ = 1.5ε̄, s₃ = 1.75ε̄; updates are 0.
    const tx = scaleByBelief({ b1: 0.5, b2: 0.5, epsRoot: 0.01 })
    let state = tx.init(tensor([0], 'float64'))
    const nus: number[] = []
    for (let k = 0; k < 3; k++) {
      const [u, s] = tx.update(tensor([0], 'float64'), state)
      expect(values(u)).toEqual([0])
      nus.push(values(s.nu as ReturnType<typeof tensor>)[0]!)
      state = s
    }
    expectSeqClose([nus], [[0.01, 0.015, 0.0175]], 1e-14)
  })

  it('first step is g/(√(β₁²g² + ε̄/(1−β₂)) + ε) ≈ sign(g)/β₁ (defaults), for small and large g', () => {
    const g = [1e-3, -1e20, 5]
    const expected = g.map((x) => x / (Math.sqrt(0.81 * x * x + 1e-16 / 0.001) + 1e-16))
    expectSeqClose(runSeq(scaleByBelief(), [g]), [expected])
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (plain and nesterov, 8 steps)', () => {
    expectSeqClose(runSeq(scaleByBelief(), MIXED), reference(MIXED), 1e-11)
    const o = { b1: 0.7, b2: 0.8, eps: 1e-8, epsRoot: 1e-6, nesterov: true }
    expectSeqClose(runSeq(scaleByBelief(o), MIXED), reference(MIXED, o), 1e-11)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByBelief({ b1: -0.1 })).toThrow(HyperparameterError)
    expect(() => scaleByBelief({ b1: -0.1 })).toThrow('scaleByBelief options.b1 must be in [0, 1); got -0.1')
    expect(() => scaleByBelief({ epsRoot: -1 })).toThrow(/options\.epsRoot must be in \[0, Infinity\)/)
  })

  describeContract(() => scaleByBelief())
  describeContract(() => scaleByBelief({ nesterov: true }))
})
