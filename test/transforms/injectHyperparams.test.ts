import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  adam,
  adamw,
  applyUpdates,
  injectHyperparams,
  scaleByAdam,
  sgd,
  tensor,
  warmupCosineDecaySchedule,
  type GradientTransformation,
  type PyTree,
} from '../../src/index'
import { expectInputsUnchanged, expectTreesEqual } from '../_helpers/assertions'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(tx: GradientTransformation<any>, steps: number, edit?: (s: any, t: number) => any) {
  let params: PyTree = { w: tensor([1, -2, 3]), b: tensor([0.5], 'float64') }
  let state = tx.init(params)
  const out: PyTree[] = []
  for (let t = 0; t < steps; t++) {
    const g = { w: tensor([t + 1, -0.5, 2 ** -t]), b: tensor([Math.sin(t)], 'float64') }
    if (edit) state = edit(state, t)
    const [u, next]: readonly [PyTree, unknown] = tx.update(g, state, params)
    out.push(u)
    params = applyUpdates(params, u)
    state = next
  }
  return out
}

describe('injectHyperparams', () => {
  it('adam(1e-3) injected equals adam(1e-3) bit for bit', () => {
    expectTreesEqual(run(injectHyperparams(adam)(1e-3), 6), run(adam(1e-3), 6))
    expectTreesEqual(
      run(injectHyperparams(adam)(1e-3, { b1: 0.8, nesterov: true }), 6),
      run(adam(1e-3, { b1: 0.8, nesterov: true }), 6),
    )
  })
  it('adamw with a schedule learning rate equals adamw(schedule) bit for bit', () => {
    const lr = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-2, warmupSteps: 2, decaySteps: 6 })
    expectTreesEqual(
      run(injectHyperparams(adamw)(lr, { weightDecay: 0.1 }), 8),
      run(adamw(lr, { weightDecay: 0.1 }), 8),
    )
  })
  it('a transform factory taking one options object', () => {
    expectTreesEqual(
      run(injectHyperparams(scaleByAdam)({ b1: 0.5, eps: 1e-3 }), 4),
      run(scaleByAdam({ b1: 0.5, eps: 1e-3 }), 4),
    )
  })
  it('stores numbers and schedule values (float64), evaluated at the wrapper count; booleans stay static', () => {
    const tx = injectHyperparams(adam)((c: number) => 0.1 / 3 ** c, { b1: 0.9, nesterov: true })
    let s = tx.init([0])
    // optax binds the defaults too (apply_defaults): adam's b2 = 0.999, eps = 1e-8, eps_root = 0
    expect(s.hyperparams).toEqual({ learningRate: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 })
    s = tx.update([1], s)[1]
    expect(s.hyperparams.learningRate).toBe(0.1) // the value used by the last update (count 0)
    s = tx.update([1], s)[1]
    expect(s.hyperparams.learningRate).toBe(0.1 / 3)
    expect(s.count).toBe(2)
  })
  it('a user-replaced constant hyperparameter is used by the next update', () => {
    const edited = run(injectHyperparams(adam)(1e-3), 4, (s, t) =>
      t === 2 ? { ...s, hyperparams: { ...s.hyperparams, learningRate: 1e-1 } } : s,
    )
    // Reference: adam with lr 1e-3 for two steps then 1e-1: the same moments, since lr is the last link.
    const ref = run(
      injectHyperparams(adam)((c: number) => (c < 2 ? 1e-3 : 1e-1)),
      4,
    )
    expectTreesEqual(edited, ref)
  })
  it('staticArgs keeps a function option static', () => {
    const mask = (p: PyTree) => (Array.isArray(p) ? [true, false] : true)
    const tx = injectHyperparams(adamw, { staticArgs: ['mask'] })(1e-2, { weightDecay: 0.5, mask })
    const s = tx.init([1, 1])
    expect(Object.keys(s.hyperparams).sort()).toEqual(['b1', 'b2', 'eps', 'epsRoot', 'learningRate', 'weightDecay'])
    const [u] = tx.update([0, 0], s, [1, 1])
    expect(u[0]).toBeCloseTo(-1e-2 * 0.5, 12) // decayed
    expect(u[1]).toBe(-0) // not decayed: −lr·0
  })
  it('does not modify inputs', () => {
    const tx = injectHyperparams(adam)(1e-3)
    const p = { w: tensor([1, 2]) }
    const s = expectInputsUnchanged(() => tx.init(p), p)
    expectInputsUnchanged(() => tx.update({ w: tensor([3, 4]) }, s, p), s, p)
  })
  it('validates eagerly and names unnamed positional numbers', () => {
    expect(() => injectHyperparams(adam)(1e-3, { b1: 1.5 })).toThrow(HyperparameterError)
    const f = (a: number, b: number) => adam(a * b)
    expect(() => injectHyperparams(f)(1, 2)).toThrow(/argument 1 .*positionalNames/)
    const tx = injectHyperparams(f, { positionalNames: ['a', 'b'] })(1e-3, 2)
    expect(tx.init([0]).hyperparams).toEqual({ a: 1e-3, b: 2 })
    expect(() => injectHyperparams(3 as never)).toThrow(/factory must be a function/)
  })
})

describe('overriding a scheduled hyperparameter (issue 9)', () => {
  const schedule = (c: number) => 0.1 / (1 + c)
  const p = { w: tensor([1, 2]) }
  const g = { w: tensor([0.5, -0.5]) }

  it('raises scheduleOverridden at the next update instead of overwriting it silently (optax drops it)', () => {
    const tx = injectHyperparams(adam)(schedule, { b1: 0.9 })
    let s = tx.init(p)
    s = tx.update(g, s, p)[1]
    s = tx.update(g, s, p)[1] // untouched state: fine at every step
    const edited = { ...s, hyperparams: { ...s.hyperparams, learningRate: 1e-4 } }
    let caught: unknown
    try {
      tx.update(g, edited, p)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(DescentError)
    expect((caught as { code?: string }).code).toBe('scheduleOverridden')
    expect((caught as Error).message).toMatch(
      /state\.hyperparams\.learningRate is 0\.0001, but learningRate follows a schedule/,
    )
    expect((caught as Error).message).toMatch(/inject it as a number/)
    // at count 0 too (the state from init)
    const s0 = tx.init(p)
    expect(() => tx.update(g, { ...s0, hyperparams: { ...s0.hyperparams, learningRate: 1 } }, p)).toThrow(
      /follows a schedule/,
    )
  })

  it('the fix works: a constant injected hyperparameter set by hand is used from the next update on', () => {
    const tx = injectHyperparams(sgd)(0.1)
    let s = tx.init([0])
    s = { ...s, hyperparams: { ...s.hyperparams, learningRate: 0.5 } }
    const [u] = tx.update([2], s)
    expect(u).toEqual([-1])
  })
})
