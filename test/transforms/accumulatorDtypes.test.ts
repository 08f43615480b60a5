import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adafactor,
  contrib,
  ema,
  lion,
  measureWithEma,
  multiSteps,
  novograd,
  scaleByLion,
  scaleByNovograd,
  sgd,
  signum,
  tensor,
  trace,
  tree,
} from '../../src/index'
import { values } from '../_helpers/assertions'

// optax's accumulator dtype options (`mu_dtype`, `accumulator_dtype`, `state_dtype`, `dtype_momentum`): the
// accumulator is created in the asked dtype, the step is computed in the promoted dtype, and the accumulator is
// stored back in the asked dtype. Expected values are written from the update rules, in float64 on the float32
// gradients (a float64 accumulator never rounds) or rounded with Math.fround where a float32 accumulator stores them.

const f = Math.fround
const g1 = [f(0.1), f(-0.3)]
const g2 = [f(0.7), f(0.2)]
const w = (t: PyTree): Tensor => (t as { w: Tensor }).w
const run = <S>(tx: GradientTransformation<S>, grads: number[][], dtype: 'float32' | 'float64' = 'float32') => {
  const params = { w: tensor([0.5, -1], dtype) }
  let state = tx.init(params)
  const outs: number[][] = []
  for (const g of grads) {
    const [u, next] = tx.update({ w: tensor(g, dtype) }, state, params)
    outs.push(values(u.w))
    state = next
  }
  return { outs, state, init: tx.init(params) }
}

describe('trace accumulatorDtype (optax trace / sgd accumulator_dtype)', () => {
  it('a float64 trace for float32 params never rounds: tr₂ = g₂ + β·g₁ in float64', () => {
    const { outs, state, init } = run(trace(0.9, { accumulatorDtype: 'float64' }), [g1, g2])
    expect(w(init.trace).dtype).toBe('float64')
    expect(w(state.trace).dtype).toBe('float64')
    expect(values(w(state.trace))).toEqual([g2[0]! + 0.9 * g1[0]!, g2[1]! + 0.9 * g1[1]!])
    expect(outs[1]).toEqual([g2[0]! + 0.9 * g1[0]!, g2[1]! + 0.9 * g1[1]!])
  })
  it('a float32 trace for float64 params is rounded once per step when stored', () => {
    const { state, outs } = run(
      trace(0.9, { accumulatorDtype: 'float32' }),
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      'float64',
    )
    expect(w(state.trace).dtype).toBe('float32')
    // the update uses the stored (rounded) trace of step 1, and is not itself rounded
    expect(outs[1]![0]).toBe(0.3 + 0.9 * f(0.1))
    expect(values(w(state.trace))[0]).toBe(f(0.3 + 0.9 * f(0.1)))
  })
  it('sgd passes it to its trace; nesterov too', () => {
    const { state } = run(sgd(0.1, { momentum: 0.9, nesterov: true, accumulatorDtype: 'float64' }), [g1])
    expect(w((state[0] as { trace: PyTree }).trace).dtype).toBe('float64')
  })
  it('refuses a dtype descent does not have', () => {
    expect(() => trace(0.9, { accumulatorDtype: 'bfloat16' as 'float32' })).toThrow(/accumulatorDtype must be/)
  })
})

describe('ema accumulatorDtype (optax ema / signum / measure_with_ema / adafactor dtype_momentum)', () => {
  it('a float64 average for float32 params: e₂ = 0.5·(0.5·g₁) + 0.5·g₂, debiased by 1 − 0.25', () => {
    const { outs, state } = run(ema(0.5, { accumulatorDtype: 'float64' }), [g1, g2])
    const e = g1.map((a, i) => 0.25 * a + 0.5 * g2[i]!)
    expect(w(state.ema).dtype).toBe('float64')
    expect(values(w(state.ema))).toEqual(e)
    expect(outs[1]).toEqual(e.map((x) => x / 0.75))
  })
  it('signum and measureWithEma pass it on', () => {
    const { state } = run(signum(0.1, { accumulatorDtype: 'float64' }), [g1])
    expect(w((state[0] as { ema: PyTree }).ema).dtype).toBe('float64')
    const m = measureWithEma((u) => u, 0.9, { accumulatorDtype: 'float64' })
    expect(w(m.init({ w: tensor([1, 2]) }).ema).dtype).toBe('float64')
  })
  it("adafactor's dtypeMomentum (optax dtype_momentum; descent's default is the params' dtype)", () => {
    const p = { w: tensor([1, 2], 'float64') }
    const momentumOf = (s: readonly unknown[]) => s.find((x) => typeof x === 'object' && x !== null && 'ema' in x)
    const s32 = adafactor(0.1, { momentum: 0.9, dtypeMomentum: 'float32' }).init(p) as readonly unknown[]
    expect(w((momentumOf(s32) as { ema: PyTree }).ema).dtype).toBe('float32')
    const s64 = adafactor(0.1, { momentum: 0.9 }).init(p) as readonly unknown[]
    expect(w((momentumOf(s64) as { ema: PyTree }).ema).dtype).toBe('float64')
  })
})

describe('muDtype on lion, novograd and the contrib Adam family', () => {
  it('scaleByLion / lion: a float64 momentum m₂ = 0.99·(0.01·g₁) + 0.01·g₂', () => {
    const { state } = run(scaleByLion({ muDtype: 'float64' }), [g1, g2])
    expect(w(state.mu).dtype).toBe('float64')
    // float64 closeness far below float32's rounding (≈ 1e-9 here): the momentum was never rounded to float32
    const m = g1.map((a, i) => 0.99 * (0.01 * a) + 0.01 * g2[i]!)
    values(w(state.mu)).forEach((x, i) => expect(x).toBeCloseTo(m[i]!, 15))
    expect(w(run(lion(0.1, { muDtype: 'float64' }), [g1]).state[0].mu).dtype).toBe('float64')
  })
  it('scaleByNovograd / novograd: the momentum is stored in muDtype, the update is the momentum', () => {
    const { state, outs } = run(scaleByNovograd({ muDtype: 'float64', eps: 0 }), [g1])
    const n = Math.sqrt(g1[0]! ** 2 + g1[1]! ** 2)
    expect(w(state.mu).dtype).toBe('float64')
    expect(values(w(state.mu))[0]).toBeCloseTo(g1[0]! / n, 15)
    expect(outs[0]![0]).toBeCloseTo(g1[0]! / n, 15)
    expect(w(run(novograd(0.1, { muDtype: 'float64' }), [g1]).state[0].mu).dtype).toBe('float64')
  })
  it('contrib.scaleByAdopt: mu in muDtype, nu in the params dtype (as optax)', () => {
    const { state } = run(contrib.scaleByAdopt({ muDtype: 'float64' }), [g1, g2])
    expect([w(state.mu).dtype, w(state.nu).dtype]).toEqual(['float64', 'float32'])
    // step 0 only sets ν = g₁²; step 1: m = 0.1·clip(g₂/max(|g₁|, ε), 1^0.25)
    const m = g2.map((g, i) => 0.1 * Math.min(1, Math.max(-1, g / Math.abs(g1[i]!))))
    values(w(state.mu)).forEach((x, i) => expect(x).toBeCloseTo(m[i]!, 7))
    expect(w(run(contrib.adopt(0.1, { muDtype: 'float64' }), [g1]).state[0].mu).dtype).toBe('float64')
  })
  it('contrib.scaleByAdemamix: m1, m2 and ν in muDtype (optax creates all three in mu_dtype)', () => {
    const { state } = run(contrib.scaleByAdemamix({ muDtype: 'float64' }), [g1])
    expect([w(state.m1).dtype, w(state.m2).dtype, w(state.nu).dtype]).toEqual(['float64', 'float64', 'float64'])
    values(w(state.m1)).forEach((x, i) => expect(x).toBeCloseTo(0.1 * g1[i]!, 15))
    expect(values(w(state.nu))[0]).toBeCloseTo(0.001 * g1[0]! * g1[0]!, 17)
    expect(w(run(contrib.ademamix(0.1, { muDtype: 'float64' }), [g1]).state[0].m1).dtype).toBe('float64')
  })
  it('contrib.scaleBySophia: mu in muDtype', () => {
    const tx = contrib.scaleBySophia({ muDtype: 'float64', hessianDiagonalFn: trace(0) })
    const { state } = run(tx, [g1])
    expect(w(state.mu).dtype).toBe('float64')
    expect(values(w(state.mu))).toEqual(g1.map((g) => (1 - 0.965) * g))
  })
  it('contrib.scheduleFree*: z in stateDtype (optax state_dtype)', () => {
    const tx = contrib.scheduleFreeSgd(0.5, { stateDtype: 'float64' })
    const { state } = run(tx, [g1])
    expect(w(state[0].z).dtype).toBe('float64')
    // z = y₀ − α·g (float64 from the float32 values)
    expect(values(w(state[0].z))).toEqual([f(0.5) - 0.5 * g1[0]!, -1 - 0.5 * g1[1]!])
    expect(w(contrib.scheduleFreeAdamw(0.1, { stateDtype: 'float64' }).init({ w: tensor([1]) })[0].z).dtype).toBe(
      'float64',
    )
  })
  it('the same transforms without the option keep the params dtype', () => {
    const p = { w: tensor([1, 2], 'float64') }
    expect(w(scaleByLion().init(p).mu).dtype).toBe('float64')
    expect(w(trace(0.5).init(p).trace).dtype).toBe('float64')
    expect(tree.structure(ema(0.5).init(p).ema)).toEqual(tree.structure(p))
  })
})

describe('multiSteps accumulatorDtype (optax MultiSteps accumulator_dtype)', () => {
  it('a float64 running mean of float32 micro-batch gradients; the inner optimizer gets it in float32', () => {
    const tx = multiSteps(sgd(1), { everyKSchedule: 2, accumulatorDtype: 'float64' })
    const { state, outs, init } = run(tx, [g1, g2])
    expect(w(init.accGrads).dtype).toBe('float64')
    expect(w(state.accGrads).dtype).toBe('float64')
    // a₁ = g₁, a₂ = a₁ + (g₂ − a₁)/2 in float64, then −lr·a₂ rounded to float32 once
    expect(outs[1]).toEqual(g1.map((a, i) => -f(a + (g2[i]! - a) / 2)))
  })
})
