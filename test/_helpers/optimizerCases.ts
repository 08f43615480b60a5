import {
  type DType,
  type ExtraArgs,
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adam,
  add,
  mul,
  ops,
  sub,
  applyUpdates,
  chain,
  ema,
  lookaheadParams,
  scale,
  sgd,
  tensor,
  tree,
} from '../../src/index'
import * as contrib from '../../src/contrib/index'
import * as optimizers from '../../src/optimizers/index'
import * as transforms from '../../src/transforms/index'

// Every optimizer alias and every transform export, each with a small problem it runs on: shared by the checkpoint,
// applyGradients and fit tests (a new alias or wrapper must be added here, or the type checker complains).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>

export interface ResumeCase {
  readonly label: string
  readonly make: () => AnyTransformation
  /** The params the optimizer works on (lookahead works on { fast, slow }). */
  readonly params?: (p: PyTree) => PyTree
  /** The gradient at step t (default: ∇f at the params). */
  readonly grad?: (params: PyTree, t: number) => PyTree
}

export const C = 0.3
/** f(θ) = Σ ¼(θ − c)⁴ + ½(θ − c)², a smooth non-quadratic loss; ∇f = (θ − c)³ + (θ − c). */
export const loss = (p: PyTree): number => tree.sum(tree.mapElementwise((x) => (x - C) ** 4 / 4 + (x - C) ** 2 / 2, p))
export const gradient = (p: PyTree): PyTree => tree.mapElementwise((x) => (x - C) ** 3 + (x - C), p)
/** The gradient with a NaN in `w` at steps 1 and 5 (for applyIfFinite, zeroNans, and NaN reaching a state). */
const nanAt = (p: PyTree, t: number): PyTree =>
  t === 1 || t === 5
    ? tree.mapWithPath((path, g) => (path[0] === 'w' ? tree.mapElementwise(() => NaN, g) : g), gradient(p))
    : gradient(p)

export const makeParams = (dtype: DType): PyTree => ({
  w: tensor(
    [
      [0.5, -1, 2],
      [3, -0.25, 0],
    ],
    dtype,
  ),
  b: tensor([1, -2, 0.125], dtype),
})

export interface Run {
  readonly params: PyTree
  readonly state: unknown
}

/** The gradient and the extra arguments of step t of a case (what a training loop would pass). */
export function stepInputs(c: ResumeCase, params: PyTree, t: number): readonly [PyTree, ExtraArgs] {
  const g = (c.grad ?? gradient)(params, t)
  return [g, { value: loss(params), grad: g, valueAndGradFn: (q: PyTree) => [loss(q), gradient(q)] as const }]
}

export function run(tx: AnyTransformation, c: ResumeCase, from: Run, t0: number, t1: number): Run {
  let { params, state } = from
  for (let t = t0; t < t1; t++) {
    const [g, extra] = stepInputs(c, params, t)
    const [u, next] = tx.update(g, state, params, extra)
    params = applyUpdates(params, u)
    state = next
  }
  return { params, state }
}

const schedule = (count: number): number => 0.05 / (1 + 0.5 * count)
const sgdLike = (t: AnyTransformation): AnyTransformation => chain(t, scale(-0.05))
const fastGrad = (p: PyTree): PyTree => gradient((p as { fast: PyTree }).fast)

/**
 * Every alias exported by src/optimizers, keyed by its export name: the mapped type makes the compiler demand a new
 * alias here, and the test below checks the keys against the module at run time too.
 */
export const ALIASES: { readonly [K in keyof typeof optimizers]: readonly ResumeCase[] } = {
  sgd: [
    { label: 'sgd(0.05)', make: () => optimizers.sgd(0.05) },
    {
      label: 'sgd momentum nesterov, schedule',
      make: () => optimizers.sgd(schedule, { momentum: 0.9, nesterov: true }),
    },
    {
      label: 'sgd momentum with NaN gradients (NaN in the state)',
      make: () => optimizers.sgd(0.05, { momentum: 0.9 }),
      grad: nanAt,
    },
  ],
  adam: [
    { label: 'adam(0.05)', make: () => optimizers.adam(0.05) },
    { label: 'adam(schedule)', make: () => optimizers.adam(schedule) },
  ],
  nadam: [{ label: 'nadam', make: () => optimizers.nadam(0.05) }],
  adamw: [{ label: 'adamw', make: () => optimizers.adamw(0.05, { weightDecay: 0.1 }) }],
  nadamw: [{ label: 'nadamw', make: () => optimizers.nadamw(0.05) }],
  amsgrad: [{ label: 'amsgrad', make: () => optimizers.amsgrad(0.05) }],
  rmsprop: [
    { label: 'rmsprop momentum centered', make: () => optimizers.rmsprop(0.01, { momentum: 0.9, centered: true }) },
  ],
  adagrad: [{ label: 'adagrad', make: () => optimizers.adagrad(0.1) }],
  lamb: [{ label: 'lamb', make: () => optimizers.lamb(0.01) }],
  lars: [{ label: 'lars', make: () => optimizers.lars(0.1) }],
  fromage: [{ label: 'fromage', make: () => optimizers.fromage(0.01) }],
  adafactor: [
    { label: 'adafactor(0.01)', make: () => optimizers.adafactor(0.01) },
    { label: 'adafactor()', make: () => optimizers.adafactor() },
  ],
  noisySgd: [
    { label: 'noisySgd (rng key in the state)', make: () => optimizers.noisySgd(0.01, { eta: 0.01, key: 7 }) },
  ],
  sm3: [{ label: 'sm3', make: () => optimizers.sm3(0.1) }],
  adamax: [{ label: 'adamax', make: () => optimizers.adamax(0.05) }],
  adamaxw: [{ label: 'adamaxw', make: () => optimizers.adamaxw(0.05) }],
  radam: [{ label: 'radam', make: () => optimizers.radam(0.05) }],
  adabelief: [{ label: 'adabelief', make: () => optimizers.adabelief(0.05) }],
  yogi: [{ label: 'yogi', make: () => optimizers.yogi(0.05) }],
  lion: [{ label: 'lion', make: () => optimizers.lion(0.01, { weightDecay: 1e-3 }) }],
  novograd: [{ label: 'novograd', make: () => optimizers.novograd(0.01) }],
  adadelta: [{ label: 'adadelta', make: () => optimizers.adadelta(0.5) }],
  signSgd: [{ label: 'signSgd', make: () => optimizers.signSgd(0.01) }],
  signum: [{ label: 'signum', make: () => optimizers.signum(0.01) }],
  rprop: [{ label: 'rprop', make: () => optimizers.rprop(0.01) }],
  lbfgs: [
    { label: 'lbfgs() with its zoom line search', make: () => optimizers.lbfgs() },
    { label: 'lbfgs without line search', make: () => optimizers.lbfgs(0.1, { linesearch: null, memorySize: 3 }) },
  ],
  adan: [{ label: 'adan with weight decay', make: () => optimizers.adan(0.01, { weightDecay: 0.01 }) }],
  optimisticAdam: [{ label: 'optimisticAdam', make: () => optimizers.optimisticAdam(0.01) }],
  optimisticAdamV2: [{ label: 'optimisticAdamV2(schedule)', make: () => optimizers.optimisticAdamV2(schedule) }],
  optimisticGradientDescent: [
    { label: 'optimisticGradientDescent', make: () => optimizers.optimisticGradientDescent(0.01) },
  ],
  polyakSgd: [{ label: 'polyakSgd (value from extra)', make: () => optimizers.polyakSgd({ scaling: 0.5 }) }],
}

const inner = () => adam(0.05)
const mask = { w: true, b: false }

/**
 * Every export of src/transforms, keyed by name: a case list, or why it is not a transform. A new wrapper or building
 * block cannot be forgotten.
 */
export const TRANSFORMS: { readonly [K in keyof typeof transforms]: readonly ResumeCase[] | string } = {
  scale: [{ label: 'scale', make: () => scale(-0.05) }],
  scaleBySchedule: [{ label: 'scaleBySchedule', make: () => transforms.scaleBySchedule((c) => -schedule(c)) }],
  scaleByLearningRate: [
    { label: 'scaleByLearningRate(schedule)', make: () => transforms.scaleByLearningRate(schedule) },
  ],
  clip: [{ label: 'clip', make: () => sgdLike(transforms.clip(0.5)) }],
  clipByGlobalNorm: [{ label: 'clipByGlobalNorm', make: () => sgdLike(transforms.clipByGlobalNorm(1)) }],
  trace: [{ label: 'trace', make: () => sgdLike(transforms.trace({ decay: 0.9, nesterov: true })) }],
  ema: [{ label: 'ema', make: () => sgdLike(ema(0.9)) }],
  addDecayedWeights: [
    {
      label: 'addDecayedWeights(schedule), masked',
      make: () => sgdLike(transforms.addDecayedWeights({ weightDecay: schedule, mask })),
    },
  ],
  addDecoupledWeightDecay: [
    { label: 'addDecoupledWeightDecay', make: () => sgdLike(transforms.addDecoupledWeightDecay(0.1)) },
  ],
  masked: [{ label: 'masked(adam)', make: () => transforms.masked(inner(), mask) }],
  applyIfFinite: [
    { label: 'applyIfFinite(adam) with NaN gradients', make: () => transforms.applyIfFinite(inner(), 3), grad: nanAt },
  ],
  applyEvery: [{ label: 'applyEvery(3)', make: () => sgdLike(transforms.applyEvery(3)) }],
  conditionallyTransform: [
    {
      label: 'conditionallyTransform(adam, even steps)',
      make: () => transforms.conditionallyTransform(inner(), (s) => s % 2 === 0),
    },
  ],
  conditionallyMask: [
    { label: 'conditionallyMask(adam, step ≥ 2)', make: () => transforms.conditionallyMask(inner(), (s) => s >= 2) },
  ],
  multiSteps: [
    { label: 'multiSteps(adam, 3)', make: () => transforms.multiSteps(inner(), 3) },
    {
      label: 'multiSteps(adam, 2) skipping non-finite and large mini-batches',
      make: () =>
        transforms.multiSteps(inner(), {
          everyKSchedule: 2,
          shouldSkipUpdateFn: (u, s, p) =>
            transforms.skipNotFinite(u, s, p)[0]
              ? transforms.skipNotFinite(u, s, p)
              : transforms.skipLargeUpdates(u, s, p, 1e6),
        }),
      grad: nanAt,
    },
  ],
  multiStepsHasUpdated: 'a predicate on a MultiStepsState, not a transform',
  multiTransform: [
    {
      label: 'multiTransform({ a: adam, b: sgd momentum })',
      make: () => transforms.multiTransform({ a: inner(), b: sgd(0.05, { momentum: 0.9 }) }, { w: 'a', b: 'b' }),
    },
  ],
  partition: [
    {
      label: 'partition',
      make: () => transforms.partition({ a: inner(), b: optimizers.lion(0.01) }, { w: 'b', b: 'a' }),
    },
  ],
  freeze: [{ label: 'chain(freeze, adam)', make: () => chain(transforms.freeze(mask), inner()) }],
  selectiveTransform: [
    { label: 'selectiveTransform(adam)', make: () => transforms.selectiveTransform(inner(), { freezeMask: mask }) },
  ],
  lookahead: [
    {
      label: 'lookahead(adam, sync every 3)',
      make: () => transforms.lookahead(inner(), { syncPeriod: 3, slowStepSize: 0.5 }),
      params: (p) => lookaheadParams(p),
      grad: fastGrad,
    },
  ],
  lookaheadParams: 'builds lookahead params (used by the lookahead case), not a transform',
  withExtraArgs: [{ label: 'withExtraArgs(adam)', make: () => transforms.withExtraArgs(inner()) }],
  strictPurity: [{ label: 'strictPurity(adam)', make: () => transforms.strictPurity(inner()) }],
  hyperparameterDiagnoses: 'reads the warnings attached to a transform, not a transform',
  currentLearningRate: 'reads the learning rate from an optimizer and its state, not a transform',
  injectStatefulHyperparams: [
    { label: 'injectStatefulHyperparams(adam)(0.05)', make: () => transforms.injectStatefulHyperparams(adam)(0.05) },
    {
      label: 'injectStatefulHyperparams(adam)(stateful lr ×0.9 per step)',
      make: () =>
        transforms.injectStatefulHyperparams(adam)({
          init: () => 0.05,
          update: (lr: number) => 0.9 * lr,
          value: (lr: number) => lr,
        }),
    },
  ],
  injectHyperparams: [
    { label: 'injectHyperparams(adam)(0.05)', make: () => transforms.injectHyperparams(adam)(0.05, { b1: 0.8 }) },
    { label: 'injectHyperparams(adam)(schedule)', make: () => transforms.injectHyperparams(adam)(schedule) },
  ],
  reduceOnPlateau: [
    {
      label: 'chain(adam, reduceOnPlateau) (Infinity best value at init)',
      make: () => chain(inner(), transforms.reduceOnPlateau({ patience: 0, factor: 0.5, rtol: 0.5 })),
    },
  ],
  scaleByLbfgs: [{ label: 'scaleByLbfgs', make: () => sgdLike(transforms.scaleByLbfgs({ memorySize: 2 })) }],
  scaleByZoomLinesearch: [
    { label: 'chain(−g, scaleByZoomLinesearch)', make: () => chain(scale(-1), transforms.scaleByZoomLinesearch(10)) },
  ],
  scaleByBacktrackingLinesearch: [
    {
      label: 'chain(−g, scaleByBacktrackingLinesearch)',
      make: () => chain(scale(-1), transforms.scaleByBacktrackingLinesearch(10)),
    },
    {
      label: 'chain(−g, scaleByBacktrackingLinesearch storeGrad)',
      make: () =>
        chain(scale(-1), transforms.scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 10, storeGrad: true })),
    },
  ],
  valueAndGradFromState: 'a helper returning (params, state) => [value, grad], not a transform',
  scaleByAdam: [{ label: 'scaleByAdam', make: () => sgdLike(transforms.scaleByAdam()) }],
  scaleByAmsgrad: [{ label: 'scaleByAmsgrad', make: () => sgdLike(transforms.scaleByAmsgrad()) }],
  scaleByRms: [{ label: 'scaleByRms', make: () => sgdLike(transforms.scaleByRms()) }],
  scaleByStddev: [{ label: 'scaleByStddev', make: () => sgdLike(transforms.scaleByStddev()) }],
  scaleByRss: [{ label: 'scaleByRss', make: () => sgdLike(transforms.scaleByRss()) }],
  scaleByFactoredRms: [
    { label: 'scaleByFactoredRms', make: () => sgdLike(transforms.scaleByFactoredRms({ minDimSizeToFactor: 2 })) },
  ],
  clipByBlockRms: [{ label: 'clipByBlockRms', make: () => sgdLike(transforms.clipByBlockRms(1)) }],
  scaleByParamBlockRms: [{ label: 'scaleByParamBlockRms', make: () => sgdLike(transforms.scaleByParamBlockRms()) }],
  scaleByParamBlockNorm: [{ label: 'scaleByParamBlockNorm', make: () => sgdLike(transforms.scaleByParamBlockNorm()) }],
  scaleByTrustRatio: [{ label: 'scaleByTrustRatio', make: () => sgdLike(transforms.scaleByTrustRatio()) }],
  addNoise: [
    { label: 'addNoise (rng key in the state)', make: () => sgdLike(transforms.addNoise(0.01, 0.55, { key: 3 })) },
  ],
  centralize: [{ label: 'centralize', make: () => sgdLike(transforms.centralize()) }],
  keepParamsNonnegative: [
    { label: 'keepParamsNonnegative', make: () => chain(scale(-0.05), transforms.keepParamsNonnegative()) },
  ],
  zeroNans: [{ label: 'zeroNans with NaN gradients', make: () => sgdLike(transforms.zeroNans()), grad: nanAt }],
  adaptiveGradClip: [{ label: 'adaptiveGradClip', make: () => sgdLike(transforms.adaptiveGradClip(0.1)) }],
  unitwiseNorm: 'a leaf function (the norm adaptiveGradClip uses), not a transform',
  unitwiseClip: 'a leaf function (the clip adaptiveGradClip uses), not a transform',
  skipNotFinite: 'a shouldSkipUpdateFn for multiSteps, not a transform (run by the multiSteps case)',
  skipLargeUpdates: 'a shouldSkipUpdateFn for multiSteps, not a transform (run by the multiSteps case)',
  perExampleGlobalNormClip: 'a function of per-example gradients (batch axis first), not a transform',
  perExampleLayerNormClip: 'a function of per-example gradients (batch axis first), not a transform',
  flatten: [{ label: 'flatten(scaleByAdam)', make: () => sgdLike(transforms.flatten(transforms.scaleByAdam())) }],
  measureWithEma: [
    {
      label: 'monitor(measureWithEma)',
      make: () => sgdLike(transforms.monitor({ norm: transforms.measureWithEma((u) => tree.norm(u), 0.9) })),
    },
  ],
  normalizeByUpdateNorm: [{ label: 'normalizeByUpdateNorm', make: () => sgdLike(transforms.normalizeByUpdateNorm()) }],
  snapshot: [{ label: 'snapshot', make: () => sgdLike(transforms.snapshot('norm', (u) => tree.norm(u))) }],
  monitor: [
    {
      label: 'monitor (a function and an ema)',
      make: () => sgdLike(transforms.monitor({ norm: (u) => tree.norm(u), avg: ema(0.5) })),
    },
  ],
  scaleBySm3: [{ label: 'scaleBySm3', make: () => sgdLike(transforms.scaleBySm3()) }],
  scaleByAdamax: [{ label: 'scaleByAdamax', make: () => sgdLike(transforms.scaleByAdamax()) }],
  scaleByRadam: [{ label: 'scaleByRadam', make: () => sgdLike(transforms.scaleByRadam()) }],
  scaleByBelief: [{ label: 'scaleByBelief', make: () => sgdLike(transforms.scaleByBelief()) }],
  scaleByYogi: [{ label: 'scaleByYogi', make: () => sgdLike(transforms.scaleByYogi()) }],
  scaleByLion: [{ label: 'scaleByLion', make: () => sgdLike(transforms.scaleByLion()) }],
  scaleByNovograd: [{ label: 'scaleByNovograd', make: () => sgdLike(transforms.scaleByNovograd()) }],
  scaleByAdadelta: [{ label: 'scaleByAdadelta', make: () => sgdLike(transforms.scaleByAdadelta()) }],
  scaleByRprop: [{ label: 'scaleByRprop', make: () => chain(transforms.scaleByRprop(0.01), scale(-1)) }],
  scaleByOptimisticGradient: [
    { label: 'scaleByOptimisticGradient', make: () => sgdLike(transforms.scaleByOptimisticGradient()) },
  ],
  scaleByDistanceOverGradients: [
    {
      label: 'scaleByDistanceOverGradients',
      make: () => sgdLike(transforms.scaleByDistanceOverGradients({ repsRel: 1e-2 })),
    },
  ],
  scaleByAdan: [{ label: 'scaleByAdan', make: () => sgdLike(transforms.scaleByAdan()) }],
  scaleBySign: [{ label: 'scaleBySign', make: () => sgdLike(transforms.scaleBySign()) }],
  scaleByPolyak: [{ label: 'scaleByPolyak', make: () => chain(transforms.scaleByPolyak(), scale(-1)) }],
}

/** f of {@link loss} written with descent ops (for the transforms that differentiate the loss themselves). */
const opsLoss = (p: PyTree): Tensor =>
  tree
    .leaves(p)
    .map((l) => {
      const d = sub(l, C)
      const d2 = mul(d, d)
      return ops.sum(add(mul(0.25, mul(d2, d2)), mul(0.5, d2)))
    })
    .reduce((a, b) => add(a, b))
/** Two examples' gradients (∇f and ½∇f), stacked on a new leading axis, for the DP-SGD cases. */
const perExample = (p: PyTree): PyTree =>
  tree.map((g) => {
    const t = g as Tensor
    const data = new (t.data.constructor as Float32ArrayConstructor)(2 * t.size)
    data.set(t.data)
    data.set(
      t.data.map((x) => 0.5 * x),
      t.size,
    )
    return tensor(data, [2, ...t.shape], t.dtype)
  }, gradient(p))
/** `tx` with the loss passed as the extra argument objFn at every update (as a training loop using Sophia would). */
const withObjFn = (tx: AnyTransformation): AnyTransformation => ({
  init: tx.init,
  update: (u, s, p, extra) => tx.update(u, s, p, { ...extra, objFn: opsLoss }),
})

/**
 * Every export of src/contrib (the `contrib` namespace, optax.contrib), keyed by name: a case list, or why it is not a
 * transform.
 */
export const CONTRIB: { readonly [K in keyof typeof contrib]: readonly ResumeCase[] | string } = {
  scaleByMuon: [
    {
      label: 'masked(scaleByMuon) on the matrix w',
      make: () => transforms.masked(sgdLike(contrib.scaleByMuon()), mask),
    },
  ],
  muon: [
    { label: 'contrib.muon (w by Muon, b by AdamW)', make: () => contrib.muon(0.05, { weightDecay: 0.01 }) },
    {
      label: 'contrib.muon, aol, consistentRms, float64 mu',
      make: () => contrib.muon(0.05, { preconditioning: 'aol', consistentRms: 0.2, muDtype: 'float64' }),
    },
  ],
  muonDimensionNumbers: 'makes the dimension numbers of contrib.muon, not a transform',
  scaleByGalore: [
    {
      label: 'scaleByGalore rank 1, projector every 2 steps (w projected, b by Adam)',
      make: () => sgdLike(contrib.scaleByGalore({ rank: 1, updateProjGap: 2 })),
    },
  ],
  galore: [
    {
      label: 'contrib.galore rank 2, masked decay',
      make: () => contrib.galore(0.05, { rank: 2, updateProjGap: 3, weightDecay: 0.01, mask }),
    },
  ],
  scheduleFree: [{ label: 'contrib.scheduleFree(sgd)', make: () => contrib.scheduleFree(sgd(0.05), 0.05) }],
  scheduleFreeEvalParams: 'reads the evaluation params from a Schedule-Free state, not a transform',
  scheduleFreeSgd: [
    { label: 'contrib.scheduleFreeSgd, warmup', make: () => contrib.scheduleFreeSgd(0.05, { warmupSteps: 3 }) },
  ],
  scaleByAdopt: [{ label: 'scaleByAdopt', make: () => sgdLike(contrib.scaleByAdopt()) }],
  adopt: [{ label: 'contrib.adopt nesterov', make: () => contrib.adopt(0.05, { nesterov: true }) }],
  scaleByAdemamix: [{ label: 'scaleByAdemamix', make: () => sgdLike(contrib.scaleByAdemamix({ b3: schedule })) }],
  scaleBySimplifiedAdemamix: [
    { label: 'scaleBySimplifiedAdemamix', make: () => sgdLike(contrib.scaleBySimplifiedAdemamix({ alpha: 1 })) },
  ],
  ademamix: [{ label: 'contrib.ademamix', make: () => contrib.ademamix(0.05, { weightDecay: 0.01, mask }) }],
  simplifiedAdemamix: [{ label: 'contrib.simplifiedAdemamix', make: () => contrib.simplifiedAdemamix(0.01) }],
  scaleByProdigy: [{ label: 'scaleByProdigy', make: () => contrib.scaleByProdigy({ weightDecay: 0.01 }) }],
  prodigy: [{ label: 'contrib.prodigy(schedule)', make: () => contrib.prodigy((c) => 1 / (1 + c)) }],
  hutchinsonEstimatorDiagHessian: [
    {
      label: 'hutchinsonEstimatorDiagHessian (objFn from ops, key in the state)',
      make: () => withObjFn(sgdLike(contrib.hutchinsonEstimatorDiagHessian({ key: 3 }))),
    },
  ],
  scaleBySophia: [
    {
      label: 'scaleBySophia (Hutchinson, every 2 steps)',
      make: () => withObjFn(sgdLike(contrib.scaleBySophia({ updateInterval: 2 }))),
    },
  ],
  sophia: [{ label: 'contrib.sophia', make: () => withObjFn(contrib.sophia(0.05, { updateInterval: 3 })) }],
  normalize: [{ label: 'normalize', make: () => sgdLike(contrib.normalize()) }],
  sam: [
    {
      label: 'contrib.sam(adam, normalize + sgd)',
      make: () => contrib.sam(inner(), chain(contrib.normalize(), sgd(0.01))),
    },
  ],
  scaleByDadaptAdamw: [{ label: 'scaleByDadaptAdamw', make: () => contrib.scaleByDadaptAdamw({ weightDecay: 0.01 }) }],
  dadaptAdamw: [
    {
      label: 'contrib.dadaptAdamw, masked decay',
      make: () => contrib.dadaptAdamw(1, { weightDecay: 0.1, weightDecayMask: mask }),
    },
  ],
  scaleByDog: [{ label: 'scaleByDog', make: () => chain(contrib.scaleByDog(), scale(-1)) }],
  scaleByDowg: [{ label: 'scaleByDowg', make: () => chain(contrib.scaleByDowg(), scale(-1)) }],
  dog: [{ label: 'contrib.dog, lr init step', make: () => contrib.dog(1, { initStep: ['learningRate', 0.05] }) }],
  dowg: [{ label: 'contrib.dowg, weight decay', make: () => contrib.dowg(1, { weightDecay: 0.01 }) }],
  scaleByMadgrad: [{ label: 'scaleByMadgrad(schedule)', make: () => contrib.scaleByMadgrad(schedule) }],
  madgrad: [{ label: 'contrib.madgrad', make: () => contrib.madgrad(0.05, { weightDecay: 0.01 }) }],
  differentiallyPrivateAggregate: [
    {
      label: 'chain(differentiallyPrivateAggregate, −0.05) on per-example gradients',
      make: () => sgdLike(contrib.differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 0.5, key: 4 })),
      grad: perExample,
    },
  ],
  dpsgd: [
    {
      label: 'contrib.dpsgd with momentum (per-example gradients)',
      make: () => contrib.dpsgd(0.05, { l2NormClip: 1, noiseMultiplier: 0.5, key: 5, momentum: 0.9 }),
      grad: perExample,
    },
  ],
  scaleByAcprop: [{ label: 'scaleByAcprop', make: () => sgdLike(contrib.scaleByAcprop()) }],
  acprop: [{ label: 'contrib.acprop', make: () => contrib.acprop(0.01, { weightDecay: 0.01, mask }) }],
  scaleByCocob: [{ label: 'scaleByCocob', make: () => contrib.scaleByCocob() }],
  cocob: [{ label: 'contrib.cocob', make: () => contrib.cocob(1, { weightDecay: 0.01 }) }],
  scaleByMomo: [
    { label: 'scaleByMomo, adaptive lower bound', make: () => contrib.scaleByMomo({ adaptLowerBound: true }) },
  ],
  momo: [{ label: 'contrib.momo(schedule), weight decay', make: () => contrib.momo(schedule, { weightDecay: 0.01 }) }],
  scaleByMomoAdam: [
    { label: 'scaleByMomoAdam, adaptive lower bound', make: () => contrib.scaleByMomoAdam({ adaptLowerBound: true }) },
  ],
  momoAdam: [{ label: 'contrib.momoAdam, weight decay', make: () => contrib.momoAdam(0.05, { weightDecay: 0.01 }) }],
  mechanize: [{ label: 'contrib.mechanize(adam)', make: () => contrib.mechanize(inner(), { numBetas: 3 }) }],
  scheduleFreeAdamw: [
    { label: 'contrib.scheduleFreeAdamw', make: () => contrib.scheduleFreeAdamw(0.05, { weightDecay: 0.01 }) },
  ],
}

const NESTED: readonly ResumeCase[] = [
  {
    label: 'multiSteps(applyIfFinite(masked(adam))) with NaN gradients',
    make: () => transforms.multiSteps(transforms.applyIfFinite(transforms.masked(inner(), mask)), 2),
    grad: nanAt,
  },
  {
    label: 'injectHyperparams(adamw) inside lookahead',
    make: () =>
      transforms.lookahead(transforms.injectHyperparams(optimizers.adamw)(0.05), { syncPeriod: 2, slowStepSize: 0.5 }),
    params: (p) => lookaheadParams(p),
    grad: fastGrad,
  },
]

export const CASES: readonly ResumeCase[] = [
  ...Object.values(ALIASES).flat(),
  ...Object.values(TRANSFORMS).flatMap((v) => (typeof v === 'string' ? [] : v)),
  ...Object.values(CONTRIB).flatMap((v) => (typeof v === 'string' ? [] : v)),
  ...NESTED,
]
