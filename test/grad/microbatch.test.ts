import { describe, expect, it } from 'vitest'
import { type Tensor, grad, microbatch, mul, ops, reshapeBatchAxis, tensor } from '../../src/index'

describe('microbatch / reshapeBatchAxis', () => {
  const x = tensor([1, 2, 3, 4, 5, 6], 'float64')
  const w = tensor([0.5, -1], 'float64')
  // per-example loss (w·[xᵢ, xᵢ²]), summed over a microbatch
  const loss = (p: Tensor, xs: Tensor) => ops.sum(ops.add(mul(xs, p.data[0]!), mul(mul(xs, xs), p.data[1]!)))

  it('splits as optax (F order) and puts concat outputs back in order', () => {
    expect(reshapeBatchAxis(x, 3).toArray()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ])
    expect(() => reshapeBatchAxis(x, 4)).toThrow(/multiple/)
    const sq = microbatch((xs: Tensor) => mul(xs, xs), 0, 2, 'concat')
    expect(sq(x).toArray()).toEqual([1, 4, 9, 16, 25, 36])
  })

  it('sum, mean and runningMean of microbatch results equal the whole-batch values', () => {
    const whole = 0.5 * 21 - 91
    expect(microbatch(loss, 1, 2, 'sum')(w, x).item()).toBeCloseTo(whole, 12)
    expect(microbatch(loss, 1, 2, 'mean')(w, x).item()).toBeCloseTo(whole / 3, 12)
    expect(microbatch(loss, 1, 3, 'runningMean')(w, x).item()).toBeCloseTo(whole / 2, 12)
    expect(microbatch(loss, 1, undefined)).toBe(loss)
  })

  it('accumulates gradients (a tree of outputs with a tree of accumulation types)', () => {
    const f = (p: Tensor, xs: Tensor) => ({
      g: grad((q: Tensor) => ops.sum(mul(mul(xs, xs), q)))(p),
      n: ops.sum(ops.add(mul(xs, 0), 1)),
    })
    const out = microbatch(f, 1, 2, { g: 'sum', n: 'sum' })(tensor(1, 'float64'), x)
    expect(out.g.item()).toBeCloseTo(91, 12)
    expect(out.n.item()).toBe(6)
  })
})
