import { describe, expect, it } from 'vitest'
import { type PyTree, type Tensor, experimental, identity, sgd, tensor } from '../../src/index'

// optax.experimental.aggregating (2edbcbe, _aggregating.py): expected values from the definitions (means, sums of
// squared deviations, EMAs written out by hand).
const agg = experimental.aggregating
const vals = (t: unknown) => Array.from((t as Tensor).data)
const w = (t: PyTree) => (t as { w: Tensor }).w

describe('averagePerElementUpdates and getBatchSizeFromPerEltUpdates', () => {
  it('averages over axis 0, or over several axes', () => {
    const a = agg.averagePerElementUpdates()
    expect(
      vals(
        a.update(
          {
            w: tensor(
              [
                [1, 2],
                [3, 6],
              ],
              'float64',
            ),
          },
          {},
        )[0].w,
      ),
    ).toEqual([2, 4])
    const b = agg.averagePerElementUpdates({ perEltAxis: [0, 1] })
    const g = tensor(
      [
        [[1], [2]],
        [[3], [6]],
      ],
      'float64',
    ) // [2, 2, 1]: mean of all four
    expect(vals(b.update({ w: g }, {})[0].w)).toEqual([3])
    expect(
      vals(
        agg.averagePerElementUpdates(1).update(
          {
            w: tensor(
              [
                [1, 3],
                [5, 7],
              ],
              'float64',
            ),
          },
          {},
        )[0].w,
      ),
    ).toEqual([2, 6])
  })
  it('the batch size is the product of the axes, the same in every leaf', () => {
    const u = { a: tensor(new Array(12).fill(0), [2, 3, 2]), b: tensor(new Array(6).fill(0), [2, 3]) }
    expect(agg.getBatchSizeFromPerEltUpdates(u, [0, 1])).toBe(6)
    expect(() => agg.getBatchSizeFromPerEltUpdates(u, 2)).toThrow()
    expect(() => agg.getBatchSizeFromPerEltUpdates({ a: tensor([[1, 2]]), b: tensor([[1], [2]]) }, 0)).toThrow(
      /same batch size/,
    )
  })
})

describe('accumulateAvgUpdates and process', () => {
  it('emits the average of K micro-batches on the K-th, zeros before, then starts over', () => {
    const acc = agg.accumulateAvgUpdates(3)
    let s = acc.init([0])
    const out: number[] = []
    for (const g of [3, 6, 9, 1, 1, 4]) {
      const [u, next] = acc.update([g], s)
      out.push(u[0] as number)
      s = next
    }
    expect(out).toEqual([0, 0, 6, 0, 0, 2])
    expect(agg.accumulateAvgUpdates(1).update([5], {} as never)[0]).toEqual([5]) // the identity
    expect(() => agg.accumulateAvgUpdates(0)).toThrow()
  })
  it('the postprocessor runs only when the aggregator is ready; its state is kept in between', () => {
    const opt = agg.process(
      identity(),
      agg.averageIncrementallyUpdates(0, { accumulationSteps: 2 }),
      sgd(1, { momentum: 0.5 }),
    )
    const p = { w: tensor([0], 'float64') }
    let s = opt.init(p)
    const us: number[] = []
    for (const g of [
      [[1], [3]],
      [[5], [7]],
      [[0], [0]],
      [[2], [2]],
    ]) {
      const [u, next] = opt.update({ w: tensor(g, 'float64') }, s, p)
      us.push(vals(u.w)[0]!)
      s = next
    }
    // rounds: mean(2, 6) = 4 → trace 4, u = −4; mean(0, 2) = 1 → trace 1 + 0.5·4 = 3, u = −3
    expect(us).toEqual([0, -4, 0, -3])
  })
})

describe('per-element mean and variance (add_mean_variance_to_opt)', () => {
  const xs = [1, 4, 2, 9] // four examples of a one-coordinate gradient
  const mean = xs.reduce((a, b) => a + b) / 4
  const ssd = xs.reduce((a, x) => a + (x - mean) ** 2, 0)
  it('pooled over two micro-batches, the mean and Σ(x − mean)² equal those of the four examples (Chan et al.)', () => {
    const a = agg.getPerElementMeanAndSumSqDiffGrads({ accumulationSteps: 2 })
    const s0 = a.init({ w: tensor([0], 'float64') })
    const [, s1] = a.update({ w: tensor([[1], [4]], 'float64') }, s0)
    const [[m, aux], s2] = a.update({ w: tensor([[2], [9]], 'float64') }, s1) as unknown as readonly [
      readonly [PyTree, { sumSqDiffGrads: PyTree; sampleSize: number }],
      { ready: boolean },
    ]
    expect(vals(w(m))[0]).toBeCloseTo(mean, 14)
    expect(vals(w(aux.sumSqDiffGrads))[0]).toBeCloseTo(ssd, 13)
    expect(aux.sampleSize).toBe(4)
    expect(s2.ready).toBe(true)
  })
  it('tracks EMAs of the mean and of the sample variance S/(n − 1), debiased by 1 − βᵗ', () => {
    const opt = agg.addMeanVarianceToOpt(sgd(0.1), { emaDecay: 0.5 })
    const p = { w: tensor([0], 'float64') }
    let s = opt.init(p)
    ;[, s] = opt.update({ w: tensor([[1], [4]], 'float64') }, s, p) // mean 2.5, variance 4.5
    ;[, s] = opt.update({ w: tensor([[2], [9]], 'float64') }, s, p) // mean 5.5, variance 24.5
    const [m, v] = agg.getUnbiasedMeanAndVarianceEma<typeof p>(s)
    expect(vals(m.w)[0]).toBeCloseTo((0.5 * 0.5 * 2.5 + 0.5 * 5.5) / 0.75, 14)
    expect(vals(v.w)[0]).toBeCloseTo((0.5 * 0.5 * 4.5 + 0.5 * 24.5) / 0.75, 13)
  })
  it('refuses a state without the EMAs, and the tracker without its extra arguments', () => {
    expect(() => agg.getUnbiasedMeanAndVarianceEma({})).toThrow(/addMeanVarianceToOpt/)
    const t = agg.trackPerElementMeanAndVarianceWithEma()
    expect(() => t.update({ w: tensor([1]) }, t.init({ w: tensor([1]) }))).toThrow(/sumSqDiffGrads and sampleSize/)
  })
})
