/**
 * `checkGradFn`: checks a hand-written gradient function against autodiff and float64 central differences.
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either'
import { DescentError } from '../core/errors'
import { checkInRange, checkInteger } from '../core/hyperparams'
import { type DType, type Tensor, fromStorage, isTensor } from '../core/tensor'
import { unflatten } from '../core/tree'
import { keystr } from '../core/treeTraversal'
import type { Leaf, PyTree } from '../core/types'
import { GradFnCheckError } from './gradFnCheckError'
import {
  DEFAULT_EPS,
  DEFAULT_TOLERANCE,
  dtypeOf,
  fmt,
  indexStr,
  loosest,
  shapeOf,
  sizeOf,
  valuesOf,
} from './_internal/gradCheckNumerics'
import { flattenArg, matchTree } from './args'
import { valueAndGradImpl } from './valueAndGrad'

/**
 * Options of {@link checkGradFn}.
 * @category grad
 * @since 0.2.0
 */
export interface CheckGradFnOptions {
  /** The argument `gradFn` differentiates. @defaultValue 0 */
  readonly argnums?: number
  /** Central-difference step, taken in float64. @defaultValue 1e-6 (1e-4 when `f` returns float32 on float64 inputs) */
  readonly eps?: number
  /** Absolute tolerance per entry. @defaultValue 1e-5 for a float64 gradient leaf, 2e-3 for a float32 one (JAX's) */
  readonly atol?: number
  /** Relative tolerance per entry, relative to the reference. @defaultValue as `atol` */
  readonly rtol?: number
  /**
   * Entries per leaf compared with central differences (two evaluations of `f` each). A larger leaf is compared
   * with central differences at this many evenly spaced entries plus the entry where the hand-written gradient is
   * furthest from autodiff, and with autodiff everywhere.
   * @defaultValue 256
   */
  readonly maxEntries?: number
}

/**
 * What {@link checkGradFn} compared.
 * @category grad
 * @since 0.2.0
 */
export interface CheckGradFnReport {
  /** Entries compared with central differences. */
  readonly numericEntries: number
  /** Whether autodiff could differentiate `f` (it cannot when `f` computes on plain numbers). */
  readonly autodiff: boolean
  /** The largest relative error |hand − reference| / max(|hand|, |reference|) over the compared entries. */
  readonly maxRelativeError: number
}

type Fn = (...args: any[]) => Tensor | number

const f64 = (l: Leaf): Leaf => (typeof l === 'number' ? l : fromStorage(Float64Array.from(l.data), l.shape))
const relErr = (a: number, b: number): number => {
  const d = Math.abs(a - b)
  return d === 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(b))
}

/**
 * Checks a hand-written gradient function `gradFn` of a scalar function `f` (PyTorch users' `backward` written by
 * hand, a closed-form gradient) at `args`: entry by entry against float64 central differences of `f`, and against
 * `grad(f)` where autodiff can differentiate `f`.
 * ```text
 * numerical  ∂f/∂xₖ ≈ (f(x + ε·eₖ) − f(x − ε·eₖ)) / 2ε      in float64 (float32 leaves are evaluated as float64 copies)
 * pass       |gradFn(x)ₖ − reference_k| ≤ atol + rtol·|reference_k|   for every compared entry k
 * ```
 * `gradFn` takes the same arguments as `f` and returns a pytree of the structure and leaf shapes of argument
 * `argnums`. Entries of leaves up to `maxEntries` are all differenced; larger leaves are differenced at a sample and
 * compared with autodiff everywhere.
 * @returns a {@link CheckGradFnReport}; throws a {@link GradFnCheckError} (code 'wrongGradient') naming the worst
 * entry, or a StructureError / ShapeError when `gradFn`'s result does not match the argument.
 * @example
 * import { GradFnCheckError, checkGradFn, mul, ops, tensor } from 'descent-ts'
 * const f = (w: ReturnType<typeof tensor>) => ops.sum(mul(w, w))
 * const report = checkGradFn(f, (w) => mul(2, w), [tensor([1, -2, 3], 'float64')]) // d/dw Σw² = 2w: passes
 * assert.ok(report.autodiff && report.maxRelativeError < 1e-6)
 * assert.throws(() => checkGradFn(f, (w) => w, [tensor([1, -2, 3], 'float64')]), GradFnCheckError) // d/dw w² = w
 * @see {@link checkGradFnE}, {@link checkGrads}, {@link grad}
 * @category grad
 * @since 0.2.0
 */
export function checkGradFn<F extends Fn>(
  f: F,
  gradFn: (...args: Parameters<F>) => PyTree,
  args: Parameters<F>,
  options: CheckGradFnOptions = {},
): CheckGradFnReport {
  const owner = 'checkGradFn'
  if (typeof f !== 'function' || typeof gradFn !== 'function') {
    throw new DescentError(`${owner}: f and gradFn must be functions; got ${typeof f} and ${typeof gradFn}.`)
  }
  if (!Array.isArray(args)) {
    throw new DescentError(`${owner}: args must be an array with one pytree per argument of f, e.g. [w].`)
  }
  const argnum = checkInteger(owner, 'options.argnums', options.argnums ?? 0, '[0, Infinity)')
  if (argnum >= args.length) {
    throw new DescentError(`${owner}: options.argnums is ${argnum} but f was given ${args.length} argument(s).`)
  }
  const maxEntries = checkInteger(owner, 'options.maxEntries', options.maxEntries ?? 256, '[1, Infinity)')
  const root = `args[${argnum}]`
  const ref = flattenArg(args[argnum], root)
  const hand = matchTree(ref, gradFn(...args), owner, 'the result of gradFn')

  let auto: readonly Leaf[] | null = null
  try {
    const [, g] = valueAndGradImpl(owner, f, { argnums: argnum })(...args)
    auto = flattenArg(g, root).leaves
  } catch (e) {
    // f computes on numbers taken out of its argument: only central differences can check gradFn.
    if (!(e instanceof DescentError && e.code === 'detachedLoss')) throw e
  }

  const evaluate = (leaves: readonly Leaf[]): { value: number; dtype: DType } => {
    const a = [...args]
    a[argnum] = unflatten(ref.def, leaves)
    const out = f(...a)
    if (typeof out === 'number') return { value: out, dtype: 'float64' }
    if (!isTensor(out) || out.size !== 1) {
      throw new DescentError(`${owner}: f must return a scalar (a number or a one-element tensor).`)
    }
    return { value: out.data[0]!, dtype: out.dtype }
  }
  const x64 = ref.leaves.map(f64)
  const eps = checkInRange(
    owner,
    'options.eps',
    options.eps ?? (evaluate(x64).dtype === 'float32' ? DEFAULT_EPS.float32 : DEFAULT_EPS.float64),
    '(0, Infinity)',
  )
  const numeric = (i: number, k: number): number => {
    const at = (s: number) =>
      x64.map((l, j) => {
        if (j !== i) return l
        if (typeof l === 'number') return l + s
        const v = Float64Array.from(l.data)
        v[k]! += s
        return fromStorage(v, l.shape)
      })
    return (evaluate(at(eps)).value - evaluate(at(-eps)).value) / (2 * eps)
  }

  type Entry = { i: number; k: number; h: number; r: number; a: number | null; numeric: boolean; score: number }
  let worst: Entry | null = null
  let numericEntries = 0
  let maxRelativeError = 0
  ref.leaves.forEach((x, i) => {
    const dtype = loosest([dtypeOf(x), dtypeOf(hand[i]!)])
    const atol = options.atol ?? DEFAULT_TOLERANCE[dtype]
    const rtol = options.rtol ?? atol
    const h = valuesOf(hand[i]!)
    const a = auto === null ? null : valuesOf(auto[i]!)
    const n = sizeOf(x)
    const sampled = new Set<number>()
    if (n <= maxEntries) for (let k = 0; k < n; k++) sampled.add(k)
    else {
      for (let j = 0; j < maxEntries; j++) sampled.add(Math.floor((j * n) / maxEntries))
      if (a !== null) {
        let far = 0
        for (let k = 1; k < n; k++) if (Math.abs(h[k]! - a[k]!) > Math.abs(h[far]! - a[far]!)) far = k
        sampled.add(far)
      }
    }
    for (let k = 0; k < n; k++) {
      const isNumeric = sampled.has(k)
      if (!isNumeric && a === null) continue
      const r = isNumeric ? numeric(i, k) : a![k]!
      if (isNumeric) numericEntries++
      const hk = h[k]!
      const diff = Math.abs(hk - r)
      const score =
        Number.isNaN(hk) || Number.isNaN(r)
          ? Number.isNaN(hk) && Number.isNaN(r)
            ? 0
            : Infinity
          : diff / (atol + rtol * Math.abs(r))
      maxRelativeError = Math.max(maxRelativeError, relErr(hk, r))
      if (worst === null || score > worst.score)
        worst = { i, k, h: hk, r, a: a === null ? null : a[k]!, numeric: isNumeric, score }
    }
  })
  const w = worst as Entry | null
  if (w !== null && w.score > 1) {
    const path = keystr(ref.paths[w.i]!, root)
    const entry = indexStr(shapeOf(ref.leaves[w.i]!), w.k)
    const rel = relErr(w.h, w.r)
    const by = w.numeric ? `central differences in float64 (eps = ${fmt(eps)})` : 'autodiff'
    const second =
      w.a === null
        ? ' (autodiff cannot differentiate f, which computes on plain numbers)'
        : w.numeric
          ? `; autodiff gives ${fmt(w.a)}`
          : ''
    const ratio = w.r !== 0 && w.h !== 0 ? ` (hand-written / reference = ${fmt(w.h / w.r)})` : ''
    throw new GradFnCheckError(
      `${owner}: wrongGradient: the hand-written gradient is wrong at ${path}${entry}: gradFn gives ${fmt(w.h)} but ` +
        `${by} gives ${fmt(w.r)}${second}; relative error ${fmt(rel)}${ratio}.\nFix: rederive ∂f/∂${path} (a ` +
        'factor of 2 from a square, a sign, a missing term of the chain rule, a transpose) or differentiate f with ' +
        'grad(f) instead of by hand.',
      { path, entry, handWritten: w.h, reference: w.r, relativeError: rel, autodiff: w.a },
    )
  }
  return { numericEntries, autodiff: auto !== null, maxRelativeError }
}

/**
 * {@link checkGradFn} returning an fp-ts `Either`: `Left(GradFnCheckError)` on a wrong entry, `Right(report)` when
 * every entry passes. Other errors (a structure mismatch, errors of `f`) still throw.
 * ```text
 * checkGradFnE(f, gradFn, args, o) = Right(r) if checkGradFn returns r, Left(e) if it throws e: GradFnCheckError
 * ```
 * @returns `E.Either<GradFnCheckError, CheckGradFnReport>`.
 * @example
 * import * as E from 'fp-ts/Either'
 * import { checkGradFnE, mul, tensor } from 'descent-ts'
 * const r = checkGradFnE((w) => mul(w, w), (w) => w, [tensor(3, 'float64')])
 * assert.ok(E.isLeft(r) && r.left.code === 'wrongGradient' && r.left.handWritten === 3)
 * @see {@link checkGradFn}
 * @category grad
 * @since 0.2.0
 */
export function checkGradFnE<F extends Fn>(
  f: F,
  gradFn: (...args: Parameters<F>) => PyTree,
  args: Parameters<F>,
  options: CheckGradFnOptions = {},
): E.Either<GradFnCheckError, CheckGradFnReport> {
  try {
    return E.right(checkGradFn(f, gradFn, args, options))
  } catch (e) {
    if (e instanceof GradFnCheckError) return E.left(e)
    throw e
  }
}
