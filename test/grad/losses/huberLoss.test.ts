import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, type Tensor, grad, huberLoss, l2Loss, ops, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

const clip = (e: number, d: number): number => Math.min(Math.max(e, -d), d)

describe('huberLoss', () => {
  it('is ½e² up to δ and δ(|e| − ½δ) beyond (hand-derived)', () => {
    // δ = 1: e = 0.5 → 0.125; e = −3 → ½ + (3 − 1) = 2.5; e = 1 → ½
    expect(huberLoss(tensor([0.5, -3, 1]), tensor([0, 0, 0])).toArray()).toEqual([0.125, 2.5, 0.5])
    // δ = 2: e = 5 → 2 + 2·3 = 8; e = 1 → 0.5
    expect(huberLoss(tensor([7, 2]), tensor([2, 1]), { delta: 2 }).toArray()).toEqual([8, 0.5])
    // without targets e = p
    expect(huberLoss(tensor([-4])).toArray()).toEqual([3.5])
  })

  it('equals l2Loss where |e| ≤ δ, and is never larger', () => {
    const r = rng(40)
    const p = randTensor(r, [20], -4, 4)
    const t = randTensor(r, [20], -4, 4)
    const h = vals(huberLoss(p, t, { delta: 1.5 }))
    const q = vals(l2Loss(p, t))
    h.forEach((v, i) => {
      if (Math.abs(p.data[i]! - t.data[i]!) <= 1.5) expect(v).toBeCloseTo(q[i]!, 15)
      expect(v).toBeLessThanOrEqual(q[i]! + 1e-15)
    })
  })

  it('has gradient clip(e, −δ, δ), also at e = 0 and at |e| = δ (float64)', () => {
    const r = rng(41)
    const e = randTensor(r, [16], -3, 3)
    const g = grad((p: Tensor) => ops.sum(huberLoss(p, 0, { delta: 0.8 })))(e)
    vals(g).forEach((v, i) => expect(v).toBeCloseTo(clip(e.data[i]!, 0.8), 15))
    const kinks = tensor([0, 0.8, -0.8], 'float64')
    const gk = grad((p: Tensor) => ops.sum(huberLoss(p, undefined, { delta: 0.8 })))(kinks)
    expect(gk.toArray()).toEqual([0, 0.8, -0.8])
    // with respect to the targets: −clip(e, −δ, δ)
    expect(grad((t) => huberLoss(3, t))(1)).toBe(-1)
  })

  it('is finite for errors of ±1e4 in float32', () => {
    const p = tensor([1e4, -1e4])
    expect(huberLoss(p, tensor([0, 0])).toArray()).toEqual([9999.5, 9999.5])
    expect(grad((x: Tensor) => ops.sum(huberLoss(x, tensor([0, 0]))))(p).toArray()).toEqual([1, -1])
  })

  it('rejects δ ≤ 0, NaN and ∞', () => {
    expect(() => huberLoss(tensor([1]), undefined, { delta: 0 })).toThrow(HyperparameterError)
    expect(() => huberLoss(tensor([1]), undefined, { delta: -1 })).toThrow(
      'huberLoss options.delta must be in (0, Infinity); got -1',
    )
    expect(() => huberLoss(tensor([1]), undefined, { delta: Number.NaN })).toThrow('got NaN')
    expect(() => huberLoss(tensor([1]), undefined, { delta: Infinity })).toThrow('got Infinity')
  })

  it('keeps the dtype and does not modify its inputs', () => {
    const p = tensor([1, 5], 'float64')
    const t = tensor([0, 0], 'float64')
    expect(expectInputsUnchanged(() => huberLoss(p, t), p, t).dtype).toBe('float64')
    expect(huberLoss(tensor([1]), tensor([0])).dtype).toBe('float32')
  })

  test.prop([fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 10, noNaN: true })])(
    'gradient is clip(e, −δ, δ) for any error and δ (float64)',
    (e, delta) => {
      expect(grad((p) => huberLoss(p, 0, { delta }))(e)).toBeCloseTo(clip(e, delta), 12)
    },
  )
})
