/**
 * trainStep's updateNorm and paramNorm, computed in one pass over both trees: the closed forms on small cases, and
 * bit for bit what tree.norm gives on each tree alone (same order of summation), for float32, float64 and number
 * leaves, non-finite values and trees of different leaf counts.
 */
import { describe, expect, it } from 'vitest'
import { initTrainState, ops, sgd, tensor, trainStep, tree, type Tensor } from '../../src/index'
import { stepNorms } from '../../src/train/stepNorms'

describe('stepNorms', () => {
  it('closed forms: ‖(3, 4)‖ = 5, ‖(1, 2, 2)‖ = 3 across leaves', () => {
    const [u, p] = stepNorms({ a: tensor([3, 4]) }, { a: tensor([1, 2]) })
    expect(u).toBe(5)
    expect(p).toBe(Math.sqrt(5))
    const [u2, p2] = stepNorms({ a: tensor([1]), b: tensor([2, 2]) }, { a: tensor([0]), b: tensor([0, 0]) })
    expect([u2, p2]).toEqual([3, 0])
  })

  it('bit for bit tree.norm of each tree, for float32 / float64 / number leaves and non-finite values', () => {
    let x = 7
    const rand = (n: number) =>
      Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3)
    const updates = {
      w: tensor(rand(1000), [10, 100]),
      b: tensor(rand(7), [7], 'float64'),
      s: 0.25,
      v: tensor(rand(33)),
    }
    const params = {
      w: tensor(rand(1000), [10, 100]),
      b: tensor(rand(7), [7]),
      s: -1.5,
      v: tensor(rand(33), [33], 'float64'),
    }
    const [u, p] = stepNorms(updates, params)
    expect(Object.is(u, tree.norm(updates))).toBe(true)
    expect(Object.is(p, tree.norm(params))).toBe(true)
    const bad = { w: tensor([1, NaN, 2]), b: tensor([Infinity]) }
    const [uBad, pBad] = stepNorms(bad, { w: tensor([1, 2, 3]), b: tensor([-Infinity]) })
    expect(uBad).toBeNaN()
    expect(pBad).toBe(Infinity)
  })

  it('falls back to tree.norm when the trees have different leaf counts', () => {
    const u = { a: tensor([3, 4]) }
    const p = { a: tensor([1]), b: tensor([2]) }
    expect(stepNorms(u, p)).toEqual([5, Math.sqrt(5)])
  })

  it("trainStep's info: updateNorm = ‖θ′ − θ‖ and paramNorm = ‖θ′‖ (sgd: u = −lr·g)", () => {
    type P = { w: Tensor; b: Tensor }
    const loss = (q: P, _: null) => ops.sum(ops.add(ops.mul(q.w, tensor([1, 2])), q.b))
    const opt = sgd(0.5)
    const [next, info] = trainStep(loss, opt)(initTrainState({ w: tensor([1, 1]), b: tensor([0]) }, opt), null)
    // g = (1, 2; 2) (b is broadcast to both terms), u = −0.5·g = (−0.5, −1; −1), θ′ = (0.5, 0; −1)
    expect(info.updateNorm).toBeCloseTo(Math.sqrt(0.25 + 1 + 1), 6)
    expect(info.paramNorm).toBeCloseTo(Math.sqrt(0.25 + 0 + 1), 6)
    expect(next.params.w.toArray()).toEqual([0.5, 0])
  })
})
