import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adam,
  contrib,
  injectHyperparams,
  injectStatefulHyperparams,
  tensor,
  scaleByAdam,
  tree,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'

// optax's inject_hyperparams binds the signature with apply_defaults(), so a factory called without its learning rate
// still has it in state.hyperparams, with the signature's default. Expected values: optax.contrib's signatures at
// 2edbcbe (learning_rate: _prodigy.py 1.0, _dadapt_adamw.py 1.0, _cocob.py 1.0, _momo.py 1.0 and 1e-2, _dog.py 1.0
// twice, _schedule_free.py 1.0 and 0.0025).
const OPTAX_LR_DEFAULTS: Record<string, number> = {
  prodigy: 1,
  dadaptAdamw: 1,
  cocob: 1,
  momo: 1,
  momoAdam: 1e-2,
  dog: 1,
  dowg: 1,
  scheduleFreeSgd: 1,
  scheduleFreeAdamw: 0.0025,
}

// The learning rate does not show on this problem within five steps: COCOB scales the gradient by it first and its
// bets are invariant to that scale early on; Momo's step is min(lr, Polyak step), and the Polyak step is the smaller.
const INVISIBLE = new Set(['cocob', 'momo'])

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (...args: any[]) => GradientTransformation<any>
const C = contrib as unknown as Record<string, Factory>
const p0 = { w: tensor([0.5, -1, 2], 'float64'), b: tensor([[1, -0.25]], 'float64') }
const gradAt = (t: number) =>
  tree.map((l) => {
    const x = l as Tensor
    return tensor(
      Array.from(x.dataSync(), (v, i) => (t % 3 === 2 ? -1 : 1) * (v ** 3 + 2 * v) + 0.1 * t * i),
      x.shape,
      'float64',
    )
  }, p0) as typeof p0
const loss = (p: typeof p0) =>
  tree.leaves(p).reduce((s: number, l) => s + Array.from((l as Tensor).dataSync()).reduce((a, x) => a + x * x, 0), 0)
const numbers = (us: PyTree[]) => us.map((u) => tree.leaves(u).map((l) => Array.from((l as Tensor).dataSync())))
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(tx: GradientTransformation<any>, edit?: (s: any) => any): PyTree[] {
  let state = tx.init(p0)
  const out: PyTree[] = []
  for (let t = 0; t < 5; t++) {
    if (edit && t === 0) state = edit(state)
    const g = gradAt(t)
    const [u, next] = tx.update(g, state, p0, { value: loss(p0), grad: g })
    out.push(u)
    state = next
  }
  return out
}

describe('injectHyperparams injects the positional learning-rate default of a factory called without it', () => {
  it.each(Object.entries(OPTAX_LR_DEFAULTS))('contrib.%s(): state.hyperparams.learningRate is %d', (name, lr) => {
    const f = C[name]!
    const s = injectHyperparams(f)().init(p0)
    expect(s.hyperparams.learningRate).toBe(lr)
    // the options' defaults are still there, beside it
    expect(Object.keys(s.hyperparams).length).toBeGreaterThan(1)
  })

  it.each(Object.keys(OPTAX_LR_DEFAULTS))('contrib.%s(): updates equal the plain factory bit for bit', (name) => {
    const f = C[name]!
    expectTreesEqual(run(injectHyperparams(f)()), run(f()))
  })

  it.each(Object.keys(OPTAX_LR_DEFAULTS))(
    'contrib.%s(): the injected learning rate, set in the state, acts as the argument would',
    (name) => {
      const f = C[name]!
      const half = OPTAX_LR_DEFAULTS[name]! / 2
      const edited = run(injectHyperparams(f)(), (s) => ({
        ...s,
        hyperparams: { ...s.hyperparams, learningRate: half },
      }))
      expectTreesEqual(edited, run(f(half)))
      if (!INVISIBLE.has(name)) expect(numbers(edited)).not.toEqual(numbers(run(f())))
    },
  )

  it('with options but no learning rate (explicit undefined), the default is injected too; a given one wins', () => {
    const s = injectHyperparams(contrib.prodigy)(undefined, { weightDecay: 0.1 }).init(p0)
    expect(s.hyperparams).toMatchObject({ learningRate: 1, weightDecay: 0.1, eps: 1e-8 })
    expect(injectHyperparams(contrib.prodigy)(0.3).init(p0).hyperparams.learningRate).toBe(0.3)
    const sched = injectHyperparams(contrib.dog)((t: number) => 0.5 / (t + 1))
    expect(sched.init(p0).hyperparams.learningRate).toBe(0.5)
  })

  it('staticArgs keeps it out; a factory whose learning rate has no default injects none', () => {
    expect(
      injectHyperparams(contrib.cocob, { staticArgs: ['learningRate'] })().init(p0).hyperparams,
    ).not.toHaveProperty('learningRate')
    expect(injectHyperparams(scaleByAdam)().init(p0).hyperparams).not.toHaveProperty('learningRate')
    expect(injectHyperparams(adam)(0.1).init(p0).hyperparams.learningRate).toBe(0.1)
  })

  it('injectStatefulHyperparams (built on injectHyperparams) injects it too', () => {
    expect(injectStatefulHyperparams(contrib.prodigy)().init(p0).hyperparams.learningRate).toBe(1)
  })
})
