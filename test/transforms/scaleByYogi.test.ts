import { describe, expect, it } from 'vitest'
import { HyperparameterError, type ScaleByYogiOptions, type Tensor, scaleByYogi, tensor } from '../../src/index'
import { values } from '../_helpers/assertions'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** Yogi in float64 from Zaheer et al.'s Algorithm 2 with optax's init and bias correction (independent of the code). */
function reference(grads: Seq, o: ScaleByYogiOptions = {}): number[][] {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-3, epsRoot = 0, initialAccumulatorValue: v0 = 1e-6 } = o
  const m = grads[0]!.map(() => v0)
  const v = grads[0]!.map(() => v0)
  return grads.map((g, step) => {
    const t = step + 1
    return g.map((gi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * gi
      v[i] = v[i]! - (1 - b2) * Math.sign(v[i]! - gi * gi) * gi * gi
      return m[i]! / (1 - b1 ** t) / (Math.sqrt(v[i]! / (1 - b2 ** t) + epsRoot) + eps)
    })
  })
}

describe('scaleByYogi', () => {
  it('init fills both moments with initialAccumulatorValue', () => {
    const s = scaleByYogi().init(tensor([1, 2], 'float64'))
    expect([s.count, values(s.mu as Tensor), values(s.nu as Tensor)]).toEqual([0, [1e-6, 1e-6], [1e-6, 1e-6]])
  })

  it('golden 3-step trace (b1 = b2 = 0.5, eps = 0, init 0), derived by hand', () => {
    // g = 2:  m = 1,   v = 0 + 0.5·4 = 2 (v < g²);      m̂ = 2,        v̂ = 2/0.5 = 4;     u = 1
    // g = 1:  m = 1,   v = 2 − 0.5·1 = 1.5 (v > g²);    m̂ = 1/0.75,   v̂ = 1.5/0.75 = 2;  u = (4/3)/√2
    // g = 0:  m = 0.5, v = 1.5 (g² = 0);                m̂ = 0.5/0.875 = 4/7, v̂ = 1.5/0.875 = 12/7; u = (4/7)/√(12/7)
    const us = runSeq(scaleByYogi({ b1: 0.5, b2: 0.5, eps: 0, initialAccumulatorValue: 0 }), [[2], [1], [0]])
    expectSeqClose(us, [[1], [4 / 3 / Math.SQRT2], [4 / 7 / Math.sqrt(12 / 7)]])
  })

  it('v moves by at most (1−β₂)·g² and stays put when v = g² (sign 0)', () => {
    // init 4, g = 2: sign(4 − 4) = 0 → v = 4; m = 0.5·4 + 0.5·2 = 3; m̂ = 3/0.5 = 6, v̂ = 4/0.5 = 8; u = 6/√8
    const tx = scaleByYogi({ b1: 0.5, b2: 0.5, eps: 0, initialAccumulatorValue: 4 })
    const [u, s] = tx.update(tensor([2], 'float64'), tx.init(tensor([0], 'float64')))
    expect(values(s.nu as Tensor)).toEqual([4])
    expectSeqClose([values(u)], [[6 / Math.sqrt(8)]])
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (8 steps)', () => {
    expectSeqClose(runSeq(scaleByYogi(), MIXED), reference(MIXED), 1e-11)
    const o = { b1: 0.6, b2: 0.7, eps: 1e-8, epsRoot: 1e-10, initialAccumulatorValue: 0.5 }
    expectSeqClose(runSeq(scaleByYogi(o), MIXED), reference(MIXED, o), 1e-11)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByYogi({ b2: 1 })).toThrow(HyperparameterError)
    expect(() => scaleByYogi({ b2: 1 })).toThrow('scaleByYogi options.b2 must be in [0, 1); got 1')
    expect(() => scaleByYogi({ initialAccumulatorValue: -1 })).toThrow(
      'scaleByYogi options.initialAccumulatorValue must be in [0, Infinity); got -1',
    )
  })

  describeContract(() => scaleByYogi())
})
