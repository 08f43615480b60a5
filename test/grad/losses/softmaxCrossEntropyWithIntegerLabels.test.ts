import { describe, expect, it } from 'vitest'
import {
  ShapeError,
  type Tensor,
  grad,
  oneHot,
  ops,
  softmaxCrossEntropy,
  softmaxCrossEntropyWithIntegerLabels as ce,
  tensor,
  transpose,
} from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, softmaxRows, vals } from '../_numeric'

describe('softmaxCrossEntropyWithIntegerLabels', () => {
  it('of logits [0, 0] is log 2 for either label', () => {
    // log(e⁰ + e⁰) − 0
    expect(
      ce(
        tensor(
          [
            [0, 0],
            [0, 0],
          ],
          'float64',
        ),
        [0, 1],
      ).toArray(),
    ).toEqual([Math.LN2, Math.LN2])
  })

  it('is logsumexp(z) − z_y per example (float64, independent recomputation)', () => {
    const r = rng(20)
    const z = randTensor(r, [5, 4], -3, 3)
    const labels = [3, 0, 1, 2, 2]
    const rows = z.toArray() as number[][]
    const want = rows.map((row, b) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[labels[b]!]!)
    vals(ce(z, labels)).forEach((v, b) => expect(v).toBeCloseTo(want[b]!, 13))
    // and equals the dense version with one-hot labels
    const dense = vals(softmaxCrossEntropy(z, oneHot(labels, 4, 'float64')))
    vals(ce(z, labels)).forEach((v, b) => expect(v).toBeCloseTo(dense[b]!, 14))
  })

  it('has gradient softmax(z) − onehot(y) (float64)', () => {
    const r = rng(21)
    const z = randTensor(r, [3, 4], -3, 3)
    const labels = [1, 3, 0]
    const g = grad((x: Tensor) => ops.sum(ce(x, labels)))(z)
    const s = softmaxRows(z).flat()
    vals(g).forEach((v, i) => expect(v).toBeCloseTo(s[i]! - (labels[Math.floor(i / 4)] === i % 4 ? 1 : 0), 14))
  })

  it('accepts labels as a tensor, a number[], an Int32Array or (for one example) a number', () => {
    const z = tensor(
      [
        [1, 2, 3],
        [3, 2, 1],
      ],
      'float64',
    )
    const want = vals(ce(z, [2, 1]))
    expect(vals(ce(z, tensor([2, 1])))).toEqual(want)
    expect(vals(ce(z, Int32Array.from([2, 1])))).toEqual(want)
    expect(ce(tensor([3, 2, 1], 'float64'), 1).item()).toBe(want[1])
    expect(ce(tensor([3, 2, 1], 'float64'), 1).shape).toEqual([])
  })

  it('takes the class axis from options.axis, for any rank', () => {
    const r = rng(22)
    const z = randTensor(r, [2, 3, 4]) // class axis 1 (K = 3), batch [2, 4]
    const labels = tensor([
      [0, 1, 2, 1],
      [2, 2, 0, 0],
    ])
    const l = ce(z, labels, { axis: 1 })
    expect(l.shape).toEqual([2, 4])
    const last = vals(ce(transpose(z, [0, 2, 1]), labels)) // classes last: [2, 4, 3]
    vals(l).forEach((v, i) => expect(v).toBeCloseTo(last[i]!, 14))
    const first = vals(ce(transpose(z, [1, 0, 2]), labels, { axis: 0 })) // classes first: [3, 2, 4]
    first.forEach((v, i) => expect(v).toBeCloseTo(last[i]!, 14))
  })

  it('is finite and exact for logits ±1e4 in float32, values and gradients', () => {
    const z = tensor([
      [1e4, 0, -1e4],
      [-1e4, 1e4, 0],
    ])
    // row 0, label 2: 1e4 − (−1e4) = 2e4; row 1, label 1: the maximum → 0
    expect(vals(ce(z, [2, 1])).map((v) => v + 0)).toEqual([2e4, 0]) // + 0: −(0) is −0
    expect(grad((x: Tensor) => ops.sum(ce(x, [2, 1])))(z).toArray()).toEqual([
      [1, 0, -1],
      [0, 0, 0],
    ])
  })

  it('labels are not differentiable: a traced labels tensor gets a zero gradient', () => {
    const z = tensor([[1, 2]], 'float64')
    const [gz, gy] = grad((x: Tensor, y: Tensor) => ops.sum(ce(x, y)), { argnums: [0, 1] })(z, tensor([1], 'float64'))
    expect(vals(gz).every(Number.isFinite)).toBe(true)
    expect(gy.toArray()).toEqual([0])
  })

  it('rejects labels of the wrong shape, out of range or not integers, and logits without a class axis', () => {
    const z = tensor([
      [1, 2, 3],
      [3, 2, 1],
    ])
    expect(() => ce(z, [0, 1, 2])).toThrow(
      'softmaxCrossEntropyWithIntegerLabels: labels shape [3] must be the logits shape [2,3] without axis 1, i.e. [2].',
    )
    expect(() => ce(z, [0, 3])).toThrow('label 3 is not an integer class id in [0, 3)')
    expect(() => ce(z, [0, -1])).toThrow(ShapeError)
    expect(() => ce(z, [0, 0.5])).toThrow('label 0.5 is not an integer class id')
    expect(() => ce(tensor(1), 0)).toThrow('logits must have a class axis')
    expect(() => ce(z, [0, 1], { axis: 2 })).toThrow(ShapeError)
  })

  it('keeps the dtype and does not modify its inputs', () => {
    const z = tensor([[1, 2]])
    const y = tensor([1])
    expect(expectInputsUnchanged(() => ce(z, y), z, y).dtype).toBe('float32')
    expect(ce(tensor([[1, 2]], 'float64'), [0]).dtype).toBe('float64')
  })
})
