import { describe, expect, it } from 'vitest'
import { type Tensor, full, grad, multiNormal, prngKey, tensor } from '../../src/index'

// optax _src/utils_test.py MultiNormalDiagFromLogScaleTest: loc = 1.5, log_scale = 0.5, with broadcasting shapes.
const loc = (shape: number[]) => full(shape, 1.5, 'float64')
const logScale = (shape: number[]) => full(shape, 0.5, 'float64')
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1)
const logpdf = (x: number, mu: number, logSigma: number) =>
  -((x - mu) ** 2) / (2 * Math.exp(2 * logSigma)) - logSigma - 0.5 * Math.log(2 * Math.PI)

describe('multiNormal (optax.multi_normal)', () => {
  it.each([
    [[1], [1], [1]],
    [[5], [5], [5]],
    [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    [
      [1, 4],
      [3, 4],
      [3, 4],
    ],
    [
      [1, 2, 1, 3],
      [2, 1, 4, 3],
      [2, 2, 4, 3],
    ],
  ])('broadcasts loc %j with logScale %j to paramShape %j', (ls, ss, bs) => {
    const dist = multiNormal(loc(ls), logScale(ss))
    const [mean, logS] = dist.params
    expect(mean.shape).toEqual(ls)
    expect(logS.shape).toEqual(ss)
    expect(dist.paramShape).toEqual(bs)
  })

  it.each([
    [[2], [3]],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [2, 4],
      [3, 4],
    ],
    [
      [1, 2, 1, 3],
      [2, 1, 4, 4],
    ],
  ])('refuses loc %j with logScale %j (incompatible shapes for broadcasting)', (ls, ss) => {
    expect(() => multiNormal(loc(ls), logScale(ss))).toThrow(/incompatible shapes for broadcasting/i)
  })

  it('samples shape ⧺ paramShape, with the mean and standard deviation of the parameters', () => {
    const dist = multiNormal(loc([2, 3]), logScale([2, 3]))
    expect(dist.sample([4, 5], prngKey(239)).shape).toEqual([4, 5, 2, 3])
    const big = multiNormal(tensor([1.5], 'float64'), tensor([0.5], 'float64')).sample([40000], prngKey(1))
    const xs = Array.from(big.dataSync())
    const m = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)
    // standard errors: σ/√n ≈ 0.008 for the mean, σ/√(2n) ≈ 0.006 for the sd
    expect(Math.abs(m - 1.5)).toBeLessThan(0.05)
    expect(Math.abs(sd - Math.exp(0.5))).toBeLessThan(0.05)
  })

  it.each([[[1]], [[2, 3]], [[1, 2, 3, 4]]])(
    'logProb of ones(%j) is a scalar: the sum of the coordinate log-densities',
    (shape) => {
      const dist = multiNormal(loc(shape), logScale(shape))
      const lp = dist.logProb(full(shape, 1, 'float64'))
      expect(lp.shape).toEqual([])
      expect(lp.item()).toBeCloseTo(size(shape) * logpdf(1, 1.5, 0.5), 12)
    },
  )

  it('logProb sums over the parameter axes only, and differentiates in loc and logScale', () => {
    const dist = multiNormal(tensor([0, 1], 'float64'), tensor([0, Math.log(2)], 'float64'))
    const lp = dist.logProb(
      tensor(
        [
          [0, 1],
          [1, 3],
        ],
        'float64',
      ),
    )
    expect(lp.shape).toEqual([2])
    const arr = lp.toArray() as number[]
    expect(arr[0]).toBeCloseTo(logpdf(0, 0, 0) + logpdf(1, 1, Math.log(2)), 12)
    expect(arr[1]).toBeCloseTo(logpdf(1, 0, 0) + logpdf(3, 1, Math.log(2)), 12)
    // ∂/∂μ log p = (x − μ)/σ², ∂/∂logσ log p = (x − μ)²/σ² − 1
    const x = tensor([2, 3], 'float64')
    const gMu = grad((mu: Tensor) => multiNormal(mu, tensor([0, Math.log(2)], 'float64')).logProb(x))(
      tensor([0, 1], 'float64'),
    )
    expect(gMu.toArray()).toEqual([2, 0.5].map((v) => expect.closeTo(v, 12)))
    const gLs = grad((ls: Tensor) => multiNormal(tensor([0, 1], 'float64'), ls).logProb(x))(
      tensor([0, Math.log(2)], 'float64'),
    )
    expect(gLs.toArray()).toEqual([3, 0].map((v) => expect.closeTo(v, 12)))
  })
})
