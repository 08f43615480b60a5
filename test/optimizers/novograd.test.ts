import { describe, expect, it } from 'vitest'
import { chain, novograd, scaleByLearningRate, scaleByNovograd } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('novograd', [
  {
    label: 'defaults (alias eps 1e-6)',
    alias: (lr) => novograd(lr),
    reference: (lr) => chain(scaleByNovograd({ eps: 1e-6 }), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options',
    alias: (lr) => novograd(lr, { b1: 0.5, b2: 0.5, eps: 1e-4, epsRoot: 1e-8, weightDecay: 1e-2 }),
    reference: (lr) =>
      chain(
        scaleByNovograd({ b1: 0.5, b2: 0.5, eps: 1e-4, epsRoot: 1e-8, weightDecay: 1e-2 }),
        scaleByLearningRate(lr),
      ),
  },
])

describe('novograd', () => {
  it("the alias default eps is 1e-6, not the transform's 1e-8", () => {
    const [u] = novograd(1).update([1e-6], novograd(1).init([0]), [0])
    expect(u[0]).toBeCloseTo(-1e-6 / (1e-6 + 1e-6), 12)
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => novograd(0.1, { b1: -1 })).toThrow('scaleByNovograd options.b1 must be in [0, 1]; got -1')
    expect(() => novograd(Number.NaN)).toThrow(/learningRate/)
  })
})
