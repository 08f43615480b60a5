import { applyUpdates } from '../core/applyUpdates'
import { DescentError } from '../core/errors'
import { checkInRange, checkInteger } from '../core/hyperparams'
import { type PRNGKey, prngKey, splitKey } from '../core/prng'
import { type Tensor, isTensor } from '../core/tensor'
import { equalStructure, leaves } from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { valueAndGrad } from '../grad/valueAndGrad'
import { injectHyperparams } from '../transforms/injectHyperparams'

/**
 * Options of {@link lrFind}. The defaults are fastai's sweep (1e-7 → 10 in 100 steps) with Lightning's stopping rule and
 * suggestion.
 * @category train
 * @since 0.2.0
 */
export interface LrFindOptions<P extends PyTree, B> {
  /** The loss of the params on one batch: a scalar Tensor or a number, written with differentiable ops. */
  readonly loss: (params: P, batch: B) => Tensor | number
  /** Builds the optimizer for a learning rate, e.g. `(lr) => adam(lr)`. Its state must not depend on `lr`. */
  readonly optimizer: (learningRate: number) => GradientTransformation<any>
  /** The starting params (never modified). */
  readonly params: P
  /** Batches: an iterable (iterated again from the start when it runs out) or `(epoch, key) => Iterable`. */
  readonly data: Iterable<B> | ((epoch: number, key: PRNGKey) => Iterable<B>)
  /** The first learning rate, in (0, maxLr). @defaultValue 1e-7 (fastai) */
  readonly minLr?: number
  /** The last learning rate, finite. @defaultValue 10 (fastai) */
  readonly maxLr?: number
  /** The number of learning rates (and batches), at least 2. @defaultValue 100 */
  readonly steps?: number
  /** β of the bias-corrected EMA of the loss, in [0, 1); 0 records the raw losses. @defaultValue 0.98 */
  readonly smoothing?: number
  /** Stop once the smoothed loss exceeds `stopFactor` × the best one so far, in (1, Infinity]. @defaultValue 4 */
  readonly stopFactor?: number
  /** Points left out at the start when choosing the suggestion (Lightning's `skip_begin`). @defaultValue 10 */
  readonly skipBegin?: number
  /** Points left out at the end when choosing the suggestion (Lightning's `skip_end`). @defaultValue 1 */
  readonly skipEnd?: number
  /** The key passed to a data function: epoch e gets the second half of the e-th split of it. @defaultValue prngKey(0) */
  readonly key?: PRNGKey
}

/**
 * What {@link lrFind} measured: one entry per step taken (fewer than `steps` when it stopped early).
 * @category train
 * @since 0.2.0
 */
export interface LrFindResult {
  /** The learning rate of each step: lrs[k] = minLr·(maxLr/minLr)^(k/(steps−1)). */
  readonly lrs: readonly number[]
  /** The smoothed loss s_k (what Lightning and fastai plot and what the suggestion reads). */
  readonly losses: readonly number[]
  /** The loss x_k = f(θ_k; batch_k), measured before the update at lrs[k]. */
  readonly rawLosses: readonly number[]
  /** The learning rate of the steepest descent of the smoothed loss, or null with fewer than 2 usable points. */
  readonly suggestion: number | null
  /** Whether the stop rule ended the sweep (divergence or a non-finite loss), at whatever step, the last included. */
  readonly diverged: boolean
}

/**
 * The learning-rate range test (Smith 2017; Lightning's `lr_find`, fastai's `lr_find`): a short run whose learning
 * rate grows exponentially from `minLr` to `maxLr`, one step per batch, recording the loss at each one, from which the
 * learning rate where the loss falls fastest is suggested.
 *
 * ```text
 * lr_k = minLr·r^k,  r = (maxLr/minLr)^(1/(steps−1))          k = 0 … steps−1
 * x_k  = f(θ_k; batch_k)    (before the update at lr_k, so x_k reflects lr_0 … lr_{k−1})
 * θ_{k+1} = θ_k + u_k,  (u_k, S_{k+1}) = optimizer(lr_k).update(∇f(θ_k), S_k, θ_k)
 * a_k  = β·a_{k−1} + (1−β)·x_k,  a_{−1} = 0        s_k = a_k / (1 − β^{k+1})   (bias-corrected EMA)
 * stop after recording step k if x_k is not finite, or k ≥ 1 and s_k > stopFactor · min(s_0 … s_{k−1})
 * suggestion: take s_j for j in [skipBegin, n − skipEnd) with s_j finite, as a sequence y_0 … y_{m−1};
 *   g_0 = y_1 − y_0,  g_i = (y_{i+1} − y_{i−1})/2,  g_{m−1} = y_{m−1} − y_{m−2}   (numpy/torch.gradient)
 *   suggestion = lr of the first argmin of g  (null when m < 2)
 * ```
 *
 * This is Lightning's `LearningRateFinder` (exponential mode, `early_stop_threshold = 4`, `suggestion(skip_begin=10,
 * skip_end=1)`) with fastai's range: 1e-7 → 10 instead of Lightning's 1e-8 → 1. Both span 8 decades in 100 steps;
 * fastai's window is one decade higher because a step of 1e-8·g is below float32 resolution for params of order one
 * (ε = 1.2e-7), so Lightning's first decade changes nothing, while adaptive optimizers often diverge only above
 * lr = 1, which the stopping rule makes cheap to reach. Since only the gradient of the smoothed loss is used, the
 * suggestion is the lr where the loss falls fastest per step, i.e. per factor r of the lr (d s / d log lr).
 *
 * Each step uses `optimizer(lr_k)` on the state threaded from the previous step, through {@link injectHyperparams}
 * with the schedule k ↦ lr_k (which rebuilds the optimizer at each update, so every step is bit-identical to
 * `optimizer(lr_k).update`). This needs the optimizer's state to be independent of the learning rate: it is for
 * every alias except `rprop`, whose learning rate is only the initial step size stored in its state, so the sweep
 * cannot act on it; lrFind checks `optimizer(minLr).init(params)` against `optimizer(maxLr).init(params)` and throws
 * if they differ. The update receives `{ value, grad, valueFn }` as extra arguments (for `polyakSgd`, line searches).
 * The params passed in are never modified; the trained params are discarded.
 *
 * References: Smith 2017, "Cyclical Learning Rates for Training Neural Networks", https://arxiv.org/abs/1506.01186
 *
 * @param options - {@link LrFindOptions}.
 * @returns An {@link LrFindResult} of plain arrays of numbers.
 * @throws HyperparameterError (a `RangeError`) for invalid options; DescentError when the data yields no batch or the
 * optimizer's initial state depends on the learning rate.
 * @example
 * import { lrFind, ops, sgd, square, tensor } from 'descent-ts'
 * // f(w) = ½·4·(w − 3)²: gradient descent is stable iff lr < 2/4
 * const { lrs, losses, suggestion, diverged } = lrFind({
 *   loss: (p: { w: ReturnType<typeof tensor> }) => ops.sum(ops.mul(2, square(ops.sub(p.w, 3)))),
 *   optimizer: (lr) => sgd(lr),
 *   params: { w: tensor([0], 'float64') },
 *   data: [null],
 *   minLr: 1e-4,
 * })
 * assert.ok(diverged && lrs[lrs.length - 1]! > 0.5)
 * assert.ok(suggestion !== null && suggestion < 0.5)
 * assert.ok(losses[lrs.indexOf(suggestion)]! < losses[0]!)
 * @see lossCurveSvg, injectHyperparams
 * @category train
 * @since 0.2.0
 */
export function lrFind<P extends PyTree, B>(options: LrFindOptions<P, B>): LrFindResult {
  const owner = 'lrFind'
  const { loss, optimizer, params, data } = options
  if (typeof loss !== 'function')
    throw new DescentError(`${owner}: options.loss must be a function (params, batch) => scalar.`)
  if (typeof optimizer !== 'function') {
    throw new DescentError(
      `${owner}: options.optimizer must be a function (lr) => GradientTransformation, e.g. (lr) => adam(lr).`,
    )
  }
  const minLr = checkInRange(owner, 'options.minLr', options.minLr ?? 1e-7, '(0, Infinity)')
  const maxLr = checkInRange(owner, 'options.maxLr', options.maxLr ?? 10, '(0, Infinity)')
  if (!(maxLr > minLr)) checkInRange(owner, 'options.maxLr', maxLr, `(${minLr}, Infinity)`)
  const steps = checkInteger(owner, 'options.steps', options.steps ?? 100, '[2, Infinity)')
  const beta = checkInRange(owner, 'options.smoothing', options.smoothing ?? 0.98, '[0, 1)')
  const stopFactor = checkInRange(owner, 'options.stopFactor', options.stopFactor ?? 4, '(1, Infinity]')
  const skipBegin = checkInteger(owner, 'options.skipBegin', options.skipBegin ?? 10, '[0, Infinity)')
  const skipEnd = checkInteger(owner, 'options.skipEnd', options.skipEnd ?? 1, '[0, Infinity)')

  const ratio = maxLr / minLr
  const lrAt = (k: number): number => (k === steps - 1 ? maxLr : minLr * ratio ** (k / (steps - 1)))
  if (!sameTree(optimizer(minLr).init(params), optimizer(maxLr).init(params))) {
    throw new DescentError(
      `${owner}: optimizer(lr).init(params) depends on lr (as rprop's, whose learning rate is only its initial step ` +
        `size), so changing lr between steps would not change the optimizer: the range test does not apply to it.`,
    )
  }
  const tx = injectHyperparams(optimizer)((count: number) => lrAt(count))
  const vg = valueAndGrad(loss as (p: P, b: B) => Tensor | number)
  const batches = cycle(data, options.key ?? prngKey(0))

  const lrs: number[] = []
  const rawLosses: number[] = []
  const losses: number[] = []
  let theta = params
  let state = tx.init(params)
  let avg = 0
  let best = Infinity
  let diverged = false
  for (let k = 0; k < steps; k++) {
    const batch = batches.next()
    const [value, grads] = vg(theta, batch)
    const x = typeof value === 'number' ? value : (value as Tensor).item()
    avg = beta * avg + (1 - beta) * x
    const s = avg / (1 - beta ** (k + 1))
    lrs.push(lrAt(k))
    rawLosses.push(x)
    losses.push(s)
    if (!Number.isFinite(x) || (k >= 1 && s > stopFactor * best)) {
      diverged = true
      break
    }
    if (s < best) best = s
    if (k === steps - 1) break // the last update would not be measured
    const extra = { value: x, grad: grads, valueFn: (p: PyTree) => loss(p as P, batch) }
    const [updates, next] = tx.update(grads as P, state, theta, extra)
    theta = applyUpdates(theta, updates)
    state = next
  }
  const idx = steepestDescentIndex(losses, skipBegin, skipEnd)
  return { lrs, losses, rawLosses, suggestion: idx === null ? null : lrs[idx]!, diverged }
}

/** Batches forever: the iterable again from its start (or the data function at the next epoch) when one runs out. */
function cycle<B>(data: LrFindOptions<PyTree, B>['data'], key: PRNGKey): { next: () => B } {
  let epoch = -1
  let k = key
  let it: Iterator<B> | null = null
  let taken = 0
  const open = (): Iterator<B> => {
    epoch++
    taken = 0
    if (typeof data === 'function') {
      const [rest, sub] = splitKey(k) as [PRNGKey, PRNGKey]
      k = rest
      return data(epoch, sub)[Symbol.iterator]()
    }
    if (data === null || typeof data !== 'object' || typeof data[Symbol.iterator] !== 'function') {
      throw new DescentError('lrFind: options.data must be an iterable of batches or (epoch, key) => Iterable.')
    }
    return data[Symbol.iterator]()
  }
  return {
    next: () => {
      it ??= open()
      let r = it.next()
      if (r.done === true) {
        if (taken === 0) throw new DescentError(`lrFind: options.data yielded no batch in epoch ${epoch}.`)
        it = open()
        r = it.next()
        if (r.done === true) {
          throw new DescentError(
            `lrFind: options.data yielded no batch in epoch ${epoch} (an iterator or generator object can only be ` +
              `iterated once: pass an array or a function (epoch, key) => Iterable).`,
          )
        }
      }
      taken++
      return r.value
    },
  }
}

/**
 * Lightning's `suggestion()`: the index (into `losses`) of the first minimum of the unit-spacing gradient of the finite
 * losses in [skipBegin, n − skipEnd), or null with fewer than 2 of them.
 */
function steepestDescentIndex(losses: readonly number[], skipBegin: number, skipEnd: number): number | null {
  const idx: number[] = []
  for (let j = skipBegin; j < losses.length - skipEnd; j++) if (Number.isFinite(losses[j])) idx.push(j)
  const m = idx.length
  if (m < 2) return null
  const y = idx.map((j) => losses[j]!)
  let best = 0
  let bestG = Infinity
  for (let i = 0; i < m; i++) {
    const g = i === 0 ? y[1]! - y[0]! : i === m - 1 ? y[m - 1]! - y[m - 2]! : (y[i + 1]! - y[i - 1]!) / 2
    if (g < bestG) {
      bestG = g
      best = i
    }
  }
  return idx[best]!
}

/** Same structure and the same leaves, bit for bit (NaN equal to NaN). */
function sameTree(a: PyTree, b: PyTree): boolean {
  if (!equalStructure(a, b)) return false
  const la = leaves(a)
  const lb = leaves(b)
  return la.every((x, i) => {
    const y = lb[i]
    if (isTensor(x) && isTensor(y)) {
      return x.dtype === y.dtype && x.shape.join() === y.shape.join() && x.data.every((v, j) => Object.is(v, y.data[j]))
    }
    return Object.is(x, y)
  })
}
