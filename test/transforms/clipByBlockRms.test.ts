import { describe, expect, it } from 'vitest'
import { HyperparameterError, clipByBlockRms, tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('clipByBlockRms', () => {
  it('clips each leaf to the threshold RMS independently (golden, several steps)', () => {
    // threshold 2. a = (3, −4): rms = √(25/2) = 3.5355 > 2 → a·2/3.5355. b = (1, −1): rms 1 → unchanged.
    // Step 2: a = (0, 0) passes (rms 0); b = (100, −300, 0, 0): rms = √(100000/4) = 158.11 → b·2/158.11.
    const tx = clipByBlockRms(2)
    const steps = [
      [
        { a: tensor([3, -4], 'float64'), b: tensor([1, -1], 'float64') },
        { a: [3, -4].map((x) => (x * 2) / Math.sqrt(12.5)), b: [1, -1] },
      ],
      [
        { a: tensor([0, 0], 'float64'), b: tensor([100, -300, 0, 0], 'float64') },
        { a: [0, 0], b: [100, -300, 0, 0].map((x) => (x * 2) / Math.sqrt(25000)) },
      ],
    ] as const
    for (const [g, e] of steps) {
      const [u, s] = tx.update(g, tx.init({}))
      expectTreesClose(u, { a: tensor([...e.a], 'float64'), b: tensor([...e.b], 'float64') }, { rtol: 1e-14, atol: 0 })
      expect(s).toEqual({})
    }
  })

  it('handles numbers, huge gradients and keeps the dtype', () => {
    const [u] = clipByBlockRms({ threshold: 1 }).update({ n: -5, w: tensor([1e30, -1e30]) }, {})
    expect(u.n).toBe(-1)
    expect(u.w.dtype).toBe('float32')
    expectTreesClose(u.w, tensor([1, -1]), { rtol: 1e-6 })
    expect(clipByBlockRms(1).update(tensor([1, 2], 'float64'), {})[0].dtype).toBe('float64')
  })

  it('never modifies its inputs', () => {
    const g = { w: tensor([10, 20]) }
    expectInputsUnchanged(() => clipByBlockRms(1).update(g, {}), g)
  })

  it('rejects invalid thresholds at construction', () => {
    expect(() => clipByBlockRms(0)).toThrow('clipByBlockRms threshold must be in (0, Infinity); got 0')
    expect(() => clipByBlockRms({ threshold: -1 })).toThrow(
      'clipByBlockRms options.threshold must be in (0, Infinity); got -1',
    )
    expect(() => clipByBlockRms(NaN)).toThrow(HyperparameterError)
  })
})
