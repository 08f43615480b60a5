import { describe, expect, it } from 'vitest'
import { type PyTree, chain, rprop, scale, scaleByRprop } from '../../src/index'
import { expectInputsUnchanged, expectSameStructure, expectTreesEqual } from '../_helpers/assertions'
import { gradAt, makeParams, trajectory } from './_aliasSuite'

// rprop takes a number (the initial step size), not a schedule, so the shared aliasSuite (which also runs schedules)
// does not apply; the same checks are written here for numbers.
const cases = [
  { label: 'defaults', alias: () => rprop(0.05), reference: () => chain(scaleByRprop(0.05), scale(-1)) },
  {
    label: 'custom options',
    alias: () => rprop(0.05, { etaMinus: 0.3, etaPlus: 1.5, minStepSize: 1e-3, maxStepSize: 0.2 }),
    reference: () =>
      chain(scaleByRprop(0.05, { etaMinus: 0.3, etaPlus: 1.5, minStepSize: 1e-3, maxStepSize: 0.2 }), scale(-1)),
  },
]

describe.each(cases)('rprop: $label', ({ alias, reference }) => {
  it('bit-identical to chain(scaleByRprop, scale(-1)) over several steps, float32 and float64', () => {
    expectTreesEqual(trajectory(alias(), makeParams(), 8), trajectory(reference(), makeParams(), 8))
    expectTreesEqual(trajectory(alias(), makeParams('float64'), 8), trajectory(reference(), makeParams('float64'), 8))
  })

  it.each(['float32', 'float64'] as const)('keeps %s params and updates in that dtype', (dtype) => {
    for (const step of trajectory(alias(), makeParams(dtype), 4).steps) {
      for (const t of [step.params, step.updates] as PyTree[]) {
        for (const leaf of Object.values(t as Record<string, { dtype: string }>)) expect(leaf.dtype).toBe(dtype)
      }
    }
  })

  it('keeps the state structure stable, ignores unknown extra args, never modifies inputs', () => {
    const run = trajectory(alias(), makeParams(), 5)
    for (const step of run.steps) expectSameStructure(step.state as PyTree, run.init as PyTree)
    expectTreesEqual(trajectory(alias(), makeParams(), 5, { unexpectedExtraArg: 1 }), run)
    const tx = alias()
    const p = makeParams()
    const s0 = tx.init(p)
    const g = gradAt(p, 0)
    const [, s1] = expectInputsUnchanged(() => tx.update(g, s0, p), g, s0, p)
    expectInputsUnchanged(() => tx.update(g, s1, p), g, s1, p)
  })
})

describe('rprop', () => {
  it('descends (after its one-step lag): first update 0, then −step·sign(g)', () => {
    const opt = rprop(0.1)
    const [u1, s1] = opt.update([2, -3], opt.init([0, 0]))
    const [u2] = opt.update([1, -1], s1)
    expect(u1.map(Math.abs)).toEqual([0, 0])
    expect(u2).toEqual([-0.1, 0.1])
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => rprop(0)).toThrow('scaleByRprop learningRate must be in (0, Infinity); got 0')
    expect(() => rprop(0.1, { etaPlus: 0.9 })).toThrow(/options\.etaPlus/)
  })
})
