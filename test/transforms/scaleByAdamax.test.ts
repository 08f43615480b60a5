import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByAdamaxOptions, scaleByAdamax, tensor } from '../../src/index'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** Adamax in float64 from Kingma & Ba's Algorithm 2 with optax's ε inside the max (independent of the code). */
function reference(grads: Seq, { b1 = 0.9, b2 = 0.999, eps = 1e-8 }: ScaleByAdamaxOptions = {}): number[][] {
  const m = grads[0]!.map(() => 0)
  const u = grads[0]!.map(() => 0)
  return grads.map((g, step) =>
    g.map((gi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * gi
      u[i] = Math.max(b2 * u[i]!, Math.abs(gi) + eps)
      return m[i]! / (1 - b1 ** (step + 1)) / u[i]!
    }),
  )
}

describe('scaleByAdamax', () => {
  it('golden 3-step trace (b1 = 0.5, b2 = 0.5, eps = 0), derived by hand', () => {
    // g = 2:  m = 1,            ν = max(2, 0) = 2;            m̂ = 1/0.5 = 2;       u = 1
    // g = −1: m = 0.5 − 0.5 = 0, ν = max(1, 0.5·2) = 1;         m̂ = 0;             u = 0
    // g = 0.5: m = 0.25,          ν = max(0.5, 0.5·1) = 0.5;   m̂ = 0.25/0.875 = 2/7; u = 4/7
    expectSeqClose(runSeq(scaleByAdamax({ b1: 0.5, b2: 0.5, eps: 0 }), [[2], [-1], [0.5]]), [[1], [0], [4 / 7]])
  })

  it('ε is added inside the max, and the infinity norm is not bias corrected', () => {
    // g = 1 then 0 (eps = 0.5, b1 = 0, b2 = 1): ν = 1.5, then max(0.5, 1.5) = 1.5; u = 1/1.5, then 0
    expectSeqClose(runSeq(scaleByAdamax({ b1: 0, b2: 1, eps: 0.5 }), [[1], [0]]), [[2 / 3], [0]])
  })

  it('matches the float64 recomputation on mixed, zero and large gradients', () => {
    expectSeqClose(runSeq(scaleByAdamax(), MIXED), reference(MIXED))
    const o = { b1: 0.8, b2: 0.9, eps: 1e-3 }
    expectSeqClose(runSeq(scaleByAdamax(o), MIXED), reference(MIXED, o))
  })

  it('first step is g/(|g| + ε): ≈ sign(g) for any size, 0 for g = 0', () => {
    const [u] = runSeq(scaleByAdamax(), [[1e-3, -1e30, 0, 7]])
    expectSeqClose([u!], [[1e-3 / (1e-3 + 1e-8), -1, 0, 7 / (7 + 1e-8)]])
  })

  it('float32 agrees with float64 to float32 precision', () => {
    expectSeqClose(runSeq(scaleByAdamax(), MIXED, 'float32'), reference(MIXED), 1e-5, 1e-6)
  })

  it('init gives count 0 and zero moments', () => {
    const s = scaleByAdamax().init(tensor([1, 2]))
    expect([
      s.count,
      (s.mu as ReturnType<typeof tensor>).toArray(),
      (s.nu as ReturnType<typeof tensor>).toArray(),
    ]).toEqual([0, [0, 0], [0, 0]])
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByAdamax({ b1: 1 })).toThrow(HyperparameterError)
    expect(() => scaleByAdamax({ b1: 1 })).toThrow('scaleByAdamax options.b1 must be in [0, 1); got 1')
    expect(() => scaleByAdamax({ b2: 1.5 })).toThrow('scaleByAdamax options.b2 must be in [0, 1]; got 1.5')
    expect(() => scaleByAdamax({ eps: -1 })).toThrow('scaleByAdamax options.eps must be in [0, Infinity); got -1')
  })

  describeContract(() => scaleByAdamax())
})
