import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'
import type { ValueAndGradFn } from './linesearchArgs'

/** @internal Constants of the zoom line search (optax's `zoom_linesearch` arguments). */
export interface ZoomConfig {
  readonly maxSteps: number
  readonly maxStepsize: number | undefined
  readonly tol: number
  readonly increaseFactor: number
  readonly slopeRtol: number
  readonly curvRtol: number
  readonly approxDecRtol: number | null
  readonly intervalThreshold: number
}

/** @internal One point η on the line θ + η·u: the value, gradient and slope ⟨∇f(θ + ηu), u⟩ there. */
interface Point {
  readonly stepsize: number
  readonly value: number
  readonly grad: PyTree
  readonly slope: number
}

/** @internal The state of the search loop (optax's ZoomLinesearchState, less its fixed fields). */
interface Search {
  readonly count: number
  readonly current: Point
  readonly decreaseError: number
  readonly curvatureError: number
  readonly intervalFound: boolean
  readonly done: boolean
  readonly failed: boolean
  /** Not low < high, but f(high) ≥ f(low); the slopes are kept with them. */
  readonly low: Point
  readonly high: Point
  readonly cubicRef: number
  readonly valueCubicRef: number
  /** The best point found that satisfies sufficient decrease (stepsize 0 if none). */
  readonly safe: Point
}

/** @internal The outcome of one line search. */
export interface ZoomResult {
  readonly stepsize: number
  readonly value: number
  readonly grad: PyTree
  readonly count: number
  readonly decreaseError: number
  readonly curvatureError: number
}

/** Critical point of the cubic through (a, fa), (b, fb), (c, fc) with slope fpa at a (NaN when there is none). */
export function cubicmin(a: number, fa: number, fpa: number, b: number, fb: number, c: number, fc: number): number {
  const C = fpa
  const db = b - a
  const dc = c - a
  const denom = (db * dc) ** 2 * (db - dc)
  const r1 = fb - fa - C * db
  const r2 = fc - fa - C * dc
  const A = (dc ** 2 * r1 - db ** 2 * r2) / denom
  const B = (-(dc ** 3) * r1 + db ** 3 * r2) / denom
  const radical = B * B - 3 * A * C
  return a + (-B + Math.sqrt(radical)) / (3 * A)
}

/** Critical point of the quadratic through (a, fa), (b, fb) with slope fpa at a. */
export function quadmin(a: number, fa: number, fpa: number, b: number, fb: number): number {
  const db = b - a
  const B = (fb - fa - fpa * db) / db ** 2
  return a - fpa / (2 * B)
}

/**
 * @internal Nocedal & Wright's Algorithms 3.5 (bracketing) and 3.6 (zoom, with cubic, quadratic or bisection
 * steps), with Hager & Zhang's approximate sufficient decrease, as optax's `zoom_linesearch`. Finds η such that
 * θ + η·u satisfies the strong Wolfe conditions; when it cannot within `maxSteps` evaluations it returns the best
 * point with sufficient decrease found (or η = 0 when the function is not finite anywhere tried).
 */
export function zoomLinesearch(
  cfg: ZoomConfig,
  args: {
    readonly params: PyTree
    readonly updates: PyTree
    readonly value: number
    readonly grad: PyTree
    readonly stepsizeGuess: number
    readonly valueAndGradFn: ValueAndGradFn
  },
): ZoomResult {
  const { params, updates, stepsizeGuess, valueAndGradFn } = args
  const valueInit = args.value
  const slopeInit = tree.vdot(updates, args.grad)
  const at = (stepsize: number): Point => {
    const [value, grad] = valueAndGradFn(tree.addScale(params, stepsize, updates))
    return { stepsize, value, grad, slope: tree.vdot(grad, updates) }
  }
  const nanToInf = (e: number) => (Number.isNaN(e) ? Infinity : e)
  const decreaseErrorOf = (p: Point): number => {
    // Armijo (N&W 3.7a), or Hager & Zhang's approximate decrease (eq. 23) once close to the minimum (eqs. 26–27).
    let e = p.value - valueInit - cfg.slopeRtol * p.stepsize * slopeInit
    if (cfg.approxDecRtol !== null) {
      const approx = p.slope - (2 * cfg.slopeRtol - 1) * slopeInit
      const delta = p.value - valueInit - cfg.approxDecRtol * Math.abs(valueInit)
      e = Math.min(Math.max(approx, delta), e)
    }
    return nanToInf(Math.max(e, 0))
  }
  const curvatureErrorOf = (p: Point): number =>
    nanToInf(Math.max(Math.abs(p.slope) - cfg.curvRtol * Math.abs(slopeInit), 0))

  const start: Point = { stepsize: 0, value: valueInit, grad: args.grad, slope: slopeInit }

  const searchInterval = (s: Search): Search => {
    const prev = s.current
    let stepsize = s.count === 0 ? stepsizeGuess : cfg.increaseFactor * prev.stepsize
    let maxReached = false
    if (cfg.maxStepsize !== undefined) {
      maxReached = stepsize >= cfg.maxStepsize
      stepsize = Math.min(stepsize, cfg.maxStepsize)
    }
    const next = at(stepsize)
    const decreaseError = decreaseErrorOf(next)
    const curvatureError = curvatureErrorOf(next)
    const error = Math.max(decreaseError, curvatureError)
    const safe = decreaseError <= cfg.tol ? next : s.safe
    const setHighToNew = decreaseError > 0 || (next.value >= prev.value && s.count > 0)
    const setLowToNew = next.slope >= 0 && !setHighToNew
    const [low, high] = setLowToNew ? [next, prev] : [prev, next]
    const intervalFound = setHighToNew || setLowToNew || error <= cfg.tol
    const done = error <= cfg.tol || (maxReached && !intervalFound)
    return {
      count: s.count + 1,
      current: next,
      decreaseError,
      curvatureError,
      intervalFound,
      done,
      failed: s.count + 1 >= cfg.maxSteps && !done,
      low,
      high,
      cubicRef: low.stepsize,
      valueCubicRef: low.value,
      safe,
    }
  }

  const zoomIntoInterval = (s: Search): Search => {
    const { low, high } = s
    const delta = Math.abs(high.stepsize - low.stepsize)
    const left = Math.min(high.stepsize, low.stepsize)
    const right = Math.max(high.stepsize, low.stepsize)
    const tooSmall = delta <= cfg.intervalThreshold
    const cubic = cubicmin(low.stepsize, low.value, low.slope, high.stepsize, high.value, s.cubicRef, s.valueCubicRef)
    const quad = quadmin(low.stepsize, low.value, low.slope, high.stepsize, high.value)
    // NaN candidates fail both comparisons and fall through to the next rule.
    const middleStep =
      cubic > left + 0.2 * delta && cubic < right - 0.2 * delta
        ? cubic
        : quad > left + 0.1 * delta && quad < right - 0.1 * delta
          ? quad
          : (low.stepsize + high.stepsize) / 2
    const middle = at(middleStep)
    const decreaseError = decreaseErrorOf(middle)
    const curvatureError = curvatureErrorOf(middle)
    const error = Math.max(decreaseError, curvatureError)
    const safe = decreaseError <= cfg.tol && middle.value < s.safe.value ? middle : s.safe
    const done = error <= cfg.tol
    const setHighToMiddle = decreaseError > 0 || middle.value >= low.value
    const setHighToLow = middle.slope * (high.stepsize - low.stepsize) >= 0 && !setHighToMiddle
    const newHigh = setHighToLow ? low : setHighToMiddle ? middle : high
    const newLow = setHighToMiddle ? low : middle
    // The cubic's third point: the old high if high changed, otherwise the old low.
    const ref = setHighToMiddle || setHighToLow ? high : low
    const presumablyFailed = s.count + 1 >= cfg.maxSteps || (tooSmall && safe.stepsize > 0)
    return {
      count: s.count + 1,
      current: middle,
      decreaseError,
      curvatureError,
      intervalFound: s.intervalFound,
      done,
      failed: presumablyFailed && !done,
      low: newLow,
      high: newHigh,
      cubicRef: ref.stepsize,
      valueCubicRef: ref.value,
      safe,
    }
  }

  /** On failure, fall back to the safe point (sufficient decrease only), or to η = 0 outside the domain. */
  const trySafeStep = (s: Search): Search =>
    s.safe.stepsize > 0 || !Number.isFinite(s.decreaseError) ? { ...s, current: s.safe } : s

  let s: Search = {
    count: 0,
    current: start,
    decreaseError: Infinity,
    curvatureError: Infinity,
    intervalFound: false,
    done: false,
    failed: false,
    low: start,
    high: start,
    cubicRef: 0,
    valueCubicRef: valueInit,
    safe: start,
  }
  while (!(s.done || s.failed)) {
    s = s.intervalFound ? zoomIntoInterval(s) : searchInterval(s)
    if (s.failed) s = trySafeStep(s)
  }
  return {
    stepsize: s.current.stepsize,
    value: s.current.value,
    grad: s.current.grad,
    count: s.count,
    decreaseError: s.decreaseError,
    curvatureError: s.curvatureError,
  }
}
