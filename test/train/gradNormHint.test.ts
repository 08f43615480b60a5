/**
 * trainStep hands the ‖g‖ it measured (gradStats) to clipByGlobalNorm through a symbol key of the extra arguments, so
 * that the norm is summed once a step: it must be tree.norm(g) bit for bit, be used only for the gradient tree itself,
 * and leave every result as it was (the clipped step equals the chain run by hand on the same gradient).
 */
import { describe, expect, it } from 'vitest'
import { GRAD_NORM, knownNorm } from '../../src/core/gradNormHint'
import {
  adamw,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  initTrainState,
  ops,
  tensor,
  trainStep,
  tree,
  valueAndGrad,
  type Tensor,
} from '../../src/index'
import { gradStats } from '../../src/train/gradStats'

let x = 11
const rand = (n: number, scale = 3) =>
  Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * scale)

describe('the gradient norm trainStep passes on', () => {
  it('gradStats.norm is tree.norm bit for bit (float32 large and small, float64, numbers, nested)', () => {
    const g = {
      layer: { w: tensor(rand(5000), [50, 100]), b: tensor(rand(7)) },
      extra: [tensor(rand(9), [9], 'float64'), 0.25, { deep: tensor(rand(1031)) }],
    }
    expect(Object.is(gradStats(g).norm, tree.norm(g))).toBe(true)
  })

  it('is used for the gradient tree only, and never when it is +∞ (globalNorm rescales an overflowed sum)', () => {
    const g = { w: tensor([3, 4]) }
    const extra = { grad: g, [GRAD_NORM]: 5 }
    expect(knownNorm(g, extra)).toBe(5)
    expect(knownNorm({ w: tensor([3, 4]) }, extra)).toBeUndefined()
    expect(knownNorm(g, { grad: g })).toBeUndefined()
    expect(knownNorm(g, { grad: g, [GRAD_NORM]: Infinity })).toBeUndefined()
    expect(knownNorm(g, undefined)).toBeUndefined()
    // clipByGlobalNorm takes it (a deliberately wrong 10 halves the updates instead of returning them unclipped)…
    const tx = clipByGlobalNorm(5)
    const [u, s] = tx.update(g, tx.init(g), undefined, { grad: g, [GRAD_NORM]: 10 })
    expect(s.gradNorm).toBe(10)
    expect(Array.from(u.w.data)).toEqual([1.5, 2])
    // …and sums the norm itself for any other tree.
    const [, s2] = tx.update(g, tx.init(g), undefined, { grad: { w: tensor([0, 0]) }, [GRAD_NORM]: 10 })
    expect(s2.gradNorm).toBe(5)
  })

  it('a clipped trainStep equals chain(clipByGlobalNorm, adamw) run by hand, bit for bit, with the same norm', () => {
    type P = { w: Tensor; b: Tensor }
    const data = { x: tensor(rand(64 * 20), [64, 20]), y: tensor(rand(64), [64, 1]) }
    const loss = (p: P, d: typeof data) => ops.mean(ops.square(ops.sub(ops.add(ops.matmul(d.x, p.w), p.b), d.y)))
    const params: P = { w: tensor(rand(20, 4), [20, 1]), b: tensor([0.5]) }
    const opt = chain(clipByGlobalNorm(0.1), adamw(0.01))
    const step = trainStep(loss, opt)
    let state = initTrainState(params, opt)
    let byHand = { params, opt: opt.init(params) }
    for (let i = 0; i < 3; i++) {
      const [next, info] = step(state, data)
      const [, g] = valueAndGrad(loss)(byHand.params, data)
      const [u, s] = opt.update(g, byHand.opt, byHand.params)
      expect(Object.is(info.gradNorm, tree.norm(g))).toBe(true)
      expect(Object.is((next.optState as unknown as [{ gradNorm: number }])[0].gradNorm, tree.norm(g))).toBe(true)
      expect(info.gradNorm).toBeGreaterThan(0.1) // the step was clipped
      byHand = { params: applyUpdates(byHand.params, u), opt: s }
      expect(Array.from(next.params.w.data)).toEqual(Array.from(byHand.params.w.data))
      expect(Array.from(next.params.b.data)).toEqual(Array.from(byHand.params.b.data))
      state = next
    }
  })
})
