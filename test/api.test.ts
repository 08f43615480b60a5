import { describe, expect, it } from 'vitest'
import * as descent from '../src/index'

// The frozen public surface (optax's __all__): adding or removing an export must change this list on purpose.
const RUNTIME_EXPORTS = [
  // errors
  'DescentError', 'StructureError', 'ShapeError', 'DTypeError', 'InvalidTreeError', 'NonFiniteError', 'HyperparameterError',
  // tensors and random keys
  'tensor', 'zeros', 'ones', 'full', 'zerosLike', 'arange', 'isTensor',
  'prngKey', 'splitKey', 'randomUniform', 'randomNormal', 'randomBernoulli',
  // core
  'tree', 'chain', 'namedChain', 'applyUpdates', 'incrementalUpdate', 'identity', 'setToZero', 'stateless',
  'statelessWithTreeMap', 'initEmptyState', 'dual', 'safeNorm', 'safeRootMeanSquares',
  // transforms
  'scale', 'scaleByLearningRate', 'scaleBySchedule', 'clip', 'clipByGlobalNorm', 'trace', 'ema', 'scaleByAdam',
  'scaleByAmsgrad', 'scaleByRms', 'scaleByStddev', 'scaleByRss', 'addDecayedWeights', 'addDecoupledWeightDecay', 'masked',
  'applyIfFinite', 'applyEvery', 'conditionallyTransform', 'conditionallyMask', 'multiSteps', 'multiStepsHasUpdated',
  'multiTransform', 'partition', 'freeze', 'selectiveTransform', 'lookahead', 'lookaheadParams', 'withExtraArgs',
  'injectHyperparams', 'reduceOnPlateau',
  'scaleByFactoredRms', 'clipByBlockRms', 'scaleByParamBlockRms', 'scaleByParamBlockNorm', 'scaleByTrustRatio', 'addNoise',
  'centralize', 'keepParamsNonnegative', 'zeroNans', 'adaptiveGradClip', 'normalizeByUpdateNorm', 'snapshot', 'monitor',
  'scaleBySm3',
  'scaleByAdamax', 'scaleByRadam', 'scaleByBelief', 'scaleByYogi', 'scaleByLion', 'scaleByNovograd', 'scaleByAdadelta',
  'scaleBySign', 'scaleByRprop', 'scaleByOptimisticGradient',
  // schedules
  'constantSchedule', 'linearSchedule', 'polynomialSchedule', 'exponentialDecay', 'cosineDecaySchedule',
  'warmupCosineDecaySchedule', 'warmupConstantSchedule', 'piecewiseConstantSchedule', 'joinSchedules',
  'piecewiseInterpolateSchedule', 'linearOnecycleSchedule', 'cosineOnecycleSchedule', 'warmupExponentialDecaySchedule',
  'sgdrSchedule',
  // optimizers
  'sgd', 'adam', 'nadam', 'adamw', 'nadamw', 'amsgrad', 'rmsprop', 'adagrad',
  'lamb', 'lars', 'fromage', 'adafactor', 'noisySgd', 'sm3',
  'adamax', 'adamaxw', 'radam', 'adabelief', 'yogi', 'lion', 'novograd', 'adadelta', 'signSgd', 'signum', 'rprop',
  'optimisticGradientDescent',
  // grad: ops (clip, where, sum, max, min only as ops.*) and transformations
  'ops', 'add', 'sub', 'mul', 'div', 'neg', 'pow', 'square', 'reciprocal', 'maximum', 'minimum',
  'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'abs', 'sign', 'sin', 'cos', 'tanh', 'sigmoid', 'stopGradient',
  'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual',
  'reshape', 'transpose', 'broadcastTo', 'expandDims', 'squeeze', 'concat', 'stack', 'slice', 'pad', 'take', 'oneHot', 'cast',
  'mean', 'prod', 'logsumexp', 'norm', 'matmul', 'dot', 'outer',
  'relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'softplus', 'softmax', 'logSoftmax',
  'grad', 'valueAndGrad', 'jvp', 'vjp', 'linearize', 'jacfwd', 'jacrev', 'hessian', 'hvp', 'customJvp', 'customVjp',
  'checkGrads', 'checkGradsE', 'GradCheckError',
  // losses and initializers (zeros only as initializers.zeros)
  'l2Loss', 'squaredError', 'mse', 'softmaxCrossEntropy', 'softmaxCrossEntropyWithIntegerLabels',
  'sigmoidBinaryCrossEntropy', 'huberLoss', 'logCosh', 'initializers', 'glorotUniform', 'heNormal', 'lecunNormal',
]

const TREE_EXPORTS = [
  'map', 'mapWithPath', 'mapElementwise', 'mapElementwiseNamed', 'leaves', 'flatten', 'flattenWithPath', 'unflatten',
  'unflattenE', 'structure', 'equalStructure', 'keystr', 'isLeaf', 'validate', 'validateE', 'zerosLike', 'onesLike',
  'fullLike', 'add', 'sub', 'mul', 'div', 'scale', 'addScale', 'vdot', 'sum', 'max', 'min', 'size', 'norm',
  'updateMoment', 'updateMomentPerElemNorm', 'updateInfinityMoment', 'biasCorrection', 'where', 'broadcastMask',
  'allClose', 'allFinite', 'clip', 'cast', 'get', 'set',
]

describe('public API surface', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(descent).sort()).toEqual([...RUNTIME_EXPORTS].sort())
  })

  it('exports the tree namespace with optax.tree vocabulary', () => {
    expect(Object.keys(descent.tree).sort()).toEqual([...TREE_EXPORTS].sort())
  })

  it('addDecoupledWeightDecay is the same function as addDecayedWeights', () => {
    expect(descent.addDecoupledWeightDecay).toBe(descent.addDecayedWeights)
  })
})
