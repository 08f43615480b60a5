import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type Tensor,
  adam,
  chain,
  fit,
  initTrainState,
  mul,
  ops,
  sgd,
  tensor,
  trainStep,
} from '../../src/index'

// Issue 14 item 10: one 1e38 float32 gradient is finite, but Adam's ν squares it and overflows to +Infinity; from
// then on that coordinate's update m̂/(√ν̂+ε) is 0 for good. Loss, gradients, updates and params all stay finite, so
// only the optimizer state shows it: trainStep reports it as nonFinite, naming the state leaf.
type P = { w: Tensor }
const loss = (p: P, x: Tensor) => ops.sum(mul(p.w, x)) // ∇_w = x
const params = () => ({ w: tensor([1, 2], [2], 'float32') })
const ok = tensor([1, 1], [2], 'float32')
const huge = tensor([1e38, 1], [2], 'float32')

describe('trainStep: a non-finite optimizer state is a nonFinite diagnosis', () => {
  it('the failure it guards against: after the 1e38 gradient, Adam never moves w[0] again', () => {
    const opt = adam(0.1)
    let p: P = params()
    let s = opt.init(p)
    ;[, s] = opt.update({ w: huge }, s, p)
    expect((s[0] as unknown as { nu: { w: Tensor } }).nu.w.data[0]).toBe(Infinity)
    const [u] = opt.update({ w: ok }, s, p)
    expect(Math.abs((u as P).w.data[0]!)).toBe(0) // m̂/(√∞+ε) = ±0
    expect((u as P).w.data[1]).not.toBe(0)
    void p
  })

  it('names optState[0].nu.w, the step and the fix, and does not apply the step', () => {
    const opt = adam(0.1)
    const step = trainStep(loss, opt)
    const [s1] = step(initTrainState(params(), opt), ok)
    const [s2, info] = step(s1, huge)
    expect(info.diagnoses).toHaveLength(1)
    const d = info.diagnoses[0]!
    expect(d).toMatchObject({ code: 'nonFinite', severity: 'error', step: 1, path: 'optState[0].nu.w' })
    expect(d.message).toMatch(/optState\[0\]\.nu\.w became Infinity at step 1 .*the step was not applied/)
    expect(d.fix).toMatch(/clip.*learning rate.*float64/)
    expect(s2).toBe(s1)
    expect(info.updateNorm).toBe(0)
    // The state is still healthy: the next ordinary batch moves both coordinates.
    const [s3, info3] = step(s2, ok)
    expect(info3.diagnoses).toEqual([])
    expect(s3.params.w.data[0]).not.toBe(s2.params.w.data[0])
    expect(s3.params.w.data[1]).not.toBe(s2.params.w.data[1])
  })

  it('with donate the step cannot be undone: still reported, and said so', () => {
    const opt = adam(0.1)
    const step = trainStep(loss, opt, { donate: true })
    const [s1] = step(initTrainState(params(), opt), ok)
    const [s2, info] = step(s1, huge)
    expect(info.diagnoses[0]).toMatchObject({ code: 'nonFinite', step: 1, path: 'optState[0].nu.w' })
    expect(info.diagnoses[0]!.message).toMatch(/donated, so the step could not be undone/)
    expect(s2.step).toBe(2)
  })

  it('fit (which donates) stops at it', () => {
    const r = fit({ loss, optimizer: adam(0.1), params: params(), data: [ok, huge, ok], onDiagnosis: () => {} })
    expect(r.stopped).toBe('diagnosis')
    // The loss jump from ~3 to 1e38 is also (rightly) lossDiverging; the state overflow is the error that stops it.
    expect(r.diagnoses[0]).toMatchObject({ code: 'nonFinite', path: 'optState[0].nu.w', step: 1 })
    // fit donates its states from step to step, so the overflowing step is applied; it stops and says so.
    expect(r.diagnoses[0]!.message).toMatch(/could not be undone/)
    expect(r.state.step).toBe(2)
  })

  it('a state leaf that was already non-finite (a sentinel) is not reported; ordinary steps give no diagnosis', () => {
    const sentinel: GradientTransformation<{ best: Tensor }> = {
      init: () => ({ best: tensor([Infinity], [1], 'float64') }),
      update: (u, s) => [u, s],
    }
    const opt = chain(sentinel, sgd(0.1))
    const step = trainStep(loss, opt)
    let s = initTrainState(params(), opt)
    for (const x of [ok, huge, ok]) {
      const [next, info] = step(s, x)
      expect(info.diagnoses).toEqual([])
      s = next
    }
    expect(s.step).toBe(3)
  })
})
