import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as descent from '../src/index'
import type { AccumulationType, Accumulator, StatefulSchedule, WrappedScheduleState } from '../src/index'

// Issue 11's "done when": every optax public name that descent lacked at optax 2edbcbe (0.2.9.dev) — the list in
// ../shared/reference/optax-missing.md, copied here module by module in its camelCase spelling — exists as a descent
// export, or is listed in docs/optimizers.md's "optax names not in descent" part with the reason.

type Where = 'top' | 'contrib' | 'losses' | 'projections' | 'tree' | 'experimental.aggregating'

/** The names of optax-missing.md's table, by the descent namespace they map to. */
const MISSING: Readonly<Record<string, readonly [Where, readonly string[]]>> = {
  'top level': [
    'top',
    [
      'adan',
      'scaleByAdan',
      'optimisticAdam',
      'optimisticAdamV2',
      'scaleByBacktrackingLinesearch',
      'scaleByDistanceOverGradients',
      'periodicUpdate',
      'scaleGradient',
      'powerIteration',
      'matrixInversePthRoot',
      'nnls',
      'multiNormal',
      'safeIncrement',
      'safeInt32Increment',
      'treeMapParams',
    ],
  ],
  transforms: [
    'top',
    [
      'flatten',
      'measureWithEma',
      'perExampleGlobalNormClip',
      'perExampleLayerNormClip',
      'skipLargeUpdates',
      'skipNotFinite',
      'unitwiseClip',
      'unitwiseNorm',
    ],
  ],
  schedules: ['top', ['injectStatefulHyperparams', 'wrappedSchedule']],
  contrib: [
    'contrib',
    [
      'muon',
      'scaleByMuon',
      'sophia',
      'hutchinsonEstimatorDiagHessian',
      'prodigy',
      'mechanize',
      'cocob',
      'scaleByCocob',
      'momo',
      'momoAdam',
      'sam',
      'scheduleFree',
      'scheduleFreeSgd',
      'scheduleFreeAdamw',
      'scheduleFreeEvalParams',
      'adopt',
      'scaleByAdopt',
      'ademamix',
      'simplifiedAdemamix',
      'scaleByAdemamix',
      'scaleBySimplifiedAdemamix',
      'dadaptAdamw',
      'dog',
      'dowg',
      'galore',
      'scaleByGalore',
      'madgrad',
      'scaleByMadgrad',
      'acprop',
      'scaleByAcprop',
      'normalize',
      'splitRealAndImaginary',
      'dpsgd',
      'differentiallyPrivateAggregate',
    ],
  ],
  losses: [
    'losses',
    [
      'klDivergence',
      'klDivergenceWithLogTargets',
      'convexKlDivergence',
      'generalizedKlDivergence',
      'cosineSimilarity',
      'cosineDistance',
      'hingeLoss',
      'multiclassHingeLoss',
      'perceptronLoss',
      'multiclassPerceptronLoss',
      'sparsemaxLoss',
      'multiclassSparsemaxLoss',
      'makeFenchelYoungLoss',
      'polyLossCrossEntropy',
      'sigmoidFocalLoss',
      'safeSoftmaxCrossEntropy',
      'smoothLabels',
      'ctcLoss',
      'ctcLossWithForwardProbs',
      'ntxent',
      'tripletMarginLoss',
      'rankingSoftmaxLoss',
      'diceLoss',
      'binaryDiceLoss',
      'multiclassGeneralizedDiceLoss',
    ],
  ],
  projections: [
    'projections',
    [
      'projectionBox',
      'projectionHypercube',
      'projectionNonNegative',
      'projectionSimplex',
      'projectionL1Ball',
      'projectionL1Sphere',
      'projectionL2Ball',
      'projectionL2Sphere',
      'projectionLinfBall',
      'projectionHyperplane',
      'projectionHalfspace',
      'projectionVector',
    ],
  ],
  tree: [
    'tree',
    [
      'castLike',
      'dtype',
      'batchShape',
      'conj',
      'real',
      'randomLike',
      'splitKeyLike',
      'unwrapRandomKeyData',
      'getAllWithPath',
      'mapParams',
    ],
  ],
  'second_order (deprecated)': ['top', ['hessianDiag', 'fisherDiag', 'hvp']],
  microbatching: ['top', ['microbatch', 'microGrad', 'microVmap', 'reshapeBatchAxis']],
  perturbations: ['top', ['makePerturbedFun', 'Normal', 'Gumbel']],
  assignment: ['top', ['hungarianAlgorithm', 'baseHungarianAlgorithm']],
  'experimental.aggregating': [
    'experimental.aggregating',
    [
      'Aggregator',
      'averagePerElementUpdates',
      'accumulateAvgUpdates',
      'getPerElementMeanAndSumSqDiffGrads',
      'trackPerElementMeanAndVarianceWithEma',
      'addMeanVarianceToOpt',
    ],
  ],
}

// The type-only names of the list (StatefulSchedule, WrappedSchedule's state, AccumulationType, Accumulator) must
// exist as types.
type TypeOnlyNames = [StatefulSchedule, WrappedScheduleState, AccumulationType, Accumulator]
const typeOnlyNamesCompile: TypeOnlyNames | undefined = undefined

const page = readFileSync(resolve(__dirname, '../docs/optimizers.md'), 'utf8')

/** optax name → reason, from the table of docs/optimizers.md's "## optax names not in descent" part. */
function notInDescent(): Map<string, string> {
  const start = page.indexOf('\n## optax names not in descent\n')
  expect(start, 'docs/optimizers.md has a "## optax names not in descent" part').toBeGreaterThanOrEqual(0)
  const end = page.indexOf('\n## ', start + 1)
  const rows = page.slice(start, end === -1 ? undefined : end).split('\n')
  const out = new Map<string, string>()
  for (const row of rows) {
    const m = /^\| `([\w.]+)` \| (.+) \|$/.exec(row)
    if (m) out.set(m[1]!, m[2]!.trim())
  }
  return out
}

const namespaces: Record<Where, Record<string, unknown>> = {
  top: descent as unknown as Record<string, unknown>,
  contrib: descent.contrib as unknown as Record<string, unknown>,
  losses: descent.losses as unknown as Record<string, unknown>,
  projections: descent.projections as unknown as Record<string, unknown>,
  tree: descent.tree as unknown as Record<string, unknown>,
  'experimental.aggregating': descent.experimental.aggregating as unknown as Record<string, unknown>,
}

const qualified = (where: Where, name: string) => (where === 'top' ? name : `${where}.${name}`)

describe('optax coverage (issue 11: every missing optax name exists or is documented as not in descent)', () => {
  const cases = Object.entries(MISSING).flatMap(([module, [where, names]]) =>
    names.map((name) => [module, where, name] as const),
  )

  it.each(cases)('%s: %s.%s is exported, or documented with a reason', (_, where, name) => {
    const value = namespaces[where][name]
    if (value !== undefined) {
      expect(typeof value === 'function' || typeof value === 'object', qualified(where, name)).toBe(true)
      return
    }
    const reason = notInDescent().get(qualified(where, name))
    expect(reason, `${qualified(where, name)} is neither exported nor in "## optax names not in descent"`).toBeDefined()
    expect(reason!.length, `${qualified(where, name)} needs a reason`).toBeGreaterThan(20)
  })

  it('documents no name that is in fact exported (the list stays true)', () => {
    for (const name of notInDescent().keys()) {
      const dot = name.lastIndexOf('.')
      const [ns, leaf] = dot > 0 ? [name.slice(0, dot) as Where, name.slice(dot + 1)] : (['top', name] as const)
      expect(namespaces[ns]?.[leaf], `${name} is exported: remove it from "optax names not in descent"`).toBeUndefined()
    }
  })

  it('counts the names of optax-missing.md (114 missing at 2edbcbe)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(114)
    expect(typeOnlyNamesCompile).toBeUndefined()
  })

  it('the equivalents the list counts as present exist: global_norm ≈ tree.norm, with_extra_args_support ≈ withExtraArgs', () => {
    expect(typeof descent.tree.norm).toBe('function')
    expect(typeof descent.withExtraArgs).toBe('function')
    expect(typeof descent.reduceOnPlateau).toBe('function')
  })
})
