/**
 * Shared helpers of the adaptive-transform tests (scaleByAdamax, scaleByRadam, scaleByBelief, …): run a transform
 * over a sequence of gradient vectors on one tensor leaf, compare with an independent float64 recomputation, and
 * check the common contract (inputs unchanged, dtype kept, structure, null subtrees and number leaves).
 */
import { expect, it } from 'vitest'
import { type DType, type GradientTransformation, type PyTree, tensor, tree } from '../../src/index'
import { expectInputsUnchanged, expectSameStructure, values } from '../_helpers/assertions'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTx = GradientTransformation<any>
export type Seq = readonly (readonly number[])[]

/** Runs `tx` over `grads` on one tensor leaf (params fixed at `params`, zeros by default); returns every update. */
export function runSeq(tx: AnyTx, grads: Seq, dtype: DType = 'float64', params?: readonly number[]): number[][] {
  const p = tensor([...(params ?? new Array<number>(grads[0]!.length).fill(0))], dtype)
  let state = tx.init(p)
  return grads.map((g) => {
    const [u, s] = tx.update(tensor([...g], dtype), state, p)
    state = s
    return values(u)
  })
}

/** |actual − expected| ≤ rtol·|expected| + atol at every step and coordinate (NaN never passes). */
export function expectSeqClose(actual: number[][], expected: number[][], rtol = 1e-12, atol = 1e-300): void {
  expect(actual.length).toBe(expected.length)
  actual.forEach((u, t) => {
    expect(u.length).toBe(expected[t]!.length)
    u.forEach((x, i) => {
      const e = expected[t]![i]!
      const ok = Math.abs(x - e) <= rtol * Math.abs(e) + atol || (x === e && !Number.isNaN(e))
      if (!ok) expect({ step: t, index: i, value: x }).toEqual({ step: t, index: i, value: e })
    })
  })
}

/** A gradient sequence with mixed signs, exact zeros, a sign flip, tiny and large values (8 steps, 4 coordinates). */
export const MIXED: Seq = [
  [0.5, -2, 0, 3],
  [0.25, 1, 0, 3],
  [-1, 4, 0, -3],
  [0, -0.5, 1e-6, 3],
  [2, 2, -1e-6, 0],
  [-0.75, -3, 0, 1e3],
  [1.5, 0.5, 5, -1e3],
  [0.1, -0.1, -5, 2],
]

/** The common contract of a transform: no input modified, dtype kept, structure kept with null and number leaves. */
export function describeContract(make: () => AnyTx): void {
  const params = (): PyTree => ({
    w: tensor([
      [1, -2],
      [0.5, 3],
    ]),
    b: tensor([0.25, -1], 'float64'),
    s: 1.5,
    n: null,
  })
  const grads = (k: number): PyTree => ({
    w: tensor([
      [0.5 * k, -1],
      [2, -0.25 * k],
    ]),
    b: tensor([-3 * k, 0.125], 'float64'),
    s: 0.75 - k,
    n: null,
  })

  it('never modifies its inputs, and keeps the structure, shapes and dtypes of the updates', () => {
    const tx = make()
    const p = params()
    let state = expectInputsUnchanged(() => tx.init(p), p)
    for (let k = 0; k < 4; k++) {
      const g = grads(k + 1)
      const [u, s] = expectInputsUnchanged(() => tx.update(g, state, p), g, state, p)
      expectSameStructure(u, g)
      expect(tree.allFinite(u)).toBe(true)
      state = s
    }
  })

  it.each(['float32', 'float64'] as const)('keeps %s updates in that dtype', (dtype) => {
    const tx = make()
    const p = tensor([1, -2, 3], dtype)
    let state = tx.init(p)
    for (let k = 0; k < 3; k++) {
      const [u, s] = tx.update(tensor([k - 1, 2, -0.5], dtype), state, p)
      expect(u.dtype).toBe(dtype)
      state = s
    }
  })
}
