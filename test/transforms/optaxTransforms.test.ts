// The transforms and utilities added for optax parity (issue 11), with expected values worked by hand or recomputed
// independently in float64.
import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  chain,
  flatten,
  grad,
  measureWithEma,
  monitor,
  mul,
  multiSteps,
  ops,
  perExampleGlobalNormClip,
  perExampleLayerNormClip,
  periodicUpdate,
  safeIncrement,
  safeInt32Increment,
  scaleByAdam,
  scaleGradient,
  sgd,
  skipLargeUpdates,
  skipNotFinite,
  tensor,
  tree,
  unitwiseClip,
  unitwiseNorm,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

const arr = (t: unknown) => Array.from((t as Tensor).data)

describe('unitwiseNorm / unitwiseClip', () => {
  it('takes the norm over the whole vector, axis 0 of a matrix, axes 0–2 of a rank-4 kernel, or the given axes', () => {
    expect(arr(unitwiseNorm(tensor([3, 4], 'float64')))).toEqual([5, 5])
    expect(
      (
        unitwiseNorm(
          tensor(
            [
              [3, 1],
              [4, 0],
            ],
            'float64',
          ),
        ) as Tensor
      ).toArray(),
    ).toEqual([
      [5, 1],
      [5, 1],
    ])
    expect(
      (
        unitwiseNorm(
          tensor(
            [
              [3, 4],
              [1, 0],
            ],
            'float64',
          ),
          1,
        ) as Tensor
      ).toArray(),
    ).toEqual([
      [5, 5],
      [1, 1],
    ])
    const k = tensor(
      Array.from({ length: 8 }, (_, i) => i),
      [2, 2, 1, 2],
      'float64',
    )
    const even = Math.sqrt(0 + 4 + 16 + 36)
    const odd = Math.sqrt(1 + 9 + 25 + 49)
    expect(arr(unitwiseNorm(k))).toEqual([even, odd, even, odd, even, odd, even, odd])
    expect(unitwiseNorm(-2)).toBe(2)
    expect(() => unitwiseNorm(tensor(new Float32Array(64), [2, 2, 2, 2, 2, 2]))).toThrow(/no default unit/)
  })

  it('unitwiseClip rescales the units at or above the bound to it, and leaves the others', () => {
    const g = tensor(
      [
        [3, 0.1],
        [4, 0.2],
      ],
      'float64',
    )
    const c = unitwiseClip(
      unitwiseNorm(g),
      tensor(
        [
          [2, 2],
          [2, 2],
        ],
        'float64',
      ),
      g,
    )
    expect(c.dtype).toBe('float64')
    const v = arr(c)
    expect(v[0]).toBeCloseTo(1.2, 15)
    expect(v[2]).toBeCloseTo(1.6, 15)
    expect([v[1], v[3]]).toEqual([0.1, 0.2])
    // the zero-norm floor divEps: a unit whose norm is exactly the bound 0 is scaled by 0/divEps = 0
    expect(arr(unitwiseClip(tensor([0], 'float64'), tensor([0], 'float64'), tensor([0], 'float64')))).toEqual([0])
  })
})

describe('skipNotFinite / skipLargeUpdates', () => {
  it('count the non-finite values and compare the squared norm, NaN counting as too large', () => {
    expect(skipNotFinite({ a: tensor([1, NaN]), b: Infinity }, 0, undefined)).toEqual([
      true,
      { shouldSkip: 1, numNotFinite: 2 },
    ])
    expect(skipNotFinite([tensor([1, 2])], 0, undefined)).toEqual([false, { shouldSkip: 0, numNotFinite: 0 }])
    expect(skipLargeUpdates([3, 4], 0, undefined, 25)).toEqual([true, { shouldSkip: 1, normSquared: 25 }])
    expect(skipLargeUpdates([3, 4], 0, undefined, 25.5)[0]).toBe(false)
    expect(skipLargeUpdates([NaN], 0, undefined, 25)[0]).toBe(true)
  })

  it('make multiSteps drop a bad mini-batch without counting it', () => {
    const opt = multiSteps(sgd(1), { everyKSchedule: 2, shouldSkipUpdateFn: skipNotFinite })
    let s = opt.init([0])
    let u: number[]
    ;[u, s] = opt.update([2], s) as [number[], typeof s]
    ;[u, s] = opt.update([NaN], s) as [number[], typeof s] // skipped: still one mini-batch in
    expect(u).toEqual([0])
    expect(s.miniStep).toBe(1)
    ;[u, s] = opt.update([4], s) as [number[], typeof s]
    expect(u).toEqual([-3]) // −mean(2, 4)
  })
})

describe('per-example clipping', () => {
  it('perExampleGlobalNormClip: Σ_b min(1, C/‖g_b‖)·g_b over the whole tree per example', () => {
    // example 0: ‖(3, 4, 12)‖ = 13; example 1: ‖(0.3, 0.4, 1.2)‖ = 1.3; example 2: zero
    const g = {
      w: tensor(
        [
          [3, 4],
          [0.3, 0.4],
          [0, 0],
        ],
        'float64',
      ),
      b: tensor([12, 1.2, 0], 'float64'),
    }
    const [sum, n] = perExampleGlobalNormClip(g, 2.6)
    expect(n).toBe(1)
    const s = sum as { w: Tensor; b: Tensor }
    const m0 = 2.6 / 13
    expect(arr(s.w)[0]).toBeCloseTo(3 * m0 + 0.3, 14)
    expect(arr(s.w)[1]).toBeCloseTo(4 * m0 + 0.4, 14)
    expect(arr(s.b)[0]).toBeCloseTo(12 * m0 + 1.2, 14)
    expect(s.w.shape).toEqual([2])
    expect(() => perExampleGlobalNormClip({ a: tensor([1, 2]), b: tensor([[1], [2], [3]]) }, 1)).toThrow(/batch/)
    expectInputsUnchanged(() => perExampleGlobalNormClip(g, 1), g)
  })

  it('perExampleLayerNormClip: each layer bound to C·√(1/L), or C·√(n_l/N) by size', () => {
    const g = {
      a: tensor(
        [
          [3, 4, 0],
          [0.3, 0.4, 0],
        ],
        'float64',
      ),
      b: tensor([[2], [0.1]], 'float64'),
    }
    const [sums, counts] = perExampleLayerNormClip(g, 2) // uniform: each layer bound √2
    expect(counts).toEqual({ a: 1, b: 1 })
    const c = Math.SQRT2
    expect(arr(sums.a)[0]).toBeCloseTo((3 * c) / 5 + 0.3, 14)
    expect(arr(sums.b)[0]).toBeCloseTo(c + 0.1, 14)
    const [sized, counts2] = perExampleLayerNormClip(g, 2, false) // a: 2·√(3/4) = √3, b: 2·√(1/4) = 1
    expect(counts2).toEqual({ a: 1, b: 1 })
    expect(arr(sized.a)[1]).toBeCloseTo((4 * Math.sqrt(3)) / 5 + 0.4, 14)
    expect(arr(sized.b)[0]).toBeCloseTo(1 + 0.1, 14)
  })
})

describe('flatten', () => {
  it('flatten(scaleByAdam) gives scaleByAdam’s updates (Adam is element-wise), with one raveled state', () => {
    const p = { a: tensor([1, -2], 'float64'), b: [tensor([[0.5]], 'float64'), 3] }
    const grads = [0, 1, 2].map((t) => tree.mapElementwise((x) => Math.sin(x + t), p))
    const flat = flatten(scaleByAdam({ b1: 0.8 }))
    const plain = scaleByAdam({ b1: 0.8 })
    let [sf, sp] = [flat.init(p), plain.init(p)]
    expect((sf.mu as Tensor).shape).toEqual([4])
    for (const g of grads) {
      const [uf, nf] = flat.update(g, sf, p)
      const [up, np] = plain.update(g, sp, p)
      expect(tree.allClose(uf, up, { rtol: 1e-15, atol: 0 })).toBe(true)
      expect(typeof (uf.b as unknown[])[1]).toBe('number')
      ;[sf, sp] = [nf, np]
    }
  })
})

describe('measureWithEma', () => {
  it('is the debiased EMA of the measurement, inside monitor, which passes the updates through', () => {
    const tx = chain(monitor({ n: measureWithEma((u) => tree.norm(u), 0.9) }))
    let s = tx.init([tensor([0, 0])])
    const norms = [5, 1, 2]
    const inputs = [tensor([3, 4]), tensor([0, 1]), tensor([2, 0])]
    let m = 0
    norms.forEach((n, i) => {
      const [u, next] = tx.update([inputs[i]!], s)
      expect(u[0]).toBe(inputs[i])
      s = next
      m = 0.9 * m + 0.1 * n
      expect(next[0].measurements.n as number).toBeCloseTo(m / (1 - 0.9 ** (i + 1)), 12)
    })
    expect(() => measureWithEma((u) => u, 1)).toThrow(/decay/)
  })
})

describe('scaleGradient, periodicUpdate, safeIncrement', () => {
  it('scaleGradient is the identity forward and multiplies the gradient by s', () => {
    const x = tensor([1, -2, 3], 'float64')
    expect(scaleGradient(x, 7)).toBe(x)
    const g = grad((v: Tensor) => ops.sum(mul(scaleGradient(v, -0.5), v)))(x) // d/dx (x·x) with one factor scaled
    expect(arr(g)).toEqual(arr(x).map((v) => -0.5 * v + v))
    const gt = grad((p: { a: Tensor; b: Tensor }) => {
      const q = scaleGradient(p, 3)
      return ops.add(ops.sum(q.a), ops.sum(mul(q.b, q.b)))
    })({ a: tensor([1, 1], 'float64'), b: tensor([2], 'float64') })
    expect(arr(gt.a)).toEqual([3, 3])
    expect(arr(gt.b)).toEqual([12])
  })

  it('periodicUpdate takes the new tree every k-th step; safeIncrement saturates', () => {
    const [a, b] = [{ w: tensor([1]) }, { w: tensor([0]) }]
    expect([0, 1, 2, 3, 4].map((t) => periodicUpdate(a, b, t, 2) === a)).toEqual([true, false, true, false, true])
    expect(() => periodicUpdate(a, b, 0, 0)).toThrow(/updatePeriod/)
    expect(safeIncrement(0)).toBe(1)
    expect(safeIncrement(2 ** 53 - 1)).toBe(2 ** 53 - 1)
    expect(safeInt32Increment(2 ** 31 - 2)).toBe(2 ** 31 - 1)
    expect(safeInt32Increment(2 ** 31 - 1)).toBe(2 ** 31 - 1)
  })
})
