import { describe, expect, it } from 'vitest'
import * as optimizers from '../../src/optimizers/index'
import {
  DescentError,
  type PRNGKey,
  type Tensor,
  adam,
  applyUpdates,
  lrFind,
  ops,
  rprop,
  saveCheckpoint,
  sgd,
  square,
  tensor,
  valueAndGrad,
} from '../../src/index'

// f(w) = ½·a·(w − b)², ∇f = a·(w − b). Gradient descent: w' − b = (1 − lr·a)(w − b), so
//   f(w') = (1 − lr·a)²·f(w):  the loss falls iff |1 − lr·a| < 1, i.e. 0 < lr < 2/a, and rises once lr > 2/a.
// With x_k = f(θ_k) measured before the update at lr_k:  x_{k+1} = (1 − lr_k·a)²·x_k,  x_0 = ½·a·(w₀ − b)².
const a = 4
const b = 3
const quadLoss = (p: { w: Tensor }) => ops.sum(ops.mul(a / 2, square(ops.sub(p.w, b))))
const quadParams = () => ({ w: tensor([0], 'float64') })

/** The closed-form raw losses of the sweep (float64 numbers, no autodiff, no optimizer). */
const closedForm = (lrs: readonly number[]): number[] => {
  const x = [(a / 2) * b * b]
  for (let k = 0; k + 1 < lrs.length; k++) x.push(x[k]! * (1 - lrs[k]! * a) ** 2)
  return x
}
/** The documented smoothing: a_k = β·a_{k−1} + (1−β)·x_k, s_k = a_k/(1 − β^{k+1}). */
const smooth = (xs: readonly number[], beta: number): number[] => {
  let avg = 0
  return xs.map((x, k) => {
    avg = beta * avg + (1 - beta) * x
    return avg / (1 - beta ** (k + 1))
  })
}

describe('lrFind on ½·a·(w − b)² with sgd', () => {
  const minLr = 1e-4
  const maxLr = 10
  const steps = 100
  const result = lrFind({
    loss: quadLoss,
    optimizer: (lr) => sgd(lr),
    params: quadParams(),
    data: [null],
    minLr,
    maxLr,
    steps,
  })
  const { lrs, losses, rawLosses, suggestion } = result
  const r = (maxLr / minLr) ** (1 / (steps - 1))

  it('uses an exactly geometric sweep from minLr', () => {
    expect(lrs[0]).toBe(minLr)
    lrs.forEach((lr, k) => expect(lr).toBeCloseTo(minLr * r ** k, 12))
    for (let k = 1; k < lrs.length; k++) expect(lrs[k]! / lrs[k - 1]!).toBeCloseTo(r, 12)
  })

  it('records the loss before each update: the closed form x_{k+1} = (1 − lr_k·a)²·x_k', () => {
    const expected = closedForm(lrs)
    rawLosses.forEach((x, k) =>
      expect(x).toBeCloseTo(expected[k]!, Math.max(0, 6 - Math.ceil(Math.log10(expected[k]!)))),
    )
    smooth(rawLosses, 0.98).forEach((s, k) => expect(losses[k]).toBeCloseTo(s, 10))
  })

  it('the loss falls while lr < 2/a and rises after', () => {
    for (let k = 0; k + 1 < rawLosses.length; k++) {
      if (lrs[k]! < 2 / a) expect(rawLosses[k + 1]).toBeLessThan(rawLosses[k]!)
      else expect(rawLosses[k + 1]).toBeGreaterThan(rawLosses[k]!)
    }
  })

  it('stops early, past 2/a: a smoothed loss can only exceed 4 × best after an update at lr > 2/a', () => {
    // While lr_j ≤ 2/a for all j < k, x_0 ≥ … ≥ x_k, and s_k is a convex combination of s_{k−1} and x_k ≤ s_{k−1},
    // so s is non-increasing and never exceeds its best: the stop at K needs lr_{K−1} > 2/a.
    expect(result.diverged).toBe(true)
    expect(lrs.length).toBeLessThan(steps)
    const K = lrs.length - 1
    expect(lrs[K - 1]).toBeGreaterThan(2 / a)
    expect(losses[K]).toBeGreaterThan(4 * Math.min(...losses.slice(0, K)))
    expect(losses.slice(1, K).every((s, j) => s <= 4 * Math.min(...losses.slice(0, j + 1)))).toBe(true)
    // The stop index from the closed form and the documented rule.
    const sc = smooth(closedForm(Array.from({ length: steps }, (_, k) => minLr * r ** k)), 0.98)
    const expectedK = sc.findIndex((s, k) => k >= 1 && s > 4 * Math.min(...sc.slice(0, k)))
    expect(K).toBe(expectedK)
  })

  it('suggests the steepest descent of the smoothed loss, below 2/a', () => {
    // Lightning's rule on the closed-form smoothed losses: skip 10 at the start and 1 at the end, unit-spacing gradient.
    const s = smooth(closedForm(lrs), 0.98).slice(10, -1)
    const g = s.map((_, i) =>
      i === 0 ? s[1]! - s[0]! : i === s.length - 1 ? s[i]! - s[i - 1]! : (s[i + 1]! - s[i - 1]!) / 2,
    )
    const i = g.indexOf(Math.min(...g))
    expect(suggestion).toBe(lrs[10 + i])
    expect(suggestion).toBeLessThan(2 / a)
    expect(g[i]).toBeLessThan(0)
  })

  it('runs to maxLr without stopping when the whole sweep is stable', () => {
    const res = lrFind({
      loss: quadLoss,
      optimizer: (lr) => sgd(lr),
      params: quadParams(),
      data: [0],
      minLr: 1e-3,
      maxLr: 0.4,
      steps: 30,
    })
    expect(res.diverged).toBe(false)
    expect(res.lrs).toHaveLength(30)
    expect(res.lrs[29]).toBe(0.4)
    expect(res.lrs[0]).toBe(1e-3)
    res.lrs.forEach((lr, k) => expect(lr).toBeCloseTo(1e-3 * 400 ** (k / 29), 14))
    for (let k = 1; k < 30; k++) expect(res.rawLosses[k]).toBeLessThan(res.rawLosses[k - 1]!)
  })

  it('returns plain arrays of numbers', () => {
    for (const xs of [lrs, losses, rawLosses]) {
      expect(Array.isArray(xs)).toBe(true)
      expect(xs.every((x) => typeof x === 'number')).toBe(true)
    }
    expect(JSON.parse(JSON.stringify({ lrs, losses, suggestion }))).toEqual({ lrs, losses, suggestion })
  })
})

describe('lrFind stopping, data and params', () => {
  it('stops at a non-finite loss and records it', () => {
    // loss = batch·Σw²: the 4th batch is NaN.
    const seen: number[] = []
    const res = lrFind({
      loss: (p: { w: Tensor }, batch: number) => (seen.push(batch), ops.mul(batch, ops.sum(square(p.w)))),
      optimizer: (lr) => sgd(lr),
      params: { w: tensor([1, 2]) },
      data: [1, 1, 1, NaN, 1],
      minLr: 1e-3,
      maxLr: 1e-2,
    })
    expect(res.diverged).toBe(true)
    expect(res.lrs).toHaveLength(4)
    expect(res.rawLosses[3]).toBeNaN()
    expect(res.suggestion).toBeNull() // fewer than 2 points after skipping 10
  })

  it('cycles an iterable, and calls a data function once per epoch with fresh keys', () => {
    const seen: number[] = []
    const loss = (p: { w: Tensor }, batch: number) => (seen.push(batch), ops.sum(square(p.w)))
    lrFind({
      loss,
      optimizer: (lr) => sgd(lr),
      params: { w: tensor([1]) },
      data: [0, 1, 2],
      minLr: 1e-3,
      maxLr: 1e-2,
      steps: 7,
    })
    expect(seen).toEqual([0, 1, 2, 0, 1, 2, 0])
    const calls: [number, PRNGKey][] = []
    seen.length = 0
    lrFind({
      loss,
      optimizer: (lr) => sgd(lr),
      params: { w: tensor([1]) },
      data: (epoch, key) => (calls.push([epoch, key]), [10 * epoch, 10 * epoch + 1]),
      minLr: 1e-3,
      maxLr: 1e-2,
      steps: 5,
    })
    expect(seen).toEqual([0, 1, 10, 11, 20])
    expect(calls.map((c) => c[0])).toEqual([0, 1, 2])
    expect(new Set(calls.map((c) => c[1].join())).size).toBe(3)
  })

  it('throws a DescentError for data that yields nothing or can only be iterated once', () => {
    const common = { loss: quadLoss, optimizer: (lr: number) => sgd(lr), params: quadParams(), steps: 5 }
    expect(() => lrFind({ ...common, data: [] })).toThrow(DescentError)
    const once = (function* () {
      yield 0
      yield 1
    })()
    expect(() => lrFind({ ...common, data: once })).toThrow(/iterated once/)
  })

  it('never modifies the params passed in', () => {
    const params = { w: tensor([0.5, -1, 2]), b: tensor([0.25], 'float64'), s: 1.5 }
    const copies = [params.w.data.slice(), params.b.data.slice()]
    const loss = (p: typeof params) => ops.add(ops.sum(square(p.w)), ops.add(ops.sum(square(p.b)), square(p.s)))
    for (const optimizer of [(lr: number) => sgd(lr), (lr: number) => adam(lr)]) {
      lrFind({ loss, optimizer, params, data: [null], minLr: 1e-3, maxLr: 100, steps: 40 })
    }
    expect(params.w.data).toEqual(copies[0])
    expect(params.b.data).toEqual(copies[1])
    expect(params.s).toBe(1.5)
  })

  it('rejects an optimizer whose initial state depends on the learning rate (rprop)', () => {
    expect(() => lrFind({ loss: quadLoss, optimizer: (lr) => rprop(lr), params: quadParams(), data: [null] })).toThrow(
      /depends on lr/,
    )
  })

  it('rejects invalid options with a RangeError naming them', () => {
    const common = { loss: quadLoss, optimizer: (lr: number) => sgd(lr), params: quadParams(), data: [null] }
    expect(() => lrFind({ ...common, minLr: 1, maxLr: 0.5 })).toThrow(/maxLr/)
    expect(() => lrFind({ ...common, minLr: 0 })).toThrow(RangeError)
    expect(() => lrFind({ ...common, steps: 1 })).toThrow(/steps/)
    expect(() => lrFind({ ...common, smoothing: 1 })).toThrow(/smoothing/)
    expect(() => lrFind({ ...common, stopFactor: 1 })).toThrow(/stopFactor/)
  })
})

describe("lrFind's suggestion: Lightning's rule on the smoothed losses", () => {
  // With smoothing 0 the smoothed loss is the raw one, and a loss that returns its batch replays a chosen sequence.
  const replay = (ys: readonly number[], o: { skipBegin?: number; skipEnd?: number } = {}) =>
    lrFind({
      loss: (p: { w: Tensor }, batch: number) => ops.add(batch, ops.mul(0, ops.sum(square(p.w)))),
      optimizer: (lr) => sgd(lr),
      params: { w: tensor([1]) },
      data: ys,
      steps: ys.length,
      smoothing: 0,
      minLr: 1e-3,
      maxLr: 1,
      ...o,
    })

  it('takes the central difference inside and one-sided differences at the ends', () => {
    // y = 8, 8, 4, 3.5, 3, 3: g = 0, −2, −2.25, −0.5, −0.25, 0 → index 2 (forward differences would say 1).
    const res = replay([8, 8, 4, 3.5, 3, 3], { skipBegin: 0, skipEnd: 0 })
    expect(res.losses).toEqual([8, 8, 4, 3.5, 3, 3])
    expect(res.suggestion).toBe(res.lrs[2])
    // y = 5, 5, 5, 5, 1: g = 0, 0, 0, −2, −4 → the last point, by its one-sided difference.
    const end = replay([5, 5, 5, 5, 1], { skipBegin: 0, skipEnd: 0 })
    expect(end.suggestion).toBe(end.lrs[4])
  })

  it('skips skipBegin = 10 points at the start and skipEnd = 1 at the end by default', () => {
    // Kept: indices 10..13, y = 1, 0.9, 0.5, 0.45, g = −0.1, −0.25, −0.225, −0.05 → index 11. The drop at index 0→1
    // and the one at 13→14 would win if they were not skipped.
    const ys = [100, ...Array<number>(10).fill(1), 0.9, 0.5, 0.45, 0.001]
    const res = replay(ys)
    expect(res.suggestion).toBe(res.lrs[11])
    expect(replay(ys, { skipBegin: 0 }).suggestion).toBe(res.lrs[0])
    expect(replay(ys, { skipEnd: 0 }).suggestion).toBe(res.lrs[14])
  })
})

describe("the optimizer's state does not depend on its learning rate (what rebuilding it at each step needs)", () => {
  const params = { w: tensor([1, -2, 3]), b: 0.5 }
  const aliases = Object.entries(optimizers).filter(([name]) => name !== 'polyakSgd') as [
    string,
    (lr: number) => { init: (p: unknown) => unknown },
  ][]
  it.each(aliases)('%s', (name, make) => {
    const save = (lr: number) => saveCheckpoint({ params: null, optState: make(lr).init(params) as never, step: 0 })
    if (name === 'rprop')
      expect(save(1e-7)).not.toBe(save(10)) // its lr is the initial step size, kept in state
    else expect(save(1e-7)).toBe(save(10))
  })
})

describe('lrFind on linear regression with adam', () => {
  // Orthogonal ±1 feature columns with n = 8 rows, plus a bias: (1/n)·‖Xw + b − y‖² = Σ_i (θ_i − θ*_i)² exactly,
  // with θ* = (w₁, w₂, b) = (2, −1, 0.5) and θ₀ = 0, so each coordinate is a 1-D quadratic at distance D = (2, 1, 0.5).
  const x1 = [1, 1, 1, 1, -1, -1, -1, -1]
  const x2 = [1, 1, -1, -1, 1, 1, -1, -1]
  const X = tensor(
    x1.map((v, i) => [v, x2[i]!]),
    'float64',
  )
  const y = tensor(
    x1.map((v, i) => [2 * v - x2[i]! + 0.5]),
    'float64',
  )
  type P = { w: Tensor; b: Tensor }
  const loss = (p: P) => ops.mean(square(ops.sub(ops.add(ops.matmul(X, p.w), p.b), y)))
  const params = (): P => ({ w: tensor([[0], [0]], 'float64'), b: tensor([0], 'float64') })
  const D = [2, 1, 0.5]
  const L0 = D.reduce((s, d) => s + d * d, 0)

  it('the problem is the decoupled quadratic', () => {
    expect(loss(params()).item()).toBeCloseTo(L0, 12)
  })

  it('suggests a learning rate in the stable range, one that trains', () => {
    const res = lrFind({ loss, optimizer: (lr) => adam(lr), params: params(), data: [null] })
    const s = res.suggestion!
    // Upper end: Adam's first step is exactly lr·sign(g) per coordinate (m̂₁ = g₁, v̂₁ = g₁², ε ≪ |g₁|); from θ₀ it
    // lowers every coordinate's loss iff lr < 2·D_i, so the range where a constant lr is stable from the start is
    // lr < 2·min D = 1 (the analogue of 2/a for gradient descent).
    expect(s).toBeLessThan(2 * Math.min(...D))
    // Lower end: Adam's step is bounded by |Δ_t| ≤ lr·κ_t, κ_t = (1−β₁)/(1−β₁ᵗ)·√((1−β₂ᵗ)/(1−β₂))·√(Σ_{k<t}(β₁²/β₂)ᵏ)
    // (Cauchy–Schwarz; STYLE.md), so after k steps each coordinate has moved at most M_k = Σ_{t≤k} κ_t·lr_{t−1}.
    // While M_k < 1% of min D the loss is within 2% of L0: such a flat stretch cannot hold the steepest descent.
    const [b1, b2] = [0.9, 0.999]
    let M = 0
    let flatEnd = 0
    res.lrs.forEach((lr, k) => {
      const t = k + 1
      let geo = 0
      for (let j = 0; j < t; j++) geo += ((b1 * b1) / b2) ** j
      M += lr * ((1 - b1) / (1 - b1 ** t)) * Math.sqrt((1 - b2 ** t) / (1 - b2)) * Math.sqrt(geo)
      if (M < 0.01 * Math.min(...D)) flatEnd = k + 1
    })
    expect(flatEnd).toBeGreaterThan(10)
    expect(s).toBeGreaterThan(res.lrs[flatEnd]!)
    // And it trains: 200 steps of adam(suggestion) from θ₀ cut the loss a hundredfold.
    const tx = adam(s)
    let p = params()
    let st = tx.init(p)
    const vg = valueAndGrad(loss)
    for (let i = 0; i < 200; i++) {
      const [, g] = vg(p)
      const [u, next] = tx.update(g, st, p)
      p = applyUpdates(p, u)
      st = next
    }
    expect(loss(p).item()).toBeLessThan(L0 / 100)
  })
})
