import { expectTypeOf, test } from 'vitest'
import {
  type EmptyState,
  type GradientTransformation,
  type PyTree,
  type ScaleByAdamState,
  type Tensor,
  adam,
  experimental,
  identity,
  scaleByAdam,
  sgd,
} from '../../src/index'

// experimental.aggregating's factories carry their states' types (issue 11: no `any` in the public API).
const agg = experimental.aggregating
type AccumulateState = experimental.aggregating.AccumulateAvgUpdatesState
type ProcessState<A, B, C> = experimental.aggregating.ProcessState<A, B, C>

test('process keeps the three states it is given', () => {
  const tx = agg.process(identity(), agg.averagePerElementUpdates(), scaleByAdam())
  expectTypeOf(tx).toEqualTypeOf<
    GradientTransformation<ProcessState<EmptyState, Record<string, never>, ScaleByAdamState>>
  >()
  expectTypeOf(tx.init({ w: 1 })[2]).toEqualTypeOf<ScaleByAdamState>()
  // a state of another transform is refused
  // @ts-expect-error -- the postprocessor's state is ScaleByAdamState, not a number
  tx.update({ w: 1 }, [{}, {}, 3])
})

test('averageIncrementallyUpdates: null axis → the accumulator alone; an axis → the chain of both', () => {
  expectTypeOf(agg.averageIncrementallyUpdates(null, { accumulationSteps: 2 })).toEqualTypeOf<
    GradientTransformation<AccumulateState>
  >()
  expectTypeOf(agg.averageIncrementallyUpdates(0, { accumulationSteps: 2 })).toEqualTypeOf<
    GradientTransformation<readonly [Record<string, never>, AccumulateState]>
  >()
  expectTypeOf(agg.averageIncrementallyUpdates([0, 1], { accumulationSteps: 2 })).toEqualTypeOf<
    GradientTransformation<experimental.aggregating.AverageIncrementallyUpdatesState>
  >()
})

test('getPerElementMeanAndSumSqDiffGrads, addMeanVarianceToOpt and getUnbiasedMeanAndVarianceEma are typed', () => {
  expectTypeOf(agg.getPerElementMeanAndSumSqDiffGrads()).toEqualTypeOf<
    GradientTransformation<EmptyState | experimental.aggregating.PerElementMeanAndSumSqDiffGradsState>
  >()
  const opt = agg.addMeanVarianceToOpt(adam(0.1))
  type Post = ReturnType<typeof opt.init>[2]
  expectTypeOf<Post[0]>().toEqualTypeOf<experimental.aggregating.PerElementMeanAndVarianceEmaState>()
  expectTypeOf<Post[1]>().toEqualTypeOf<ReturnType<ReturnType<typeof adam>['init']>>()
  const s = agg.addMeanVarianceToOpt(sgd(0.1)).init({ w: 0 })
  expectTypeOf(agg.getUnbiasedMeanAndVarianceEma(s)).toEqualTypeOf<readonly [PyTree, PyTree]>()
  expectTypeOf(agg.getUnbiasedMeanAndVarianceEma<{ w: Tensor }>(s)[0].w).toEqualTypeOf<Tensor>()
})
