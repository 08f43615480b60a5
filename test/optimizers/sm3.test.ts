import { describe, expect, it } from 'vitest'
import { HyperparameterError, chain, scale, scaleBySm3, sm3 } from '../../src/index'
import { expectInputsUnchanged, expectSameStructure, expectTreesEqual } from '../_helpers/assertions'
import { gradAt, makeParams, trajectory } from './_aliasSuite'

// sm3 takes a number learning rate only (optax: `scale(-learning_rate)`), so the shared aliasSuite, which also runs
// schedules, does not apply: the number-lr parts of it are written out here.
describe('sm3', () => {
  const cases = [
    {
      label: 'defaults',
      alias: (lr: number) => sm3(lr),
      reference: (lr: number) => chain(scaleBySm3({ b1: 0.9 }), scale(-lr)),
    },
    {
      label: 'momentum 0.5',
      alias: (lr: number) => sm3(lr, { momentum: 0.5 }),
      reference: (lr: number) => chain(scaleBySm3({ b1: 0.5 }), scale(-lr)),
    },
  ]
  it.each(cases)(
    '$label: bit-identical to its chain (float32 and float64), state stable, dtype kept',
    ({ alias, reference }) => {
      for (const dtype of ['float32', 'float64'] as const) {
        const run = trajectory(alias(0.05), makeParams(dtype), 6)
        expectTreesEqual(run, trajectory(reference(0.05), makeParams(dtype), 6))
        for (const s of run.steps) {
          expectSameStructure(s.state as never, run.init as never)
          expectSameStructure(s.updates, makeParams(dtype))
        }
      }
      expectTreesEqual(
        trajectory(alias(0.05), makeParams(), 4, { unknownExtra: 1 }),
        trajectory(alias(0.05), makeParams(), 4),
      )
      const tx = alias(0.05)
      const p = makeParams()
      const s = tx.init(p)
      const g = gradAt(p, 0)
      expectInputsUnchanged(() => tx.update(g, s, p), g, s, p)
    },
  )

  it('rejects a schedule and invalid values', () => {
    expect(() => sm3(((c: number) => c) as never)).toThrow(HyperparameterError)
    expect(() => sm3(NaN)).toThrow(/learningRate/)
    expect(() => sm3(0.1, { momentum: 1.5 })).toThrow('sm3 options.momentum must be in [0, 1); got 1.5')
  })
})
