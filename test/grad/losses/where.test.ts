// The `where` option of the losses (optax 0.2.4's `where=` keyword, at optax 2edbcbe): masked entries leave the
// reduction, as jnp.sum(where=…). Expected values are float64 references written here from the closed forms, optax's
// own laws (loss(x, where=m) = loss(x[m]); a fully masked example gives 0), and central finite differences.
import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  ShapeError,
  checkGrads,
  cosineDistance,
  cosineSimilarity,
  generalizedKlDivergence,
  grad,
  klDivergence,
  klDivergenceWithLogTargets,
  ops,
  polyLossCrossEntropy,
  smoothLabels,
  softmaxCrossEntropy,
  softmaxCrossEntropyWithIntegerLabels,
  tensor,
} from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { rng, vals } from '../_numeric'

const f64 = (rows: number[][]): Tensor => tensor(rows, 'float64')
const sumOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
/** log Σ exp over the entries of `row` that `keep` includes. */
const lse = (row: number[], keep: number[]): number => {
  const inc = row.filter((_, i) => keep[i])
  const m = Math.max(...inc)
  return m + Math.log(sumOf(inc.map((v) => Math.exp(v - m))))
}
/** A [B, K] random case: logits, distributions, and a mask with one fully masked row and one full row. */
function randomCase(seed: number, b = 4, k = 5) {
  const r = rng(seed)
  const z = Array.from({ length: b }, () => Array.from({ length: k }, () => 4 * r() - 2))
  const y = z.map(() => {
    const row = Array.from({ length: k }, () => r() + 0.05)
    return row.map((v) => v / sumOf(row))
  })
  const w = z.map((_, i) =>
    i === 0 ? Array(k).fill(0) : i === 1 ? Array(k).fill(1) : z[0]!.map(() => (r() < 0.6 ? 1 : 0)),
  )
  w.forEach((row, i) => i > 1 && row.every((v) => v === 0) && (row[0] = 1))
  return { z, y, w }
}
/** −Σ_{k∈w} yₖ·(zₖ − lse_w(z)) per row, 0 for an empty row. */
const maskedCe = (z: number[][], y: number[][], w: number[][]): number[] =>
  z.map((row, i) =>
    w[i]!.some((v) => v) ? -sumOf(row.map((v, k) => (w[i]![k] ? y[i]![k]! * (v - lse(row, w[i]!)) : 0))) : 0,
  )

describe('softmaxCrossEntropy with where', () => {
  it("keeps optax's docstring values without a mask and with an all-true mask", () => {
    // optax.softmax_cross_entropy docstring: [0.2761 2.9518]
    const z = f64([
      [1.2, -0.8, -0.5],
      [0.9, -1.2, 1.1],
    ])
    const y = f64([
      [1, 0, 0],
      [0, 1, 0],
    ])
    for (const l of [softmaxCrossEntropy(z, y), softmaxCrossEntropy(z, y, { where: tensor([1, 1]) })]) {
      expect(vals(l)[0]).toBeCloseTo(0.2761, 4)
      expect(vals(l)[1]).toBeCloseTo(2.9518, 4)
    }
  })

  it('excludes masked classes from the normaliser and the sum; a fully masked row is 0 (per-logit mask)', () => {
    const { z, y, w } = randomCase(1)
    const l = softmaxCrossEntropy(f64(z), f64(y), { where: tensor(w) })
    const want = maskedCe(z, y, w)
    expect(vals(l)[0]).toBe(0)
    vals(l).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13))
  })

  it('equals the loss of the included entries alone (optax test_mask)', () => {
    const z = [0.3, -1.1, 2.2, 0.5, -0.4]
    const y = [0.1, 0.3, 0.2, 0.15, 0.25]
    const keep = [1, 0, 1, 1, 0]
    const pick = (xs: number[]) => xs.filter((_, i) => keep[i])
    const sub = softmaxCrossEntropy(tensor(pick(z), 'float64'), tensor(pick(y), 'float64')).item()
    const masked = softmaxCrossEntropy(tensor(z, 'float64'), tensor(y, 'float64'), { where: tensor(keep) }).item()
    expect(masked).toBeCloseTo(sub, 14)
    expect(masked).toBeCloseTo(maskedCe([z], [y], [keep])[0]!, 14)
  })

  it('takes a per-example mask (optax [batch_size] form): masked examples give 0, with finite gradients', () => {
    // optax test: ys, ts from SoftmaxCrossEntropyTest, mask [True, False]; exp[0] = 9.00013
    const z = f64([
      [10, 1, -2],
      [1, 4, 0.2],
    ])
    const y = f64([
      [0, 1, 0],
      [1, 0, 0],
    ])
    const l = softmaxCrossEntropy(z, y, { where: tensor([1, 0]) })
    expect(vals(l)[0]).toBeCloseTo(9.00013, 4)
    expect(vals(l)[1]).toBe(0)
    const g = grad((x: Tensor) => ops.sum(softmaxCrossEntropy(x, y, { where: tensor([1, 0]) })))(z)
    expect(vals(g).every(Number.isFinite)).toBe(true)
    expect(vals(g).slice(3)).toEqual([0, 0, 0])
  })

  it('has gradients that match finite differences (float64), in the logits and the labels, and 0 at masked logits', () => {
    const { z, y, w } = randomCase(2)
    const m = tensor(w)
    checkGrads((a: Tensor, b: Tensor) => softmaxCrossEntropy(a, b, { where: m }), [f64(z), f64(y)])
    const g = vals(grad((a: Tensor) => ops.sum(softmaxCrossEntropy(a, f64(y), { where: m })))(f64(z)))
    w.flat().forEach((keep, i) => keep || expect(g[i]).toBe(0))
  })

  it('masks along another axis, and rejects a mask of the wrong shape', () => {
    const { z, y, w } = randomCase(3)
    const t = (a: number[][]) => f64(a[0]!.map((_, k) => a.map((row) => row[k]!)))
    const l = softmaxCrossEntropy(t(z), t(y), { axis: 0, where: t(w) })
    vals(l).forEach((v, i) => expect(v).toBeCloseTo(maskedCe(z, y, w)[i]!, 13))
    expect(() => softmaxCrossEntropy(f64(z), f64(y), { where: tensor([1, 0, 1]) })).toThrow(ShapeError)
  })

  it('does not modify its inputs', () => {
    const { z, y, w } = randomCase(4)
    const args = [f64(z), f64(y), tensor(w)] as const
    expectInputsUnchanged(() => softmaxCrossEntropy(args[0], args[1], { where: args[2] }), ...args)
  })
})

describe('softmaxCrossEntropyWithIntegerLabels with where', () => {
  it('is log Σ_{k∈w} exp zₖ − z_y (the label logit subtracted even when masked, as optax), 0 for an empty row', () => {
    const z = [
      [0.5, -1, 2, 0.3],
      [1, 2, 3, 4],
      [-0.2, 0.7, 0.1, 1.5],
    ]
    const labels = [1, 3, 2]
    const w = [
      [1, 1, 0, 1],
      [0, 0, 0, 0],
      [1, 1, 0, 1],
    ]
    const l = vals(softmaxCrossEntropyWithIntegerLabels(f64(z), labels, { where: tensor(w) }))
    expect(l[0]).toBeCloseTo(lse(z[0]!, w[0]!) - z[0]![1]!, 14)
    expect(l[1]).toBe(0)
    expect(l[2]).toBeCloseTo(lse(z[2]!, w[2]!) - z[2]![2]!, 14)
  })

  it("keeps optax's test value under a per-example mask, and its gradients match finite differences", () => {
    // optax SoftmaxCrossEntropyWithIntegerLabelsTest: ys [[10,1,-2],[1,4,0.2]], labels [1, 0]; exp 9.00013, 3.0696733
    const z = f64([
      [10, 1, -2],
      [1, 4, 0.2],
    ])
    const l = vals(softmaxCrossEntropyWithIntegerLabels(z, [1, 0], { where: tensor([0, 1]) }))
    expect(l[0]).toBe(0)
    expect(l[1]).toBeCloseTo(3.0696733, 6)
    const { z: zs, w } = randomCase(5)
    checkGrads((a: Tensor) => softmaxCrossEntropyWithIntegerLabels(a, [0, 1, 2, 3], { where: tensor(w) }), [f64(zs)])
  })
})

describe('polyLossCrossEntropy with where', () => {
  it('is the masked CE + ε·Σ_{k∈w} yₖ(1 − pₖ) with p the masked softmax, 0 for an empty row', () => {
    const { z, y, w } = randomCase(6)
    const l = vals(polyLossCrossEntropy(f64(z), f64(y), { where: tensor(w), epsilon: 1.5 }))
    const ce = maskedCe(z, y, w)
    z.forEach((row, i) => {
      const keep = w[i]!
      const poly = keep.some((v) => v)
        ? sumOf(row.map((v, k) => (keep[k] ? y[i]![k]! * (1 - Math.exp(v - lse(row, keep))) : 0)))
        : 0
      expect(l[i]).toBeCloseTo(ce[i]! + 1.5 * poly, 13)
    })
    expect(l[0]).toBe(0)
    checkGrads((a: Tensor, b: Tensor) => polyLossCrossEntropy(a, b, { where: tensor(w) }), [f64(z), f64(y)])
  })
})

describe('the KL divergences with where', () => {
  const logP = [
    [-1.2, -0.8, -2.3, -1.6],
    [-0.4, -2.0, -1.9, -3.1],
  ]
  const t = [
    [0.1, 0.4, 0, 0.5],
    [0.3, 0.2, 0.25, 0.25],
  ]
  const w = [
    [1, 0, 1, 1],
    [0, 0, 0, 0],
  ]
  const kl = (i: number) => sumOf(t[i]!.map((v, k) => (w[i]![k] && v > 0 ? v * (Math.log(v) - logP[i]![k]!) : 0)))

  it('klDivergence sums Σ_{i∈w} tᵢ(log tᵢ − log pᵢ); 0 for a fully masked row', () => {
    const l = vals(klDivergence(f64(logP), f64(t), { where: tensor(w) }))
    expect(l[0]).toBeCloseTo(kl(0), 14)
    expect(l[1]).toBe(0)
    checkGrads((a: Tensor) => klDivergence(a, f64(t), { where: tensor(w) }), [f64(logP)])
  })

  it('klDivergenceWithLogTargets sums Σ_{i∈w} exp(log tᵢ)(log tᵢ − log pᵢ)', () => {
    const lt = [
      [-1.6, -1.2, -2.3, -0.9],
      [-1.4, -1.1, -1.5, -1.3],
    ]
    const l = vals(klDivergenceWithLogTargets(f64(logP), f64(lt), { where: tensor(w) }))
    const want = sumOf(lt[0]!.map((v, k) => (w[0]![k] ? Math.exp(v) * (v - logP[0]![k]!) : 0)))
    expect(l[0]).toBeCloseTo(want, 14)
    expect(l[1]).toBe(0)
    checkGrads((a: Tensor, b: Tensor) => klDivergenceWithLogTargets(a, b, { where: tensor(w) }), [f64(logP), f64(lt)])
  })

  it('generalizedKlDivergence masks both of its sums', () => {
    const l = vals(generalizedKlDivergence(f64(logP), f64(t), { where: tensor(w) }))
    const extra = sumOf(t[0]!.map((v, k) => (w[0]![k] ? Math.exp(logP[0]![k]!) - v : 0)))
    expect(l[0]).toBeCloseTo(kl(0) + extra, 14)
    expect(l[1]).toBe(0)
    checkGrads((a: Tensor) => generalizedKlDivergence(a, f64(t), { where: tensor(w) }), [f64(logP)])
  })
})

describe('cosineSimilarity / cosineDistance with where', () => {
  it('is the cosine of the included entries alone (optax test_mask); a fully masked pair gives 0', () => {
    const a = [
      [1, 2, -3, 0.5],
      [0.2, 0.1, 0.4, -0.7],
    ]
    const b = [
      [-1, 0.5, 2, 4],
      [1, 1, 1, 1],
    ]
    const w = [
      [1, 0, 1, 1],
      [0, 0, 0, 0],
    ]
    const inc = (xs: number[]) => xs.filter((_, k) => w[0]![k])
    const [ai, bi] = [inc(a[0]!), inc(b[0]!)]
    const dot = sumOf(ai.map((v, k) => v * bi[k]!))
    const want = dot / Math.sqrt(sumOf(ai.map((v) => v * v)) * sumOf(bi.map((v) => v * v)))
    const s = vals(cosineSimilarity(f64(a), f64(b), { where: tensor(w) }))
    expect(s[0]).toBeCloseTo(want, 14)
    expect(s[1]).toBe(0)
    const d = vals(cosineDistance(f64(a), f64(b), { where: tensor(w) }))
    expect(d[0]).toBeCloseTo(1 - want, 14)
    expect(d[1]).toBe(1)
    const g = grad((x: Tensor) => ops.sum(cosineSimilarity(x, f64(b), { where: tensor(w) })))(f64(a))
    expect(vals(g).every(Number.isFinite)).toBe(true)
    expect(vals(g).filter((_, i) => !w.flat()[i])).toEqual([0, 0, 0, 0, 0])
    const w2 = tensor([
      [1, 0, 1, 1],
      [1, 1, 0, 1],
    ])
    checkGrads((x: Tensor, y: Tensor) => cosineSimilarity(x, y, { where: w2 }), [f64(a), f64(b)])
  })
})

describe('smoothLabels with where', () => {
  it('counts only the included classes in K (α/K added everywhere, as optax), and rejects an empty slice', () => {
    const y = f64([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ])
    const w = tensor([
      [1, 1, 1, 0],
      [1, 0, 0, 0],
    ])
    const s = smoothLabels(y, 0.3, { where: w }).toArray() as number[][]
    const want = [
      [0.1, 0.8, 0.1, 0.1],
      [1, 0.3, 0.3, 0.3],
    ]
    s.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 15))
    expect(() => smoothLabels(y, 0.3, { where: tensor([1, 0]) })).toThrow(ShapeError)
  })
})

describe('softmaxCrossEntropyWithIntegerLabels over several class axes (optax tuple axis)', () => {
  const shape = [1, 2, 3, 4]
  const z = tensor(
    Array.from({ length: 24 }, (_, i) => i),
    shape,
    'float64',
  )
  it("gives optax's docstring values [[6.4587 0.4587]] for labels ravel_multi_index(([1, 2], [1, 3]), (3, 4))", () => {
    const labels = tensor([[1 * 4 + 1, 2 * 4 + 3]])
    const l = softmaxCrossEntropyWithIntegerLabels(z, labels, { axis: [2, 3] })
    expect(l.shape).toEqual([1, 2])
    // each slice is c + (0..11): log Σ exp = c + 11 + log((1 − e⁻¹²)/(1 − e⁻¹)), minus the label's logit c + label
    const tail = 11 + Math.log((1 - Math.exp(-12)) / (1 - Math.exp(-1)))
    expect(vals(l)[0]).toBeCloseTo(tail - 5, 13)
    expect(vals(l)[1]).toBeCloseTo(tail - 11, 13)
    expect(vals(l)[0]).toBeCloseTo(6.4587, 4)
    expect(vals(l)[1]).toBeCloseTo(0.4587, 4)
  })

  it('reads a label in the order of the axes given, takes a mask over them, and has finite-difference gradients', () => {
    // axis [3, 2]: the flat index runs over axis 3 first, so label j·3 + i is element [i, j] of the 3×4 slice
    const a = softmaxCrossEntropyWithIntegerLabels(z, tensor([[1 * 3 + 1, 3 * 3 + 2]]), { axis: [3, 2] })
    const b = softmaxCrossEntropyWithIntegerLabels(z, tensor([[1 * 4 + 1, 2 * 4 + 3]]), { axis: [2, 3] })
    vals(a).forEach((v, i) => expect(v).toBeCloseTo(vals(b)[i]!, 13))
    // a mask of the logits' shape: keep the first row of each 3×4 slice only (4 classes: c + 0..3)
    const w = tensor(
      Array.from({ length: 24 }, (_, i) => (i % 12 < 4 ? 1 : 0)),
      shape,
    )
    const m = softmaxCrossEntropyWithIntegerLabels(z, tensor([[2, 3]]), { axis: [2, 3], where: w })
    const lse4 = 3 + Math.log((1 - Math.exp(-4)) / (1 - Math.exp(-1)))
    expect(vals(m)[0]).toBeCloseTo(lse4 - 2, 13)
    expect(vals(m)[1]).toBeCloseTo(lse4 - 3, 13)
    const r = rng(7)
    const zr = tensor(
      Array.from({ length: 24 }, () => 2 * r() - 1),
      shape,
      'float64',
    )
    checkGrads(
      (x: Tensor) => softmaxCrossEntropyWithIntegerLabels(x, tensor([[0, 7]]), { axis: [2, 3], where: w }),
      [zr],
    )
    expect(() => softmaxCrossEntropyWithIntegerLabels(z, tensor([[0, 1]]), { axis: [2, 2] })).toThrow(ShapeError)
  })
})
