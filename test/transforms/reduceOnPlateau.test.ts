import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  chain,
  reduceOnPlateau,
  sgd,
  withExtraArgs,
  type GradientTransformation,
} from '../../src/index'

const scales = (tx: ReturnType<typeof reduceOnPlateau>, losses: readonly number[]) => {
  let s = tx.init([0])
  return losses.map((value) => (s = tx.update([1], s, undefined, { value })[1]).scale)
}

describe('reduceOnPlateau', () => {
  it('reduces after patience evaluations without improvement (positive losses)', () => {
    expect(scales(reduceOnPlateau({ patience: 2, factor: 0.5 }), [3, 2, 2, 2, 2, 1, 1, 1])).toEqual([
      1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25,
    ])
  })
  it('reduces for negative losses too (optax PR #1767)', () => {
    expect(scales(reduceOnPlateau({ patience: 2, factor: 0.5 }), [-1, -1, -1, -2, -2, -2])).toEqual([
      1, 1, 0.5, 0.5, 0.5, 0.25,
    ])
  })
  it('cooldown, minScale, accumulationSize and tolerances', () => {
    expect(scales(reduceOnPlateau({ patience: 1, factor: 0.5, cooldown: 2 }), [1, 1, 1, 1, 1])).toEqual([
      1, 0.5, 0.5, 0.5, 0.25,
    ])
    expect(scales(reduceOnPlateau({ patience: 1, factor: 0.1, minScale: 0.05 }), [1, 1, 1])).toEqual([1, 0.1, 0.05])
    // accumulation 2: evaluations of mean(4, 2) = 3, then mean(3, 3) = 3 (no improvement): reduce at the 4th call
    expect(scales(reduceOnPlateau({ patience: 1, accumulationSize: 2, factor: 0.5 }), [4, 2, 3, 3])).toEqual([
      1, 1, 1, 0.5,
    ])
    // atol 0.5: 1 → 0.6 is not an improvement
    expect(scales(reduceOnPlateau({ patience: 1, factor: 0.5, atol: 0.5, rtol: 0 }), [1, 0.6])).toEqual([1, 0.5])
  })
  it('withExtraArgs: a value passed to update reaches reduceOnPlateau through a hand-written transform', () => {
    const plain: GradientTransformation<null> = { init: () => null, update: (g, s) => [g, s] }
    const tx = chain(sgd(1), withExtraArgs(plain), reduceOnPlateau({ patience: 1, factor: 0.5 }))
    let s = tx.init([0])
    const out: unknown[] = []
    for (const value of [1, 1]) {
      const [u, n] = tx.update([2], s, undefined, { value })
      out.push(u[0])
      s = n
    }
    expect(out).toEqual([-2, -1])
  })
  it('validates options and requires value', () => {
    expect(() => reduceOnPlateau({ factor: 1 })).toThrow(HyperparameterError)
    expect(() => reduceOnPlateau({ rtol: 0, atol: 0 })).toThrow(/must not both be 0/)
    const tx = reduceOnPlateau()
    expect(() => tx.update([1], tx.init([0]))).toThrow(DescentError)
  })
})
