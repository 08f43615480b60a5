import { describe, expect, it } from 'vitest'
import { chain, scaleByLearningRate, scaleBySign, signSgd } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('signSgd', [
  { label: 'default', alias: (lr) => signSgd(lr), reference: (lr) => chain(scaleBySign(), scaleByLearningRate(lr)) },
])

describe('signSgd', () => {
  it('moves every coordinate by exactly the learning rate', () => {
    const [u] = signSgd(0.25).update([1e-9, -1e9, 0], signSgd(0.25).init([0, 0, 0]))
    expect(u.map(Math.abs)).toEqual([0.25, 0.25, 0])
  })

  it('rejects an invalid learning rate', () => expect(() => signSgd(Number.NaN)).toThrow(/learningRate/))
})
