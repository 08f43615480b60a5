import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  clipByBlockRms,
  clipByGlobalNorm,
  contrib,
  sgdrSchedule,
  scaleByBacktrackingLinesearch,
  tensor,
  tree,
} from '../../src/index'

// optax's signatures (2edbcbe): where optax's first parameter is required, descent takes it positionally as well as
// in the options object, and both forms build the same transform. Each row: the positional call, the options call.
const x = { w: tensor([1, -2], 'float64') }
const g = {
  w: tensor(
    [
      [3, 4],
      [0.5, 0],
    ],
    'float64',
  ),
} // two per-example gradients, for the DP aggregate
const gv = { w: tensor([3, 4], 'float64') }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTx = GradientTransformation<any>
type Row = readonly [name: string, positional: () => AnyTx, options: () => AnyTx, grads: PyTree]
const ROWS: readonly Row[] = [
  [
    'contrib.differentiallyPrivateAggregate(l2NormClip, …)',
    () => contrib.differentiallyPrivateAggregate(1, { noiseMultiplier: 0, key: 0 }),
    () => contrib.differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 0, key: 0 }),
    g,
  ],
  [
    'contrib.scaleByDog(initStep, …)',
    () => contrib.scaleByDog(['distance', 0.5], { eps: 0 }),
    () => contrib.scaleByDog({ initStep: ['distance', 0.5], eps: 0 }),
    gv,
  ],
  ['clipByGlobalNorm(maxNorm)', () => clipByGlobalNorm(1), () => clipByGlobalNorm({ maxNorm: 1 }), gv],
  ['clipByBlockRms(threshold)', () => clipByBlockRms(1), () => clipByBlockRms({ threshold: 1 }), gv],
]

describe('optax signatures: a required first parameter is also positional', () => {
  it.each(ROWS)('%s', (_, positional, options, grads) => {
    const a = positional()
    const b = options()
    const params = x
    const [ua] = a.update(grads, a.init(params), params)
    const [ub] = b.update(grads, b.init(params), params)
    expect(tree.leaves(ua).map((l) => Array.from((l as { data: Float64Array }).data))).toEqual(
      tree.leaves(ub).map((l) => Array.from((l as { data: Float64Array }).data)),
    )
  })
  it("scaleByDog takes optax's 'learning_rate' spelling of the initial-step kind: η₀ = 0.5 on the first step", () => {
    const tx = contrib.scaleByDog(['learning_rate' as 'learningRate', 0.5], { eps: 0 })
    const [u] = tx.update(gv, tx.init(x), x)
    expect(Array.from(u.w.data)).toEqual([1.5, 2])
  })
  it('the linesearch takes maxBacktrackingSteps positionally', () => {
    expect(() => scaleByBacktrackingLinesearch(15)).not.toThrow()
  })
  it("sgdrSchedule takes optax's cosineKwargs for its cycles", () => {
    const cycle = { initValue: 0, peakValue: 1, warmupSteps: 2, decaySteps: 10 }
    const a = sgdrSchedule({ cosineKwargs: [cycle, cycle] })
    const b = sgdrSchedule([cycle, cycle])
    for (const t of [0, 1, 2, 5, 10, 12, 19]) expect(a(t)).toBe(b(t))
  })
})
