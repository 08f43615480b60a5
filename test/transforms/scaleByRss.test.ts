import { describe, expect, it } from 'vitest'
import {
  type DType,
  HyperparameterError,
  type PyTree,
  type ScaleByRssOptions,
  scaleByRss,
  tensor,
  tree,
} from '../../src/index'
import { type Seq, describeContract, expectSeqClose, runSeq } from './_sequences'
import { expectSameStructure, values } from '../_helpers/assertions'

/** Runs `scaleByRss(options)` over gradient vectors on one tensor leaf; returns every step's updates. */
const runVector = (options: ScaleByRssOptions, grads: Seq, dtype: DType = 'float64'): number[][] =>
  runSeq(scaleByRss(options), grads, dtype)

/** AdaGrad's scaling recomputed in float64 from the formula. */
function referenceRss(grads: Seq, o: Required<ScaleByRssOptions>): number[][] {
  const s = new Array<number>(grads[0]!.length).fill(o.initialAccumulatorValue)
  return grads.map((g) =>
    g.map((gi, i) => {
      s[i] = s[i]! + gi * gi
      return s[i]! > 0 ? gi / Math.sqrt(s[i]! + o.eps) : 0
    }),
  )
}

const ACC = 'scaleByRss options.initialAccumulatorValue'

describe('scaleByRss', () => {
  it('init: sumOfSquares = initialAccumulatorValue mirroring the params, and no count', () => {
    const params = { w: tensor([[1, 2]]), b: tensor([3], 'float64'), s: 4, frozen: null }
    const state = scaleByRss().init(params)
    expect(Object.keys(state)).toEqual(['sumOfSquares'])
    expectSameStructure(state.sumOfSquares, params)
    const isTenth = (l: PyTree) => Math.abs(tree.max(l) - 0.1) < 1e-8 && tree.min(l) === tree.max(l)
    expect(tree.leaves(state.sumOfSquares).every(isTenth)).toBe(true)
  })

  it('golden 4-step trace (initialAccumulatorValue = 0, eps = 0), derived by hand', () => {
    // g = 3: s = 9, u = 1;  g = 4: s = 25, u = 4/5;  g = 0: s = 25, u = 0;  g = −12: s = 169, u = −12/13
    const us = runVector({ initialAccumulatorValue: 0, eps: 0 }, [[3], [4], [0], [-12]])
    const expected = [1, 0.8, 0, -12 / 13]
    us.forEach((u, i) => expect(u[0]).toBeCloseTo(expected[i]!, 15))
  })

  it('first step with the defaults: u = g/√(0.1 + g² + 1e-7)', () => {
    const [u] = runVector({}, [[1, -2]])
    expect(u![0]).toBeCloseTo(1 / Math.sqrt(1.1 + 1e-7), 15)
    expect(u![1]).toBeCloseTo(-2 / Math.sqrt(4.1 + 1e-7), 15)
  })

  it('matches a float64 recomputation over 6 steps', () => {
    const grads = [
      [0.3, -1.5, 4],
      [0.1, 2, -4],
      [-0.7, 0, 3],
      [0.2, -0.1, 0.5],
      [5, 1, -2],
      [0, 0, 0],
    ]
    for (const o of [
      { initialAccumulatorValue: 0.1, eps: 1e-7 },
      { initialAccumulatorValue: 0, eps: 1e-3 },
    ]) {
      const expected = referenceRss(grads, o)
      for (const dtype of ['float32', 'float64'] as const) {
        const rtol = dtype === 'float32' ? 2e-6 : 1e-13
        expectSeqClose(runVector(o, grads, dtype), expected, rtol, 1e-12)
      }
    }
  })

  it('a zero accumulator with zero gradients gives 0, not NaN, even with eps = 0', () => {
    const us = runVector(
      { initialAccumulatorValue: 0, eps: 0 },
      [
        [0, 0],
        [0, 2],
        [0, 0],
      ],
      'float32',
    )
    expect(us).toEqual([
      [0, 0],
      [0, 1],
      [0, 0],
    ])
  })

  it('propagates a NaN gradient instead of hiding it', () => {
    const [u] = runVector({ initialAccumulatorValue: 0 }, [[NaN]])
    expect(u![0]).toBeNaN()
  })

  it('huge gradients stay finite: 1e30 in float64, 1e20 in float32', () => {
    const us64 = runVector({}, [
      [1e30, -1e30],
      [1e30, 1e30],
      [-1e30, 1e30],
    ])
    expect(us64.flat().every(Number.isFinite)).toBe(true)
    // s = 0.1 + 1e60 + 1e60 at t = 2: u = 1e30/√2e60 = 1/√2
    expect(us64[1]![0]).toBeCloseTo(Math.SQRT1_2, 12)
    // float32: (1e20)² overflows s to ∞ and the update becomes 0 (as in optax); 1e18 is still accurate.
    expect(
      runVector(
        {},
        [
          [1e20, -1e20],
          [1e20, 1e20],
        ],
        'float32',
      )
        .flat()
        .every(Number.isFinite),
    ).toBe(true)
    expect(runVector({}, [[1e18, -1e18]], 'float32')[0]![1]).toBeCloseTo(-1, 5)
  })

  describeContract(() => scaleByRss())

  it('sumOfSquares mirrors the params and accumulates g²', () => {
    const tx = scaleByRss()
    const params = { a: tensor([1, 2]), b: tensor([[1], [2]], 'float64'), c: 3, d: null }
    const grads = { a: tensor([0.5, -0.25]), b: tensor([[0.3], [-0.4]], 'float64'), c: 0.5, d: null }
    const [, s1] = tx.update(grads, tx.init(params), params)
    expectSameStructure(s1.sumOfSquares, params)
    expect(values((s1.sumOfSquares as { a: PyTree }).a)).toEqual([0.35, 0.1625].map(Math.fround))
  })

  it.each<[ScaleByRssOptions, string]>([
    [{ initialAccumulatorValue: -0.1 }, `${ACC} must be in [0, Infinity); got -0.1`],
    [{ initialAccumulatorValue: Infinity }, `${ACC} must be in [0, Infinity); got Infinity`],
    [{ eps: -1 }, 'scaleByRss options.eps must be in [0, Infinity); got -1'],
    [{ eps: '1e-7' as never }, 'scaleByRss options.eps must be in [0, Infinity); got "1e-7"'],
  ])('rejects invalid options at construction: %o', (options, message) => {
    expect(() => scaleByRss(options)).toThrow(HyperparameterError)
    expect(() => scaleByRss(options)).toThrow(message)
  })
})
