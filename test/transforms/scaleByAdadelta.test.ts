import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByAdadeltaOptions, scaleByAdadelta } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** Adadelta in float64 from Zeiler's Algorithm 1 (without the final sign flip; independent of the code). */
function reference(grads: Seq, { rho = 0.9, eps = 1e-6 }: ScaleByAdadeltaOptions = {}): number[][] {
  const eg = grads[0]!.map(() => 0)
  const ex = grads[0]!.map(() => 0)
  return grads.map((g) =>
    g.map((gi, i) => {
      eg[i] = rho * eg[i]! + (1 - rho) * gi * gi
      const dx = (Math.sqrt(ex[i]! + eps) / Math.sqrt(eg[i]! + eps)) * gi
      ex[i] = rho * ex[i]! + (1 - rho) * dx * dx
      return dx
    }),
  )
}

describe('scaleByAdadelta', () => {
  it('golden 2-step trace (rho = 0.5, eps = 1), derived by hand', () => {
    // g = 2: E[g²] = 2,              u = √1/√3·2 = 2/√3,        E[Δ²] = 0.5·4/3 = 2/3
    // g = 1: E[g²] = 1 + 0.5 = 1.5,  u = √(5/3)/√2.5·1 = √(2/3), E[Δ²] = 1/3 + 1/3 = 2/3
    const us = runSeq(scaleByAdadelta({ rho: 0.5, eps: 1 }), [[2], [1]])
    expectSeqClose(us, [[2 / Math.sqrt(3)], [Math.sqrt(2 / 3)]], 1e-14)
  })

  it('the sign is positive (along the gradient), and zero gradients give zero updates', () => {
    const [u] = runSeq(scaleByAdadelta(), [[3, -3, 0]])
    expect(Math.sign(u![0]!)).toBe(1)
    expect(Math.sign(u![1]!)).toBe(-1)
    expect(u![2]).toBe(0)
  })

  it('first step ≈ √ε/√((1−ρ)g²)·g: tiny and independent of the gradient scale for large g', () => {
    const [u] = runSeq(scaleByAdadelta(), [[1e10, -1e10]])
    const expected = (Math.sqrt(1e-6) / Math.sqrt(0.1 * 1e20 + 1e-6)) * 1e10
    expectSeqClose([u!], [[expected, -expected]])
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (8 steps)', () => {
    expectSeqClose(runSeq(scaleByAdadelta(), MIXED), reference(MIXED))
    expectSeqClose(runSeq(scaleByAdadelta({ rho: 0.5, eps: 1e-2 }), MIXED), reference(MIXED, { rho: 0.5, eps: 1e-2 }))
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByAdadelta({ rho: -1 })).toThrow(HyperparameterError)
    expect(() => scaleByAdadelta({ rho: -1 })).toThrow('scaleByAdadelta options.rho must be in [0, 1]; got -1')
    expect(() => scaleByAdadelta({ eps: NaN })).toThrow(/options\.eps/)
  })

  describeContract(() => scaleByAdadelta())
})
