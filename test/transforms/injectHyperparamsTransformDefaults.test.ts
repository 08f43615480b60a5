import { describe, expect, it } from 'vitest'
import { type GradientTransformation, injectHyperparams, prngKey, tensor } from '../../src/index'
import * as transforms from '../../src/transforms/index'

// Every transform factory injects optax's numeric defaults (transform.py, _adding.py, _clipping.py, ... at 2edbcbe,
// camelCased): optax's inject_hyperparams binds them with apply_defaults(). Left out: min_dim_size_to_factor (it
// fixes the state's shape; optax users pass it in static_args).
const OPTAX_TRANSFORM_DEFAULTS: Record<string, Record<string, number>> = {
  addDecayedWeights: { weightDecay: 0 },
  applyEvery: { k: 1 },
  reduceOnPlateau: { factor: 0.1, patience: 10, rtol: 1e-4, atol: 0, cooldown: 0, accumulationSize: 1, minScale: 0 },
  scaleByAdam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  scaleByAmsgrad: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  scaleByRms: { decay: 0.9, eps: 1e-8, initialScale: 0 },
  scaleByStddev: { decay: 0.9, eps: 1e-8, initialScale: 0 },
  scaleByRss: { initialAccumulatorValue: 0.1, eps: 1e-7 },
  scaleByFactoredRms: { decayRate: 0.8, stepOffset: 0, epsilon: 1e-30 },
  scaleByParamBlockRms: { minScale: 1e-3 },
  scaleByParamBlockNorm: { minScale: 1e-3 },
  scaleByTrustRatio: { minNorm: 0, trustCoefficient: 1, eps: 0 },
  adaptiveGradClip: { eps: 1e-3 },
  normalizeByUpdateNorm: { scaleFactor: 1, eps: 1e-6 },
  scaleBySm3: { b1: 0.9, b2: 1, eps: 1e-8 },
  scaleByAdamax: { b1: 0.9, b2: 0.999, eps: 1e-8 },
  scaleByRadam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, threshold: 5 },
  scaleByBelief: { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16 },
  scaleByYogi: { b1: 0.9, b2: 0.999, eps: 1e-3, epsRoot: 0, initialAccumulatorValue: 1e-6 },
  scaleByLion: { b1: 0.9, b2: 0.99, smoothBeta: 1 },
  scaleByNovograd: { b1: 0.9, b2: 0.25, eps: 1e-8, epsRoot: 0, weightDecay: 0 },
  scaleByAdadelta: { rho: 0.9, eps: 1e-6 },
  scaleByRprop: { etaMinus: 0.5, etaPlus: 1.2, minStepSize: 1e-6, maxStepSize: 50 },
  scaleByOptimisticGradient: { alpha: 1, beta: 1 },
  scaleByAdan: { b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, epsRoot: 0 },
  scaleByDistanceOverGradients: { repsRel: 1e-6, eps: 1e-8, globalScale: 1 },
  scaleByPolyak: { fMin: 0, maxLearningRate: 1, eps: 0 },
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (...args: any[]) => GradientTransformation<any>
const T = transforms as unknown as Record<string, Factory>
/** The required positional arguments (optax's first parameter without a default). */
const ARGS: Record<string, unknown[]> = { adaptiveGradClip: [0.01], scaleByRprop: [0.1] }
const p0 = {
  w: tensor([0.5, -1, 2], 'float64'),
  m: tensor(
    [
      [1, 2],
      [3, 4],
    ],
    'float64',
  ),
}

describe('injectHyperparams on the transforms: optax numeric defaults', () => {
  it.each(Object.entries(OPTAX_TRANSFORM_DEFAULTS))('%s', (name, expected) => {
    const h = injectHyperparams(T[name]!)(...((ARGS[name] ?? []) as never[])).init(p0).hyperparams
    const { learningRate: _lr, clipping: _clip, ...rest } = h as Record<string, number>
    expect(rest).toEqual(expected)
  })
  it('a positional number gets its optax name, not learningRate', () => {
    const names: [string, unknown[], Record<string, number>][] = [
      ['trace', [0.9], { decay: 0.9 }],
      ['ema', [0.5], { decay: 0.5 }],
      ['clip', [2], { maxDelta: 2 }],
      ['clipByGlobalNorm', [1], { maxNorm: 1 }],
      ['clipByBlockRms', [1], { threshold: 1 }],
      ['scale', [-1], { stepSize: -1 }],
      ['applyEvery', [3], { k: 3 }],
      ['addNoise', [0.01, 0.55, { key: prngKey(0) }], { eta: 0.01, gamma: 0.55 }],
      ['adaptiveGradClip', [0.01], { clipping: 0.01, eps: 1e-3 }],
      ['addDecayedWeights', [0.1], { weightDecay: 0.1 }],
      ['scaleByRprop', [0.1], { learningRate: 0.1, etaMinus: 0.5, etaPlus: 1.2, minStepSize: 1e-6, maxStepSize: 50 }],
    ]
    for (const [name, args, expected] of names) {
      expect(injectHyperparams(T[name]!)(...(args as never[])).init(p0).hyperparams, name).toEqual(expected)
    }
  })
  it("applyEvery() injects optax's k = 1; k set in the state acts as applyEvery(k)", () => {
    const tx = injectHyperparams(transforms.applyEvery)()
    let s = tx.init([0])
    expect(s.hyperparams).toEqual({ k: 1 })
    s = { ...s, hyperparams: { k: 2 } }
    const out: number[] = []
    for (const g of [1, 2, 3, 4]) {
      const [u, next] = tx.update([g], s)
      out.push(u[0]!)
      s = next
    }
    expect(out).toEqual([0, 3, 0, 7]) // every second step, the sum of the two gradients
  })
})
