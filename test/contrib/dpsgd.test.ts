import { describe, expect, it } from 'vitest'
import { ShapeError, applyUpdates, contrib, tensor, tree } from '../../src/index'
import { near } from './_near'

const f64 = (x: number[] | number[][]) => tensor(x, 'float64')

describe('differentiallyPrivateAggregate', () => {
  it('clips each example by its global norm over all leaves, sums and divides by the batch size (σ = 0)', () => {
    const tx = contrib.differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 0, key: 0 })
    // example 0: (a, b) = (3, 4), norm 5 → scaled by 1/5; example 1: (0.3, 0.4), norm 0.5 → kept
    const g = { a: f64([[3], [0.3]]), b: f64([[4], [0.4]]) }
    const [u] = tx.update(g, tx.init({ a: f64([0]), b: f64([0]) }))
    near(u, { a: f64([(0.6 + 0.3) / 2]), b: f64([(0.8 + 0.4) / 2]) }, 1e-15)
  })

  it('adds N(0, σ²C²)/B noise: the same key gives the same noise, the key advances, and the spread is σ·C/B', () => {
    const make = (key: number) => contrib.differentiallyPrivateAggregate({ l2NormClip: 2, noiseMultiplier: 1.5, key })
    const zeros = { w: tensor(new Float64Array(2 * 4000), [2, 4000], 'float64') }
    const p = { w: tensor(new Float64Array(4000), [4000], 'float64') }
    const tx = make(7)
    const [u1, s1] = tx.update(zeros, tx.init(p))
    near(make(7).update(zeros, make(7).init(p))[0], u1, 0)
    const [u2] = tx.update(zeros, s1)
    expect(tree.allClose(u1, u2)).toBe(false)
    const xs = Array.from(u1.w.data)
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean)).toBeLessThan(0.1)
    expect(sd / ((2 * 1.5) / 2)).toBeGreaterThan(0.95)
    expect(sd / ((2 * 1.5) / 2)).toBeLessThan(1.05)
  })

  it('requires a key and per-example leaves, naming the path', () => {
    expect(() => contrib.differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 1 } as never)).toThrow(
      /options\.key/,
    )
    const tx = contrib.differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 1, key: 1 })
    expect(() => tx.update({ a: f64([[1], [2]]), b: f64([[1], [2], [3]]) }, tx.init({}))).toThrow(ShapeError)
    expect(() => tx.update({ a: f64([[1], [2]]), b: f64([[1], [2], [3]]) }, tx.init({}))).toThrow(/updates\.b/)
  })
})

describe('dpsgd', () => {
  it('momentum traces the aggregated gradient: −α·(ĝ₂ + μ·ĝ₁)', () => {
    const opt = contrib.dpsgd(0.1, { l2NormClip: 10, noiseMultiplier: 0, key: 3, momentum: 0.5 })
    const p = f64([0])
    const [, s1] = opt.update(f64([[1], [3]]), opt.init(p), p)
    const [u2] = opt.update(f64([[2], [2]]), s1, p)
    near(u2, f64([-0.1 * (2 + 0.5 * 2)]), 1e-15)
  })

  it('converges (to within the noise) on f = ½Σ_i ‖θ − c_i‖² over two examples', () => {
    const c = [f64([1, -1]), f64([3, 1])] // the minimum is the mean (2, 0)
    const opt = contrib.dpsgd((t) => 0.5 / Math.sqrt(1 + t), { l2NormClip: 5, noiseMultiplier: 0.1, key: 9 })
    let theta = f64([0, 0])
    let s = opt.init(theta)
    for (let t = 0; t < 400; t++) {
      const per = c.map((ci) => Array.from(tree.sub(theta, ci).data))
      const [u, next] = opt.update(f64(per), s, theta)
      theta = applyUpdates(theta, u)
      s = next
    }
    expect(tree.norm(tree.sub(theta, f64([2, 0])))).toBeLessThan(0.1)
  })
})
