/**
 * trainStep's updateNorm and paramNorm, computed in one pass over both trees: the closed forms on small cases, and
 * bit for bit what tree.norm gives on each tree alone (same order of summation), for float32, float64 and number
 * leaves, non-finite values and trees of different leaf counts.
 */
import { describe, expect, it } from 'vitest'
import {
  adamw,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  initTrainState,
  ops,
  sgd,
  tensor,
  trainStep,
  tree,
  valueAndGrad,
  type GradientTransformation,
  type PyTree,
  type Tensor,
} from '../../src/index'
import { stepNorms } from '../../src/train/stepNorms'

describe('stepNorms', () => {
  it('closed forms: ‖(3, 4)‖ = 5, ‖(1, 2, 2)‖ = 3 across leaves', () => {
    const [u, p] = stepNorms({ a: tensor([3, 4]) }, { a: tensor([1, 2]) })
    expect(u).toBe(5)
    expect(p).toBe(Math.sqrt(5))
    const [u2, p2] = stepNorms({ a: tensor([1]), b: tensor([2, 2]) }, { a: tensor([0]), b: tensor([0, 0]) })
    expect([u2, p2]).toEqual([3, 0])
  })

  it('bit for bit tree.norm of each tree, for float32 / float64 / number leaves and non-finite values', () => {
    let x = 7
    const rand = (n: number) =>
      Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3)
    const updates = {
      w: tensor(rand(1000), [10, 100]),
      b: tensor(rand(7), [7], 'float64'),
      s: 0.25,
      v: tensor(rand(33)),
    }
    const params = {
      w: tensor(rand(1000), [10, 100]),
      b: tensor(rand(7), [7]),
      s: -1.5,
      v: tensor(rand(33), [33], 'float64'),
    }
    const [u, p] = stepNorms(updates, params)
    expect(Object.is(u, tree.norm(updates))).toBe(true)
    expect(Object.is(p, tree.norm(params))).toBe(true)
    const bad = { w: tensor([1, NaN, 2]), b: tensor([Infinity]) }
    const [uBad, pBad] = stepNorms(bad, { w: tensor([1, 2, 3]), b: tensor([-Infinity]) })
    expect(uBad).toBeNaN()
    expect(pBad).toBe(Infinity)
  })

  it('falls back to tree.norm when the trees have different leaf counts', () => {
    const u = { a: tensor([3, 4]) }
    const p = { a: tensor([1]), b: tensor([2]) }
    expect(stepNorms(u, p)).toEqual([5, Math.sqrt(5)])
  })

  it("trainStep's info: updateNorm = ‖θ′ − θ‖ and paramNorm = ‖θ′‖ (sgd: u = −lr·g)", () => {
    type P = { w: Tensor; b: Tensor }
    const loss = (q: P, _: null) => ops.sum(ops.add(ops.mul(q.w, tensor([1, 2])), q.b))
    const opt = sgd(0.5)
    const [next, info] = trainStep(loss, opt)(initTrainState({ w: tensor([1, 1]), b: tensor([0]) }, opt), null)
    // g = (1, 2; 2) (b is broadcast to both terms), u = −0.5·g = (−0.5, −1; −1), θ′ = (0.5, 0; −1)
    expect(info.updateNorm).toBeCloseTo(Math.sqrt(0.25 + 1 + 1), 6)
    expect(info.paramNorm).toBeCloseTo(Math.sqrt(0.25 + 0 + 1), 6)
    expect(next.params.w.toArray()).toEqual([0.5, 0])
  })

  // The fused Adam step sums ‖u‖² and ‖θ′‖² chunk by chunk inside its pass (pure steps), and for adamw itself ‖g‖²
  // too (the update runs before the checks); the donated step in wasm memory goes through stepNorms. Either way the
  // figures are tree.norm's of the plain API's g, u and θ′, bit for bit. `big`: a leaf of 2¹⁶ + 5 elements (several
  // chunks of the fused pass, a tail of 5).
  it.each([
    ['adamw, pure', false, false, false],
    ['adamw, pure, a leaf of 2¹⁶ + 5 elements', false, false, true],
    ['chain(clipByGlobalNorm, adamw), pure', true, false, false],
    ['adamw, donated', false, true, false],
  ])("%s: gradNorm, updateNorm and paramNorm are tree.norm of the plain API's g, u and θ′", (_, clip, donate, big) => {
    type P = { w: Tensor; v: Tensor; b: Tensor }
    let x = 11
    const rand = (n: number) =>
      Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1)
    // 8300 = one full chunk of 8192 + a last chunk ending between 8-blocks (mod 8 = 4); 2053 has a scalar tail.
    const nv = big ? 2 ** 16 + 5 : 2053
    const params: P = { w: tensor(rand(8300), [100, 83]), v: tensor(rand(nv)), b: tensor(rand(13)) }
    const target = { w: tensor(rand(8300), [100, 83]), v: tensor(rand(nv)), b: tensor(rand(13)) }
    const loss = (q: P, t: P) =>
      ops.add(
        ops.add(ops.sum(ops.square(ops.sub(q.w, t.w))), ops.sum(ops.square(ops.sub(q.v, t.v)))),
        ops.sum(ops.square(ops.sub(q.b, t.b))),
      )
    const opt = (clip ? chain(clipByGlobalNorm(1), adamw(1e-2)) : adamw(1e-2)) as GradientTransformation<unknown>
    const step = trainStep(loss, opt, { donate })
    let state = initTrainState(params, opt)
    let plainParams = params as PyTree
    let plainState = opt.init(params)
    for (let t = 0; t < 3; t++) {
      const [, g] = valueAndGrad((q: P) => loss(q, target))(plainParams as P)
      const [u, s] = opt.update(g as P, plainState, plainParams)
      const before = tree.map((l) => l, plainParams)
      plainParams = applyUpdates(before, u)
      plainState = s
      const [next, info] = step(state, target)
      state = next
      expect(Object.is(info.gradNorm, tree.norm(g))).toBe(true)
      expect(Object.is(info.layerGradRms['grads.w'], Math.sqrt(tree.norm(g.w, { squared: true }) / 8300))).toBe(true)
      expect(Object.is(info.updateNorm, tree.norm(u))).toBe(true)
      expect(Object.is(info.paramNorm, tree.norm(plainParams))).toBe(true)
      expect(tree.allClose(next.params, plainParams, { rtol: 0, atol: 0 })).toBe(true)
    }
  })

  it('adamw, pure, a non-finite gradient: the update that ran first is dropped, the state comes back unchanged', () => {
    type P = { w: Tensor }
    // d/dw √(w + x) = 1 / (2√(w + x)): +Infinity where w + x = 0, while the loss stays finite.
    const loss = (q: P, x: Tensor) => ops.sum(ops.sqrt(ops.add(q.w, x)))
    const opt = adamw(1e-2)
    const step = trainStep(loss, opt)
    const w = new Float32Array(300).fill(1)
    w[299] = 0
    const state = initTrainState({ w: tensor(w) }, opt)
    const [next, info] = step(state, tensor(new Float32Array(300)))
    expect(next).toBe(state)
    expect(info.gradNorm).toBe(Infinity)
    expect(info.diagnoses.map((d) => [d.code, d.path])).toEqual([['nonFinite', 'grads.w']])
    expect([...(state.params.w.data as Float32Array)]).toEqual([...w])
    // A finite gradient then steps from the same state: g = 1/(2√2) on 299 elements and 1/2 on the last.
    const [after, ok] = step(state, tensor(new Float32Array(300).fill(1)))
    expect(after.step).toBe(1)
    expect(ok.gradNorm).toBeCloseTo(Math.sqrt(299 / 8 + 1 / 4), 6)
  })
})
