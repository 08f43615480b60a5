import { describe, expect, it } from 'vitest'
import { type Tensor, grad, hessian, ops, softmaxCrossEntropy, tensor, transpose } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, softmaxRows, vals } from '../_numeric'

/** A [B, K] float64 tensor of random distributions (rows summing to 1). */
const randLabels = (r: () => number, b: number, k: number): Tensor => {
  const rows = Array.from({ length: b }, () => Array.from({ length: k }, () => r() + 0.01))
  return tensor(
    rows.map((row) => row.map((v) => v / row.reduce((a, c) => a + c, 0))),
    'float64',
  )
}

const total = (z: Tensor, y: Tensor): Tensor => ops.sum(softmaxCrossEntropy(z, y))

describe('softmaxCrossEntropy', () => {
  it('of logits [0, 0] with one-hot [1, 0] is log 2', () => {
    // softmax([0, 0]) = [½, ½]: −(1·log ½ + 0·log ½) = log 2
    expect(softmaxCrossEntropy(tensor([0, 0], 'float64'), tensor([1, 0], 'float64')).item()).toBe(Math.LN2)
  })

  it('gives one value per example, −Σ y·log softmax(z) (float64, independent recomputation)', () => {
    const r = rng(10)
    const z = randTensor(r, [4, 5], -3, 3)
    const y = randLabels(r, 4, 5)
    const l = softmaxCrossEntropy(z, y)
    expect(l.shape).toEqual([4])
    const s = softmaxRows(z)
    const want = (y.toArray() as number[][]).map((row, b) => -row.reduce((a, v, k) => a + v * Math.log(s[b]![k]!), 0))
    vals(l).forEach((v, b) => expect(v).toBeCloseTo(want[b]!, 13))
  })

  it('has gradient softmax(z) − y with respect to the logits (float64)', () => {
    const r = rng(11)
    const z = randTensor(r, [3, 4], -3, 3)
    const y = randLabels(r, 3, 4)
    const g = grad((x) => total(x, y))(z)
    const s = softmaxRows(z).flat()
    vals(g).forEach((v, i) => expect(v).toBeCloseTo(s[i]! - y.data[i]!, 14))
  })

  it('has gradient softmax(z)·Σy − y for unnormalised labels, and −log softmax(z) with respect to the labels', () => {
    const z = tensor([[1, -1, 0.5]], 'float64')
    const y = tensor([[2, 0, 1]], 'float64')
    const [gz, gy] = grad(total, { argnums: [0, 1] })(z, y)
    const s = softmaxRows(z)[0]!
    vals(gz).forEach((v, i) => expect(v).toBeCloseTo(3 * s[i]! - y.data[i]!, 14))
    vals(gy).forEach((v, i) => expect(v).toBeCloseTo(-Math.log(s[i]!), 14))
  })

  it('has Hessian diag(s) − s·sᵀ with respect to the logits (one-hot labels)', () => {
    const z = tensor([0.3, -1.2, 2], 'float64')
    const y = tensor([0, 1, 0], 'float64')
    const h = hessian((x: Tensor) => softmaxCrossEntropy(x, y))(z) as Tensor
    const s = softmaxRows(tensor([[0.3, -1.2, 2]], 'float64'))[0]!
    const want = s.flatMap((si, i) => s.map((sj, j) => (i === j ? si : 0) - si * sj))
    vals(h).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14))
  })

  it('takes the class axis from options.axis', () => {
    const r = rng(12)
    const z = randTensor(r, [3, 5])
    const y = randLabels(r, 3, 5)
    const byRows = vals(softmaxCrossEntropy(z, y))
    const byCols = vals(softmaxCrossEntropy(transpose(z), transpose(y), { axis: 0 }))
    byCols.forEach((v, i) => expect(v).toBeCloseTo(byRows[i]!, 14))
  })

  it('is finite and exact for logits ±1e4 in float32, values and gradients', () => {
    const z = tensor([
      [1e4, 0, -1e4],
      [-1e4, 1e4, 0],
    ])
    const y = tensor([
      [0, 0, 1],
      [0, 1, 0],
    ])
    // row 0: logsumexp = 1e4, label logit −1e4 → 2e4; row 1: the label holds the maximum → 0
    const l = softmaxCrossEntropy(z, y)
    expect(l.dtype).toBe('float32')
    expect(vals(l).map((v) => v + 0)).toEqual([2e4, 0]) // + 0: −(0) is −0
    // softmax is one-hot at the maximum: ∂ = softmax − y
    expect(grad((x) => total(x, y))(z).toArray()).toEqual([
      [1, 0, -1],
      [0, 0, 0],
    ])
  })

  it('keeps float64, does not modify its inputs', () => {
    const z = tensor([[1, 2]], 'float64')
    const y = tensor([[0.5, 0.5]], 'float64')
    expect(expectInputsUnchanged(() => softmaxCrossEntropy(z, y), z, y).dtype).toBe('float64')
  })
})
