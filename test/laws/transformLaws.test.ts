import { describe, expect, it } from 'vitest'
import {
  type LabelTree,
  type MaskTree,
  type PyTree,
  adabelief,
  adadelta,
  adagrad,
  adam,
  adamax,
  adamaxw,
  adamw,
  addDecayedWeights,
  amsgrad,
  lion,
  chain,
  clip,
  clipByGlobalNorm,
  cosineDecaySchedule,
  ema,
  identity,
  masked,
  applyEvery,
  applyIfFinite,
  conditionallyMask,
  conditionallyTransform,
  freeze,
  injectHyperparams,
  multiSteps,
  multiTransform,
  selectiveTransform,
  withExtraArgs,
  nadam,
  nadamw,
  novograd,
  optimisticGradientDescent,
  radam,
  rmsprop,
  rprop,
  scale,
  scaleByAdadelta,
  scaleByAdam,
  scaleByAdamax,
  scaleByAmsgrad,
  scaleByBelief,
  scaleByLearningRate,
  scaleByLion,
  scaleByNovograd,
  scaleByOptimisticGradient,
  scaleByRadam,
  scaleByRms,
  scaleByRprop,
  scaleByRss,
  scaleBySchedule,
  scaleBySign,
  scaleByPolyak,
  polyakSgd,
  scaleByStddev,
  scaleByYogi,
  setToZero,
  sgd,
  signSgd,
  signum,
  stateless,
  trace,
  tree,
  yogi,
  adafactor,
  adaptiveGradClip,
  addNoise,
  centralize,
  clipByBlockRms,
  fromage,
  keepParamsNonnegative,
  lamb,
  lbfgs,
  scaleByLbfgs,
  lars,
  monitor,
  noisySgd,
  normalizeByUpdateNorm,
  scaleByFactoredRms,
  scaleByParamBlockNorm,
  scaleByParamBlockRms,
  scaleBySm3,
  scaleByTrustRatio,
  sm3,
  snapshot,
  zeroNans,
} from '../../src/index'
import {
  type LawCase,
  describeTransformLaws,
  fields,
  lawMask,
  lawMaskFn,
  lawParams,
  maskedLike,
  part,
} from '../_helpers/lawSuite'

type Moments = NonNullable<LawCase['moments']>
const none: Moments = () => []
/** The moments of a masked inner state, compared with the params the inner transform sees. */
const maskedFields =
  (mask: MaskTree | ((p: PyTree) => MaskTree), ...names: readonly string[]): Moments =>
  (state, params) => {
    const inner = (state as { readonly innerState: Record<string, PyTree> }).innerState
    const like = maskedLike(params, typeof mask === 'function' ? mask(params) : mask)
    return names.map((n) => [`innerState.${n}`, inner[n] as PyTree, like] as const)
  }

const decaying = (count: number) => 0.1 / (1 + count)
/** A label tree ('a' where the mask is true, 's' elsewhere) for the multiTransform rows. */
const labelsOf = (m: MaskTree): LabelTree =>
  typeof m === 'boolean'
    ? m
      ? 'a'
      : 's'
    : m === null
      ? null
      : Array.isArray(m)
        ? m.map(labelsOf)
        : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, labelsOf(v as MaskTree)]))
const cosine = cosineDecaySchedule({ initValue: 0.1, decaySteps: 3 }) // runs past its end within 5 steps
const stateless0: LawCase = { name: 'identity()', make: identity, moments: none }
/** The loss value transforms with Polyak steps need: value = ½‖θ‖² + 1 (a function of the params only). */
const withValue = (params: PyTree) => ({ value: 1 + 0.5 * tree.vdot(params, params) })

export const CASES: readonly LawCase[] = [
  // core
  stateless0,
  { name: 'setToZero()', make: setToZero, moments: none },
  { name: 'stateless(g ↦ 2g)', make: () => stateless((g) => tree.scale(2, g)), moments: none },
  // scaling
  { name: 'scale(-0.1)', make: () => scale(-0.1), moments: none },
  { name: 'scale({ stepSize: 3 })', make: () => scale({ stepSize: 3 }), moments: none },
  { name: 'scaleByLearningRate(0.1)', make: () => scaleByLearningRate(0.1), moments: none },
  {
    name: 'scaleByLearningRate(0.1, { flipSign: false })',
    make: () => scaleByLearningRate(0.1, { flipSign: false }),
    moments: none,
  },
  { name: 'scaleByLearningRate(c ↦ 0.1/(1+c))', make: () => scaleByLearningRate(decaying), moments: none },
  { name: 'scaleByLearningRate(cosineDecaySchedule)', make: () => scaleByLearningRate(cosine), moments: none },
  { name: 'scaleBySchedule(c ↦ 0.1/(1+c))', make: () => scaleBySchedule(decaying), moments: none },
  { name: 'scaleBySchedule({ stepSizeFn })', make: () => scaleBySchedule({ stepSizeFn: cosine }), moments: none },
  // clipping
  { name: 'clip(0.5)', make: () => clip(0.5), moments: none },
  { name: 'clipByGlobalNorm(1) (clips)', make: () => clipByGlobalNorm(1), moments: none },
  {
    name: 'clipByGlobalNorm({ maxNorm: 1e6 }) (passes)',
    make: () => clipByGlobalNorm({ maxNorm: 1e6 }),
    moments: none,
  },
  // accumulation
  { name: 'trace(0.9)', make: () => trace(0.9), moments: fields('trace') },
  { name: 'trace(0.9, { nesterov: true })', make: () => trace(0.9, { nesterov: true }), moments: fields('trace') },
  { name: 'trace({ decay: 0 })', make: () => trace({ decay: 0 }), moments: fields('trace') },
  { name: 'ema(0.9)', make: () => ema(0.9), moments: fields('ema') },
  { name: 'ema(0.9, { debias: false })', make: () => ema(0.9, { debias: false }), moments: fields('ema') },
  // weight decay and masking
  {
    name: 'addDecayedWeights({ weightDecay: 0.01 })',
    make: () => addDecayedWeights({ weightDecay: 0.01 }),
    moments: none,
  },
  { name: 'addDecayedWeights(0)', make: () => addDecayedWeights(0), moments: none },
  { name: 'addDecayedWeights(schedule)', make: () => addDecayedWeights(decaying), moments: none },
  {
    name: 'addDecayedWeights({ weightDecay, mask: prefix tree })',
    fixedStructure: true,
    make: () => addDecayedWeights({ weightDecay: 0.01, mask: lawMask() }),
    moments: none,
  },
  {
    name: 'addDecayedWeights({ weightDecay: schedule, mask: fn })',
    make: () => addDecayedWeights({ weightDecay: decaying, mask: lawMaskFn }),
    moments: none,
  },
  {
    name: 'masked(scaleByAdam(), prefix tree)',
    fixedStructure: true,
    make: () => masked(scaleByAdam(), lawMask()),
    moments: maskedFields(lawMask(), 'mu', 'nu'),
  },
  {
    name: 'masked(trace(0.9), fn)',
    make: () => masked(trace(0.9), lawMaskFn),
    moments: maskedFields(lawMaskFn, 'trace'),
  },
  {
    name: 'masked(setToZero(), prefix tree)',
    fixedStructure: true,
    make: () => masked(setToZero(), lawMask()),
    moments: none,
  },
  {
    name: 'masked(masked(scaleByAdam(), fn), prefix tree)',
    fixedStructure: true,
    make: () => masked(masked(scaleByAdam(), lawMaskFn), lawMask()),
    moments: (state, params) => {
      const inner = (state as { innerState: { innerState: Record<string, PyTree> } }).innerState.innerState
      const like = maskedLike(maskedLike(params, lawMask()), lawMaskFn(params))
      return [
        ['mu', inner.mu as PyTree, like],
        ['nu', inner.nu as PyTree, like],
      ]
    },
  },
  // wrappers
  {
    name: 'applyIfFinite(adam(1e-3), 2)',
    make: () => applyIfFinite(adam(1e-3), 2),
    moments: (st, p) => fields('mu', 'nu')((st as { innerState: readonly unknown[] }).innerState[0], p),
  },
  { name: 'applyEvery(2)', make: () => applyEvery(2), moments: fields('gradAcc') },
  {
    name: 'conditionallyTransform(trace(0.9), even)',
    make: () => conditionallyTransform(trace(0.9), (step) => step % 2 === 0),
    moments: (st, p) => fields('trace')((st as { innerState: unknown }).innerState, p),
  },
  { name: 'conditionallyMask(scaleByAdam(), step ≥ 1)', make: () => conditionallyMask(scaleByAdam(), (t) => t >= 1) },
  { name: 'freeze(prefix tree)', fixedStructure: true, make: () => freeze(lawMask()), moments: none },
  {
    name: 'multiSteps(adam(1e-3), 2)',
    make: () => multiSteps(adam(1e-3), 2),
    moments: (st, p) => [['accGrads', (st as { accGrads: PyTree }).accGrads, p] as const],
  },
  {
    name: 'multiTransform({ a: adam, s: sgd }, mask-derived labels)',
    fixedStructure: true,
    make: () => multiTransform({ a: adam(1e-3), s: sgd(0.1, { momentum: 0.9 }) }, labelsOf(lawMask())),
  },
  {
    name: 'selectiveTransform(adam(1e-3), { freezeMask: prefix tree })',
    fixedStructure: true,
    make: () => selectiveTransform(adam(1e-3), { freezeMask: lawMask() }),
  },
  {
    name: 'injectHyperparams(adam)(schedule, { b1: 0.8 })',
    make: () => injectHyperparams(adam)(decaying, { b1: 0.8 }),
    moments: (st, p) => part(0, fields('mu', 'nu'))((st as { innerState: unknown }).innerState, p),
  },
  { name: 'withExtraArgs(trace(0.9))', make: () => withExtraArgs(trace(0.9)), moments: fields('trace') },
  // adaptive
  { name: 'scaleByAdam()', make: () => scaleByAdam(), moments: fields('mu', 'nu') },
  { name: 'scaleByAdam({ nesterov: true })', make: () => scaleByAdam({ nesterov: true }), moments: fields('mu', 'nu') },
  {
    name: 'scaleByAdam({ b1: 0, eps: 0, epsRoot: 1e-8 })',
    make: () => scaleByAdam({ b1: 0, eps: 0, epsRoot: 1e-8 }),
    moments: fields('mu', 'nu'),
  },
  { name: 'scaleByAmsgrad()', make: () => scaleByAmsgrad(), moments: fields('mu', 'nu', 'nuMax') },
  {
    name: 'scaleByAmsgrad({ biasCorrectionMu: false, biasCorrectionNu: false })',
    make: () => scaleByAmsgrad({ biasCorrectionMu: false, biasCorrectionNu: false }),
    moments: fields('mu', 'nu', 'nuMax'),
  },
  { name: 'scaleByRms()', make: () => scaleByRms(), moments: fields('nu') },
  {
    name: 'scaleByRms({ biasCorrection: true, epsInSqrt: false })',
    make: () => scaleByRms({ biasCorrection: true, epsInSqrt: false }),
    moments: fields('nu'),
  },
  {
    name: 'scaleByRms({ initialScale: 1, decay: 0.5 })',
    make: () => scaleByRms({ initialScale: 1, decay: 0.5 }),
    moments: fields('nu'),
  },
  { name: 'scaleByStddev()', make: () => scaleByStddev(), moments: fields('mu', 'nu') },
  {
    name: 'scaleByStddev({ biasCorrection: true, epsInSqrt: false })',
    make: () => scaleByStddev({ biasCorrection: true, epsInSqrt: false }),
    moments: fields('mu', 'nu'),
  },
  { name: 'scaleByRss()', make: () => scaleByRss(), moments: fields('sumOfSquares') },
  {
    name: 'scaleByRss({ initialAccumulatorValue: 0 })',
    make: () => scaleByRss({ initialAccumulatorValue: 0 }),
    moments: fields('sumOfSquares'),
  },
  // Adafactor / SM3 / trust-ratio family, noise, constraints, monitoring
  { name: 'scaleByFactoredRms() (unfactored)', make: () => scaleByFactoredRms(), moments: fields('v') },
  {
    name: 'scaleByFactoredRms({ minDimSizeToFactor: 2 }) (factored)',
    make: () => scaleByFactoredRms({ minDimSizeToFactor: 2 }),
    moments: none,
  },
  { name: 'clipByBlockRms(0.5)', make: () => clipByBlockRms(0.5), moments: none },
  { name: 'scaleByParamBlockRms()', make: () => scaleByParamBlockRms(), moments: none },
  {
    name: 'scaleByParamBlockNorm({ minScale: 0.1 })',
    make: () => scaleByParamBlockNorm({ minScale: 0.1 }),
    moments: none,
  },
  { name: 'scaleByTrustRatio()', make: () => scaleByTrustRatio(), moments: none },
  {
    name: 'scaleByTrustRatio({ minNorm, trustCoefficient, eps })',
    make: () => scaleByTrustRatio({ minNorm: 1e-3, trustCoefficient: 0.01, eps: 1e-8 }),
    moments: none,
  },
  { name: 'addNoise(0.01, 0.55, { key: 3 })', make: () => addNoise(0.01, 0.55, { key: 3 }), moments: none },
  { name: 'centralize()', make: centralize, moments: none },
  { name: 'keepParamsNonnegative()', make: keepParamsNonnegative, moments: none },
  { name: 'zeroNans()', make: zeroNans, moments: none },
  { name: 'adaptiveGradClip(0.01)', make: () => adaptiveGradClip(0.01), moments: none },
  {
    name: 'adaptiveGradClip({ clipping: 0.1, eps: 1e-2 })',
    make: () => adaptiveGradClip({ clipping: 0.1, eps: 1e-2 }),
    moments: none,
  },
  {
    name: 'normalizeByUpdateNorm({ scaleFactor: -0.1 })',
    make: () => normalizeByUpdateNorm({ scaleFactor: -0.1 }),
    moments: none,
  },
  { name: 'snapshot(norm)', make: () => snapshot('norm', (u) => tree.norm(u)), initUsesParams: true, moments: none },
  {
    name: 'monitor({ norm, ema })',
    make: () => monitor({ norm: (u) => tree.norm(u), avg: ema(0.9) }),
    initUsesParams: true,
    moments: (s, p) => [
      ['measureStates.avg.ema', (s as { measureStates: { avg: { ema: PyTree } } }).measureStates.avg.ema, p],
    ],
  },
  { name: 'scaleBySm3()', make: () => scaleBySm3(), moments: fields('nu') },
  { name: 'scaleBySm3({ b1: 0, b2: 0.9 })', make: () => scaleBySm3({ b1: 0, b2: 0.9 }), moments: fields('nu') },
  // optimizers
  { name: 'sgd(0.1)', make: () => sgd(0.1), moments: none },
  {
    name: 'sgd(0.1, { momentum: 0.9, nesterov: true })',
    make: () => sgd(0.1, { momentum: 0.9, nesterov: true }),
    moments: part(0, fields('trace')),
  },
  {
    name: 'sgd(schedule, { momentum: 0.5 })',
    make: () => sgd(cosine, { momentum: 0.5 }),
    moments: part(0, fields('trace')),
  },
  { name: 'adam(1e-3)', make: () => adam(1e-3), moments: part(0, fields('mu', 'nu')) },
  { name: 'nadam(schedule)', make: () => nadam(decaying), moments: part(0, fields('mu', 'nu')) },
  {
    name: 'adamw(1e-3, { weightDecay: 0.01 })',
    make: () => adamw(1e-3, { weightDecay: 0.01 }),
    moments: part(0, fields('mu', 'nu')),
  },
  {
    name: 'adamw(1e-3, { mask: prefix tree })',
    fixedStructure: true,
    make: () => adamw(1e-3, { mask: lawMask() }),
    moments: part(0, fields('mu', 'nu')),
  },
  {
    name: 'nadamw(1e-3, { mask: fn })',
    make: () => nadamw(1e-3, { mask: lawMaskFn }),
    moments: part(0, fields('mu', 'nu')),
  },
  { name: 'amsgrad(1e-3)', make: () => amsgrad(1e-3), moments: part(0, fields('mu', 'nu', 'nuMax')) },
  { name: 'rmsprop(1e-3)', make: () => rmsprop(1e-3), moments: part(0, fields('nu')) },
  {
    name: 'rmsprop(1e-3, { centered: true, momentum: 0.9, nesterov: true })',
    make: () => rmsprop(1e-3, { centered: true, momentum: 0.9, nesterov: true }),
    moments: (s, p) => [...part(0, fields('mu', 'nu'))(s, p), ...part(2, fields('trace'))(s, p)],
  },
  { name: 'adagrad(0.1)', make: () => adagrad(0.1), moments: part(0, fields('sumOfSquares')) },
  // issue 5: adaptive and sign transforms and their optimizers
  { name: 'scaleByAdamax()', make: () => scaleByAdamax(), moments: fields('mu', 'nu') },
  {
    name: 'scaleByAdamax({ b2: 1, eps: 0.1 })',
    make: () => scaleByAdamax({ b2: 1, eps: 0.1 }),
    moments: fields('mu', 'nu'),
  },
  { name: 'scaleByRadam()', make: () => scaleByRadam(), steps: 7, moments: fields('mu', 'nu') },
  {
    name: 'scaleByRadam({ b2: 0.9, threshold: 4, nesterov: true })',
    make: () => scaleByRadam({ b2: 0.9, threshold: 4, nesterov: true }),
    steps: 7,
    moments: fields('mu', 'nu'),
  },
  { name: 'scaleByBelief()', make: () => scaleByBelief(), moments: fields('mu', 'nu') },
  {
    name: 'scaleByBelief({ nesterov: true })',
    make: () => scaleByBelief({ nesterov: true }),
    moments: fields('mu', 'nu'),
  },
  { name: 'scaleByYogi()', make: () => scaleByYogi(), moments: fields('mu', 'nu') },
  { name: 'scaleByLion()', make: () => scaleByLion(), moments: fields('mu') },
  { name: "scaleByLion({ mode: 'smooth' })", make: () => scaleByLion({ mode: 'smooth' }), moments: fields('mu') },
  { name: "scaleByLion({ mode: 'refined' })", make: () => scaleByLion({ mode: 'refined' }), moments: fields('mu') },
  { name: 'scaleByNovograd()', make: () => scaleByNovograd(), moments: fields('mu') },
  {
    name: 'scaleByNovograd({ weightDecay: 0.01 })',
    make: () => scaleByNovograd({ weightDecay: 0.01 }),
    moments: fields('mu'),
  },
  { name: 'scaleByAdadelta()', make: () => scaleByAdadelta(), moments: fields('eG', 'eX') },
  { name: 'scaleBySign()', make: scaleBySign, moments: none },
  { name: 'scaleByRprop(0.1)', make: () => scaleByRprop(0.1), moments: fields('stepSizes', 'prevUpdates') },
  {
    name: 'scaleByOptimisticGradient()',
    make: () => scaleByOptimisticGradient(),
    moments: fields('previousGradient'),
  },
  { name: 'scaleByPolyak() (value passed)', make: () => scaleByPolyak(), extraArgs: withValue, moments: none },
  {
    name: "scaleByPolyak({ variant: 'sps+', fMin: 2, eps: 1e-6 }) (value passed)",
    make: () => scaleByPolyak({ variant: 'sps+', fMin: 2, eps: 1e-6 }),
    extraArgs: withValue,
    moments: none,
  },
  { name: 'adamax(1e-3)', make: () => adamax(1e-3), moments: part(0, fields('mu', 'nu')) },
  { name: 'adamaxw(schedule)', make: () => adamaxw(decaying), moments: part(0, fields('mu', 'nu')) },
  { name: 'radam(1e-3)', make: () => radam(1e-3), moments: part(0, fields('mu', 'nu')) },
  { name: 'scaleByLbfgs()', make: () => scaleByLbfgs(), moments: fields('params', 'updates') },
  {
    name: 'scaleByLbfgs({ memorySize: 2, scaleInitPrecond: false }) (wraps around)',
    make: () => scaleByLbfgs({ memorySize: 2, scaleInitPrecond: false }),
    moments: fields('params', 'updates'),
  },
  {
    name: 'lbfgs(schedule, { linesearch: null })',
    make: () => lbfgs(decaying, { linesearch: null }),
    moments: part(0, fields('params', 'updates')),
  },
  {
    name: 'adabelief(1e-3, { weightDecay, weightDecayMask })',
    fixedStructure: true,
    make: () => adabelief(1e-3, { weightDecay: 1e-4, weightDecayMask: lawMask() }),
    moments: part(0, fields('mu', 'nu')),
  },
  { name: 'yogi(1e-3)', make: () => yogi(1e-3), moments: part(0, fields('mu', 'nu')) },
  { name: 'lion(schedule)', make: () => lion(decaying), moments: part(0, fields('mu')) },
  { name: 'novograd(1e-3)', make: () => novograd(1e-3), moments: part(0, fields('mu')) },
  { name: 'adadelta(1)', make: () => adadelta(1), moments: part(1, fields('eG', 'eX')) },
  { name: 'adadelta()', make: () => adadelta(), moments: part(1, fields('eG', 'eX')) },
  { name: 'signSgd(1e-3)', make: () => signSgd(1e-3), moments: none },
  { name: 'signum(cosine)', make: () => signum(cosine), moments: part(0, fields('ema')) },
  { name: 'rprop(1e-3)', make: () => rprop(1e-3), moments: part(0, fields('stepSizes', 'prevUpdates')) },
  {
    name: 'optimisticGradientDescent(1e-3)',
    make: () => optimisticGradientDescent(1e-3),
    moments: part(0, fields('previousGradient')),
  },
  {
    name: 'polyakSgd(schedule) (value passed)',
    make: () => polyakSgd({ scaling: decaying }),
    extraArgs: withValue,
    moments: none,
  },
  {
    name: 'lamb(1e-3, { weightDecay: 0.01 })',
    make: () => lamb(1e-3, { weightDecay: 0.01 }),
    moments: part(0, fields('mu', 'nu')),
  },
  {
    name: 'lars(0.1, { weightDecay, masks })',
    fixedStructure: true,
    make: () => lars(0.1, { weightDecay: 1e-4, weightDecayMask: lawMask(), trustRatioMask: lawMaskFn }),
    moments: part(3, fields('trace')),
  },
  { name: 'fromage(schedule)', make: () => fromage(decaying), moments: none },
  { name: 'adafactor(1e-2)', make: () => adafactor(1e-2), moments: none },
  {
    name: 'adafactor(schedule, factored, momentum, weight decay)',
    make: () => adafactor(decaying, { minDimSizeToFactor: 2, momentum: 0.9, weightDecayRate: 1e-3 }),
    moments: none,
  },
  { name: 'noisySgd(1e-2, { key: 5 })', make: () => noisySgd(1e-2, { key: 5 }), moments: none },
  { name: 'sm3(0.1)', make: () => sm3(0.1), moments: part(0, fields('nu')) },
  // a long chain of everything (the chain laws then nest chains three deep)
  {
    name: 'chain(clipByGlobalNorm, addDecayedWeights(mask), scaleByAdam, trace, scaleByLearningRate(schedule))',
    fixedStructure: true,
    make: () =>
      chain(
        clipByGlobalNorm(1),
        addDecayedWeights({ weightDecay: 1e-4, mask: lawMask() }),
        scaleByAdam(),
        trace(0.5),
        scaleByLearningRate(cosine),
      ),
    moments: (s, p) => [...part(2, fields('mu', 'nu'))(s, p), ...part(3, fields('trace'))(s, p)],
  },
]

describeTransformLaws(CASES)

describe('law suite helpers', () => {
  it('lawParams has a null subtree, a float64 leaf, a 0-d tensor and a number leaf', () => {
    const p = lawParams() as Record<string, PyTree>
    expect(p.frozen).toBeNull()
    const leaves = tree.leaves(p)
    expect(leaves.some((l) => typeof l === 'number')).toBe(true)
    expect(leaves.some((l) => typeof l !== 'number' && l.dtype === 'float64')).toBe(true)
    expect(leaves.some((l) => typeof l !== 'number' && l.shape.length === 0)).toBe(true)
    expect(tree.leaves(lawParams({ numberLeaf: false })).some((l) => typeof l === 'number')).toBe(false)
    const mask = { a: [true, false], b: false, d: null }
    expect(maskedLike({ a: [1, 2], b: { c: 3 }, d: null }, mask)).toEqual({ a: [1, null], b: null, d: null })
  })

  it('every row is checked on random pytrees too, except the rows built for lawParams’ structure', () => {
    const fixed = CASES.filter((c) => c.fixedStructure).map((c) => c.name)
    for (const c of CASES) expect(c.fixedStructure === true, c.name).toBe(/\blawMask\b/.test(c.make.toString()))
    expect(fixed.length).toBeLessThan(CASES.length / 5)
  })
})
