import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type Tensor,
  adam,
  chain,
  conditionallyMask,
  conditionallyTransform,
  freeze,
  hyperparameterDiagnoses,
  initTrainState,
  namedChain,
  ops,
  selectiveTransform,
  sgd,
  tensor,
  trainStep,
} from '../../src/index'

// Issue 9: a suspicious hyperparameter (eps = 0 with Adam: 0/0 = NaN on a coordinate whose gradient is 0; lr < 0:
// the update climbs the loss) must be reported whatever wrapper the optimizer sits in, by hyperparameterDiagnoses and
// by trainStep at step 0.
type P = { w: Tensor; b: Tensor }
const loss = (p: P, _b: null) => ops.add(ops.sum(ops.square(p.w)), ops.sum(ops.square(p.b)))
const params = (): P => ({ w: tensor([1, -2]), b: tensor([0.5]) })

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const wrappers: readonly (readonly [string, (inner: GradientTransformation<any>) => GradientTransformation<any>])[] = [
  ['namedChain', (inner) => namedChain(['clip', sgd(1)], ['opt', inner])],
  ['conditionallyTransform', (inner) => conditionallyTransform(inner, (step) => step % 2 === 0)],
  ['conditionallyTransform (curried)', (inner) => conditionallyTransform((step: number) => step > 0)(inner)],
  ['conditionallyMask', (inner) => conditionallyMask(inner, (step) => step % 2 === 0)],
  ['selectiveTransform', (inner) => selectiveTransform(inner, { freezeMask: { w: false, b: true } })],
  ['chain(freeze, ·)', (inner) => chain(freeze({ w: false, b: true }), inner)],
]

describe('wrappers pass their inner optimizer’s hyperparameter findings through', () => {
  it.each(wrappers)('%s: eps = 0 and lr < 0 are reported, each naming its hyperparameter', (_, wrap) => {
    const ds = hyperparameterDiagnoses(wrap(adam(-1e-3, { eps: 0 })))
    expect(ds.map((d) => [d.code, d.severity])).toEqual([
      ['suspiciousHyperparameter', 'warning'],
      ['suspiciousHyperparameter', 'warning'],
    ])
    expect(ds[0]!.message).toMatch(/eps = 0/)
    expect(ds[1]!.message).toMatch(/learningRate = -0\.001 < 0/)
  })

  it.each(wrappers)('%s: trainStep reports them at step 0 only', (_, wrap) => {
    const tx = wrap(adam(1e-3, { eps: 0 }))
    const step = trainStep(loss, tx)
    const [s1, info0] = step(initTrainState(params(), tx), null)
    expect(info0.diagnoses.map((d) => [d.code, d.step])).toEqual([['suspiciousHyperparameter', 0]])
    expect(info0.diagnoses[0]!.fix.length).toBeGreaterThan(0)
    // (the next step may well be NaN: freezing b feeds Adam zero gradients there, which eps = 0 turns into 0/0)
    expect(step(s1, null)[1].diagnoses.map((d) => d.code)).not.toContain('suspiciousHyperparameter')
  })

  it.each(wrappers)('%s: a well-configured inner optimizer gives nothing (no false alarm)', (_, wrap) => {
    expect(hyperparameterDiagnoses(wrap(adam(1e-3)))).toEqual([])
  })
})
