import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  adam,
  multiSteps,
  multiStepsHasUpdated,
  sgd,
  tensor,
  tree,
  type PyTree,
} from '../../src/index'
import { expectInputsUnchanged, expectTreesClose, expectTreesEqual } from '../_helpers/assertions'

const grads = [
  [1, -2],
  [3, 0],
  [-0.5, 4],
  [2, 2],
].map((g) => ({ w: tensor(g, 'float64') }))

describe('multiSteps', () => {
  it('k micro-batches give one step of the inner optimizer on their mean; inner state advances once', () => {
    const k = 4
    const tx = multiSteps(adam(0.1), { everyKSchedule: k })
    const inner = adam(0.1)
    const params = { w: tensor([0, 0], 'float64') }
    let s = tx.init(params)
    for (let i = 0; i < k - 1; i++) {
      const [u, next] = tx.update(grads[i]!, s, params)
      expectTreesEqual(u, { w: tensor([0, 0], 'float64') })
      expect(next.innerOptState).toBe(s.innerOptState) // kept
      expect(multiStepsHasUpdated(next)).toBe(false)
      s = next
    }
    const [u, last] = tx.update(grads[k - 1]!, s, params)
    const mean = { w: tensor([(1 + 3 - 0.5 + 2) / 4, (-2 + 0 + 4 + 2) / 4], 'float64') }
    const [ref, refState] = inner.update(mean, inner.init(params), params)
    expectTreesClose(u, ref, { rtol: 1e-14 })
    expect((last.innerOptState[0] as { count: number }).count).toBe(1)
    expectTreesClose(last.innerOptState as unknown as PyTree, refState as unknown as PyTree, { rtol: 1e-14 })
    expect([last.miniStep, last.gradientStep, multiStepsHasUpdated(last)]).toEqual([0, 1, true])
    expectTreesEqual(last.accGrads, tree.zerosLike(params))
  })
  it('sums with useGradMean: false; a schedule inside counts optimizer steps', () => {
    const seen: number[] = []
    const lr = (c: number) => (seen.push(c), 1)
    const tx = pipe(sgd(lr), multiSteps({ everyKSchedule: 2, useGradMean: false }))
    let s = tx.init([0])
    const out: PyTree[] = []
    for (const g of [1, 2, 3, 4]) {
      const [u, n] = tx.update([g], s)
      out.push(u)
      s = n
    }
    expect(out).toEqual([[0], [-3], [0], [-7]])
    expect(seen).toEqual([0, 1])
  })
  it('everyKSchedule as a function of the optimizer step; positional k', () => {
    const tx = multiSteps(sgd(1), { everyKSchedule: (step: number) => step + 1 }) // 1, then 2, then 3 micro-batches
    let s = tx.init([0])
    const emitted: boolean[] = []
    for (let i = 0; i < 6; i++) {
      s = tx.update([1], s)[1]
      emitted.push(multiStepsHasUpdated(s))
    }
    expect(emitted).toEqual([true, false, true, false, false, true])
    expect(multiSteps(sgd(1), 3).init([0]).miniStep).toBe(0)
  })
  it('a skip function drops the micro-batch and records its info', () => {
    const tx = multiSteps(sgd(1), {
      everyKSchedule: 2,
      shouldSkipUpdateFn: (u) => [!tree.allFinite(u), tree.allFinite(u) ? 0 : 1],
    })
    const s0 = tx.init([0])
    const [u, s1] = tx.update([NaN], s0)
    expect(u).toEqual([0])
    expect({ ...s1, skipState: 0 }).toEqual(s0)
    expect(s1.skipState).toBe(1)
  })
  it('keeps dtypes, does not modify inputs, validates options', () => {
    const tx = multiSteps(adam(0.1), 2)
    const p = { a: tensor([1, 2]), b: tensor([3], 'float64') }
    let s = expectInputsUnchanged(() => tx.init(p), p)
    for (let i = 0; i < 2; i++) {
      const g = { a: tensor([1, 1]), b: tensor([1], 'float64') }
      const [u, n] = expectInputsUnchanged(() => tx.update(g, s, p), g, s, p)
      expect([u.a.dtype, u.b.dtype]).toEqual(['float32', 'float64'])
      s = n
    }
    expect(() => multiSteps(sgd(1), 0)).toThrow(HyperparameterError)
    expect(() => multiSteps(sgd(1), { everyKSchedule: 1.5 })).toThrow(/everyKSchedule must be an integer/)
    expect(() => multiSteps(2)({} as never)).toThrow(/inner must be a GradientTransformation/)
  })
})
