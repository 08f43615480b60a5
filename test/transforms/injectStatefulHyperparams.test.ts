import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  type StatefulSchedule,
  currentLearningRate,
  injectHyperparams,
  injectStatefulHyperparams,
  piecewiseConstantSchedule,
  scale,
  sgd,
  tensor,
  trace,
  wrappedSchedule,
} from '../../src/index'

/** optax schedules/_inject_test.py ExampleStatefulSchedule: the sum of the `addendum` extra arguments so far. */
const total: StatefulSchedule<{ readonly total: number }> = {
  init: () => ({ total: 0 }),
  update: (s, extra) => ({ total: s.total + Number(extra.addendum) }),
  value: (s) => s.total,
}

describe('StatefulSchedule / wrappedSchedule', () => {
  it('wrappedSchedule counts updates and evaluates the schedule at the count (optax WrappedSchedule test)', () => {
    const s = wrappedSchedule((count) => 2 * count + 1)
    let state = s.init()
    for (let count = 0; count < 5; count++) {
      expect(state).toEqual({ count })
      expect(s.value(state, { value: 1 })).toBe(2 * count + 1)
      state = s.update(state, { value: 1 })
    }
    expect(() => wrappedSchedule(3 as never)).toThrow(HyperparameterError)
  })
})

describe('injectStatefulHyperparams (optax inject_stateful_hyperparams)', () => {
  it("optax's test_inject_stateful_hyperparams: after two updates, step size 0.3 and schedule state 0.6", () => {
    const grads = [tensor([1, 1, 1]), tensor([1, 1])]
    const tx = injectStatefulHyperparams(scale)({ stepSize: total })
    let state = tx.init(grads)
    expect(state.hyperparams.stepSize).toBe(0)
    expect(state.hyperparamsStates).toEqual({ stepSize: { total: 0 } })
    const extra = { addendum: 0.3 }
    const [u1, s1] = tx.update(grads, state, grads, extra)
    // the first update uses the value before any addendum: 0
    expect((u1[0]!.toArray() as number[]).every((v) => v === 0)).toBe(true)
    state = s1
    const [u2, s2] = tx.update(grads, state, grads, extra)
    expect(s2.hyperparams.stepSize).toBe(0.3)
    expect((s2.hyperparamsStates.stepSize as { total: number }).total).toBeCloseTo(0.6, 15)
    expect(u2[1]!.toArray()).toEqual([0.3, 0.3].map((v) => expect.closeTo(v, 6)))
    expect(s2.count).toBe(2)
  })

  it('a schedule driven by the loss: halve the learning rate whenever the loss went up (plateau-like)', () => {
    type S = { readonly lr: number; readonly best: number }
    const halveOnIncrease: StatefulSchedule<S> = {
      init: () => ({ lr: 1, best: Infinity }),
      update: (s, extra) => {
        const v = extra.value as number
        return v < s.best ? { lr: s.lr, best: v } : { lr: s.lr / 2, best: s.best }
      },
      value: (s) => s.lr,
    }
    const tx = injectStatefulHyperparams(sgd)(halveOnIncrease)
    const p = tensor([0], 'float64')
    let state = tx.init(p)
    const losses = [3, 2, 2.5, 1, 4, 5]
    const used: number[] = []
    for (const value of losses) {
      const [u, next] = tx.update(tensor([1], 'float64'), state, p, { value })
      used.push(-(u.toArray() as number[])[0]!)
      state = next
    }
    // value used at update t is the lr after the losses before t: 1, 1, 1, 0.5, 0.5, 0.25
    expect(used).toEqual([1, 1, 1, 0.5, 0.5, 0.25])
    expect(state.hyperparams.learningRate).toBe(0.25)
    expect(currentLearningRate(tx, state)).toBe(0.125)
  })

  it('count schedules and numbers behave as injectHyperparams (optax test_hyperparams_state)', () => {
    const decay = piecewiseConstantSchedule(0.8, { boundariesAndScales: { 3: 0.5, 9: 1.25 } })
    const tx = injectStatefulHyperparams(trace)({ decay, nesterov: true })
    const ref = injectHyperparams(trace)({ decay, nesterov: true })
    const params = [
      tensor([
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ]
    const grads = [
      tensor([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    ]
    let state = tx.init(params)
    let refState = ref.init(params)
    const expected = [0.8, 0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.5]
    for (let i = 0; i < 12; i++) {
      expect(state.hyperparams.decay).toBeCloseTo(expected[i]!, 12)
      const [u, next] = tx.update(grads, state)
      const [refU, refNext] = ref.update(grads, refState)
      expect(u[0]!.toArray()).toEqual(refU[0]!.toArray())
      state = next
      refState = refNext
    }
    expect(state.hyperparamsStates).toEqual({})
  })

  it('names positional stateful schedules with positionalNames, and refuses unnamed ones', () => {
    const tx = injectStatefulHyperparams(scale, { positionalNames: ['stepSize'] })(total)
    const s = tx.update(tensor([1]), tx.init(tensor([0])), undefined, { addendum: 2 })[1]
    expect(s.hyperparamsStates).toEqual({ stepSize: { total: 2 } })
    expect(() => injectStatefulHyperparams(scale, { positionalNames: [] })(total)).toThrow(/positionalNames/)
    const nan: StatefulSchedule<number> = { init: () => 0, update: (x) => x, value: () => NaN }
    expect(() => injectStatefulHyperparams(scale)({ stepSize: nan })).toThrow(HyperparameterError)
  })

  it('refuses a state that is not its own', () => {
    const tx = injectStatefulHyperparams(scale)({ stepSize: total })
    const plain = injectHyperparams(scale)({ stepSize: 1 })
    const wrong = plain.init(tensor([0]))
    expect(() => tx.update(tensor([1]), wrong as never)).toThrow(/hyperparamsStates/)
  })
})
