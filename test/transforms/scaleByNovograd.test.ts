import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  type ScaleByNovogradOptions,
  scaleByNovograd,
  tensor,
} from '../../src/index'
import { values } from '../_helpers/assertions'
import { MIXED, type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'

/** NovoGrad in float64 for one leaf (one layer), from Ginsburg et al.'s Algorithm 1 as optax writes it. */
function reference(grads: Seq, params: readonly number[], o: ScaleByNovogradOptions = {}): number[][] {
  const { b1 = 0.9, b2 = 0.25, eps = 1e-8, epsRoot = 0, weightDecay = 0 } = o
  const m = grads[0]!.map(() => 0)
  let nu = 0
  return grads.map((g, step) => {
    const sq = g.reduce((s, x) => s + x * x, 0)
    nu = step === 0 ? sq : b2 * nu + (1 - b2) * sq
    return g.map((gi, i) => {
      m[i] = (step === 0 ? 0 : b1 * m[i]!) + gi / (Math.sqrt(nu + epsRoot) + eps) + weightDecay * params[i]!
      return m[i]!
    })
  })
}

describe('scaleByNovograd', () => {
  it('golden 3-step trace (b1 = 0.5, b2 = 0.5, eps = 0), derived by hand', () => {
    // g = [3, 4]:  ν = 25;                         m = g/5 = [0.6, 0.8]
    // g = [0, 1]:  ν = 12.5 + 0.5 = 13;            m = [0.3, 0.4] + [0, 1/√13]
    // g = [0, 0]:  ν = 6.5;                        m = [0.15, 0.2 + 0.5/√13]
    const us = runSeq(scaleByNovograd({ b1: 0.5, b2: 0.5, eps: 0 }), [
      [3, 4],
      [0, 1],
      [0, 0],
    ])
    expectSeqClose(us, [
      [0.6, 0.8],
      [0.3, 0.4 + 1 / Math.sqrt(13)],
      [0.15, 0.2 + 0.5 / Math.sqrt(13)],
    ])
  })

  it('ν is one float64 number per leaf; weight decay adds λ·θ inside the momentum', () => {
    const tx = scaleByNovograd({ b1: 0.5, eps: 0, weightDecay: 0.1 })
    const params = { a: tensor([1, 2]), b: tensor([[10]]), s: 4, n: null }
    const s0 = tx.init(params)
    expect(s0.nu).toEqual({ a: 0, b: 0, s: 0, n: null })
    const [u, s1] = tx.update({ a: tensor([6, 8]), b: tensor([[-2]]), s: 0.5, n: null }, s0, params)
    expect(s1.nu).toEqual({ a: 100, b: 4, s: 0.25, n: null })
    // a: g/10 + 0.1·θ = [0.7, 1.0]; b: −2/2 + 1 = 0; s: 0.5/0.5 + 0.4 = 1.4
    expectSeqClose([values(u.a), values(u.b), [u.s]], [[0.6 + 0.1, 0.8 + 0.2], [0], [1.4]], 1e-6)
  })

  it('matches the float64 recomputation on mixed, zero and large gradients (8 steps)', () => {
    const p = [1, -2, 0.5, 3]
    expectSeqClose(runSeq(scaleByNovograd(), MIXED, 'float64', p), reference(MIXED, p), 1e-12)
    const o = { b1: 0.3, b2: 0.9, eps: 1e-3, epsRoot: 1e-4, weightDecay: 0.01 }
    expectSeqClose(runSeq(scaleByNovograd(o), MIXED, 'float64', p), reference(MIXED, p, o), 1e-12)
  })

  it('large gradients: the first step is g/‖g‖ whatever the scale', () => {
    expectSeqClose(runSeq(scaleByNovograd({ eps: 0 }), [[3e30, -4e30]]), [[0.6, -0.8]])
  })

  it('needs the params', () => {
    const tx = scaleByNovograd()
    expect(() => tx.update([1], tx.init([0]))).toThrow(DescentError)
    expect(() => tx.update([1], tx.init([0]))).toThrow(/scaleByNovograd needs the params/)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => scaleByNovograd({ b2: 1.1 })).toThrow(HyperparameterError)
    expect(() => scaleByNovograd({ b2: 1.1 })).toThrow('scaleByNovograd options.b2 must be in [0, 1]; got 1.1')
    expect(() => scaleByNovograd({ weightDecay: Infinity })).toThrow(/options\.weightDecay/)
  })

  describeContract(() => scaleByNovograd())
})
