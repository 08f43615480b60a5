/**
 * `checkGrads`: JAX's check_grads, a directional finite-difference check of forward and reverse mode, to any order.
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import { DescentError, HyperparameterError } from '../core/errors'
import { checkBoolean, checkInRange, checkInteger } from '../core/hyperparams'
import { type PRNGKey, prngKey, splitKey } from '../core/prng'
import type { DType } from '../core/tensor'
import { unflatten } from '../core/tree'
import { type KeyPath, keystr } from '../core/treeTraversal'
import type { Leaf, PyTree } from '../core/types'
import { GradCheckError } from './gradCheckError'
import {
  DEFAULT_EPS,
  type Mismatch,
  type Tolerance,
  basis,
  dtypeOf,
  fmt,
  indexStr,
  inner,
  leafLike,
  loosest,
  numericalJvp,
  onlyLeaf,
  randLike,
  score,
  shapeOf,
  sizeOf,
  toleranceFor,
  valuesOf,
  worstMismatch,
} from './_internal/gradCheckNumerics'
import { type FlatTree, flattenArg, leafToTensor, matchTree } from './args'
import { jvp } from './jvp'
import { CustomVjpForwardError } from './trace'
import { vjp } from './vjp'

/**
 * Options of {@link checkGrads}. Tolerances are a number, or one number per dtype (`{ float32: 1e-2 }`; missing
 * dtypes keep their default); as in JAX they are multiplied by the number of elements of each compared output leaf.
 * @category grad
 * @since 0.1.0
 */
export interface CheckGradsOptions {
  /** Highest derivative order checked (JAX's required `order`). @defaultValue 1 */
  readonly order?: number
  /**
   * `'fwd'` checks `jvp`, `'rev'` checks `vjp`; each level of a higher order uses the same modes. When not given,
   * both are checked where the function supports them: forward mode is skipped (and listed in the report's `skipped`)
   * at a level where a `customVjp` function blocks it, instead of failing; given explicitly, every listed mode must run.
   * @defaultValue ['fwd', 'rev'], each where supported
   */
  readonly modes?: readonly ('fwd' | 'rev')[]
  /** Central-difference step. @defaultValue 1e-4 (JAX's EPS) when some argument leaf is float32, else 1e-6 */
  readonly eps?: number
  /** Absolute tolerance. @defaultValue { float32: 2e-3, float64: 1e-5 } (JAX's default_gradient_tolerance) */
  readonly atol?: number | { readonly float32?: number; readonly float64?: number }
  /** Relative tolerance, relative to the numerical value. @defaultValue { float32: 2e-3, float64: 1e-5 } */
  readonly rtol?: number | { readonly float32?: number; readonly float64?: number }
  /** Key of the random tangents and cotangents (standard normal). @defaultValue prngKey(0) */
  readonly key?: PRNGKey
  /**
   * Compare full Jacobians instead of random projections, as PyTorch's gradcheck: every column J·eₖ by `jvp` ('fwd'),
   * every row eₘᵀJ by `vjp` ('rev'), against central differences along each input coordinate eₖ. Costs one pair of
   * evaluations of f per input element and one jvp per input element or one vjp per output element: for small
   * inputs. Tolerances are JAX's (scaled by the output leaf's size for 'fwd', unscaled for 'rev').
   * @defaultValue false
   */
  readonly full?: boolean
}

/**
 * What {@link checkGrads} checked: the modes, each check by name, and the checks it skipped with the reason.
 * @category grad
 * @since 0.2.0
 */
export interface CheckGradsReport {
  /** The modes checked at order 1 (`['rev']` for a customVjp function with the default modes). */
  readonly checked: readonly ('fwd' | 'rev')[]
  /** Every check that ran, in order: `'JVP'`, `'VJP'`, `'JVP of VJP'`, ... */
  readonly checks: readonly string[]
  /** The checks skipped because the function does not support them, with the reason. */
  readonly skipped: readonly { readonly check: string; readonly reason: string }[]
}

type Fn = (...args: any[]) => PyTree
type Mode = 'fwd' | 'rev'

interface Settings {
  readonly order: number
  readonly modes: readonly Mode[]
  /** The modes were not given: skip forward mode where a customVjp function blocks it. */
  readonly auto: boolean
  readonly eps: number
  readonly atol: Tolerance | undefined
  readonly rtol: Tolerance | undefined
  readonly key: PRNGKey
  readonly full: boolean
}

/** One level of the recursion: a function, its arguments, and how to name their leaves in messages. */
interface Level {
  readonly f: Fn
  readonly args: PyTree[]
  readonly order: number
  /** JAX's err_msg: 'JVP', 'VJP of JVP', ... */
  readonly label: string
  /** A leaf of `args` (path inside the args array) plus an element index, in the user's terms. */
  readonly describe: (path: KeyPath, index: string) => string
}

/** Leaves larger than this are diagnosed by direction only, not entry by entry. */
const ENTRYWISE_LIMIT = 256

/**
 * Checks the derivatives of `f` at `args` against central differences, as JAX's `check_grads`. For each mode and
 * each order up to `order`, with standard normal tangents t and cotangents c drawn from `key`:
 * ```text
 * numerical JVP   (f(x + ε·t) − f(x − ε·t)) / 2ε
 * 'fwd'           jvp(f, x, t) = (f(x), J·t)    J·t ≈ numerical JVP, elementwise
 * 'rev'           ⟨t, vjp(f, x)(c)⟩ ≈ ⟨numerical JVP, c⟩            (one scalar)
 * pass            |analytic − numerical| ≤ atol·n + rtol·n·|numerical|   (n: elements of the output leaf; 1 for 'rev')
 * order k + 1     'fwd': the check of (p, t) ↦ jvp(f, p, t) at (x, x)
 *                 'rev': the check of x ↦ vjp(f, x)(f(x))  (the primal output reused as the cotangent)
 * ```
 * So `order: 2` checks JVP, JVP of JVP, VJP of JVP, VJP, JVP of VJP and VJP of VJP. Arguments are an array with one
 * pytree per parameter of `f`; leaves are tensors (float32 or float64) or numbers (float64). Defaults: JAX's
 * tolerances, 2e-3 in float32 and 1e-5 in float64, and eps 1e-4 (JAX) when an argument is float32, 1e-6
 * (PyTorch) otherwise. Check in float64 where you can. A function built with `customVjp` has no forward mode: with
 * the default modes that check is skipped and the report says so (`checked: ['rev']`); asking for `'fwd'` explicitly
 * fails on it. On failure the worst argument leaf is found by checking one leaf at a time
 * (the checks are linear in t), then, for leaves of up to 256 elements, one entry at a time. With `{ full: true }`
 * every Jacobian entry is compared instead (PyTorch's gradcheck), which suits small inputs.
 * @returns a {@link CheckGradsReport} of what was checked; throws a {@link GradCheckError} (code 'wrongGradient') on
 * a mismatch (other errors of `f` propagate).
 * @example
 * import { GradCheckError, checkGrads, customJvp, customVjp, mul, ops, tanh, tensor } from 'descent-ts'
 * const f = (p: { w: ReturnType<typeof tensor> }) => ops.sum(tanh(mul(p.w, p.w)))
 * const report = checkGrads(f, [{ w: tensor([0.5, -1, 2], 'float64') }], { order: 2 }) // passes
 * assert.deepStrictEqual(report.checked, ['fwd', 'rev'])
 * // A customVjp function has no forward mode: the default modes check its reverse rule and say so.
 * const sq = customVjp((w) => mul(w, w), (w) => [mul(w, w), w] as const, (w, ct) => [mul(ct, mul(2, w))])
 * assert.deepStrictEqual(checkGrads((w) => sq(w), [tensor(3, 'float64')]).checked, ['rev'])
 * // A hand-written rule with d/dw w² = w (it should be 2w) is caught, naming the argument:
 * const square = customJvp((w) => mul(w, w), ([w], [t]) => [mul(w!, w!), mul(w!, t!)])
 * const g = (p: { w: ReturnType<typeof tensor> }) => ops.sum(square(p.w))
 * assert.throws(() => checkGrads(g, [{ w: tensor([0.5, -1, 2], 'float64') }]), GradCheckError)
 * assert.throws(() => checkGrads(g, [{ w: tensor([0.5, -1, 2], 'float64') }]), /args\[0\]\.w/)
 * @see {@link checkGradsE}, {@link jvp}, {@link vjp}; jax.test_util.check_grads, torch.autograd.gradcheck
 * @category grad
 * @since 0.1.0
 */
export function checkGrads<F extends Fn>(f: F, args: Parameters<F>, options: CheckGradsOptions = {}): CheckGradsReport {
  const settings = validate(args, options)
  const checks: string[] = []
  const skipped: { check: string; reason: string }[] = []
  const checked = new Set<Mode>()
  const label = (mode: Mode, inner: string) => (mode === 'fwd' ? 'JVP' : 'VJP') + (inner === '' ? '' : ` of ${inner}`)
  const run = (level: Omit<Level, 'label'> & { readonly inner: string }): void => {
    if (settings.modes.includes('fwd')) {
      const fwd: Level = { ...level, label: label('fwd', level.inner) }
      let ran = true
      try {
        checkJvp(fwd, settings)
      } catch (e) {
        if (!(settings.auto && e instanceof CustomVjpForwardError)) throw e
        skipped.push({ check: fwd.label, reason: e.message })
        ran = false
      }
      if (ran) {
        checks.push(fwd.label)
        if (level.order === 1) checked.add('fwd')
      }
      if (ran && level.order < settings.order) {
        run({
          f: (p: PyTree[], t: PyTree[]) => jvp(level.f, p, t),
          args: [level.args, level.args],
          order: level.order + 1,
          inner: fwd.label,
          describe: (path, index) =>
            `${level.describe(path.slice(1), index)} (as ${path[0] === 0 ? 'primal' : 'tangent'})`,
        })
      }
    }
    if (settings.modes.includes('rev')) {
      const rev: Level = { ...level, label: label('rev', level.inner) }
      checkVjp(rev, settings)
      checks.push(rev.label)
      if (level.order === 1) checked.add('rev')
      if (level.order < settings.order) {
        const fVjp = (...xs: PyTree[]) => {
          const [out, vjpFn] = vjp(level.f, ...xs)
          return vjpFn(out)
        }
        run({ ...level, f: fVjp, order: level.order + 1, inner: rev.label })
      }
    }
  }
  run({ f, args, order: 1, inner: '', describe: (path, index) => keystr(path, 'args') + index })
  return { checked: (['fwd', 'rev'] as const).filter((m) => checked.has(m)), checks, skipped }
}

/**
 * {@link checkGrads} returning an fp-ts `Either` instead of throwing: `Left(GradCheckError)` on a mismatch,
 * `Right(report)` when every check passes. Other errors (invalid options, a bad pytree, errors of `f`) still throw.
 * ```text
 * checkGradsE(f, args, o) = Right(r) if checkGrads(f, args, o) returns r, Left(e) if it throws e: GradCheckError
 * ```
 * @returns `E.Either<GradCheckError, CheckGradsReport>`.
 * @example
 * import * as E from 'fp-ts/Either'
 * import { checkGradsE, mul, tensor } from 'descent-ts'
 * assert.ok(E.isRight(checkGradsE((x) => mul(x, x), [tensor([1, 2], 'float64')])))
 * @see {@link checkGrads}
 * @category grad
 * @since 0.1.0
 */
export function checkGradsE<F extends Fn>(
  f: F,
  args: Parameters<F>,
  options: CheckGradsOptions = {},
): E.Either<GradCheckError, CheckGradsReport> {
  try {
    return E.right(checkGrads(f, args, options))
  } catch (e) {
    if (e instanceof GradCheckError) return E.left(e)
    throw e
  }
}

// ---- validation ---------------------------------------------------------------------------------------------

function checkTolerance(name: string, tol: unknown): Tolerance | undefined {
  if (tol === undefined) return undefined
  if (typeof tol === 'number') return checkInRange('checkGrads', `options.${name}`, tol, '[0, Infinity)')
  if (typeof tol === 'object' && tol !== null && Object.keys(tol).every((k) => k === 'float32' || k === 'float64')) {
    for (const [k, v] of Object.entries(tol)) checkInRange('checkGrads', `options.${name}.${k}`, v, '[0, Infinity)')
    return tol as Tolerance
  }
  throw new HyperparameterError(
    `checkGrads options.${name} must be a number or { float32?, float64? }; got ${JSON.stringify(tol)}`,
  )
}

function validate(args: unknown, o: CheckGradsOptions): Settings {
  if (!Array.isArray(args)) {
    throw new DescentError(
      'checkGrads: args must be an array with one pytree per argument of f, e.g. checkGrads(f, [x]).',
    )
  }
  const order = checkInteger('checkGrads', 'options.order', o.order ?? 1, '[1, Infinity)')
  const auto = o.modes === undefined
  const modes = o.modes ?? ['fwd', 'rev']
  if (!Array.isArray(modes) || modes.length === 0 || !modes.every((m) => m === 'fwd' || m === 'rev')) {
    throw new HyperparameterError(
      `checkGrads options.modes must be a non-empty array of 'fwd' and 'rev'; got ${JSON.stringify(modes)}`,
    )
  }
  const leaves = flattenArg(args, 'args').leaves
  const eps = o.eps ?? DEFAULT_EPS[loosest(leaves.map(dtypeOf))]
  checkInRange('checkGrads', 'options.eps', eps, '(0, Infinity)')
  const atol = checkTolerance('atol', o.atol)
  const rtol = checkTolerance('rtol', o.rtol)
  const full = o.full === undefined ? false : checkBoolean('checkGrads', 'options.full', o.full)
  return { order, modes, auto, eps, atol, rtol, key: o.key ?? prngKey(0), full }
}

// ---- the checks -------------------------------------------------------------------------------------------

/** f as a function of the flat leaves of its arguments, with its output flattened. */
interface Flat {
  readonly xs: readonly Leaf[]
  readonly inFlat: FlatTree
  readonly outFlat: FlatTree
  readonly rebuild: (leaves: readonly Leaf[]) => PyTree[]
  readonly call: (leaves: readonly Leaf[]) => Leaf[]
  /** The lowest precision among the argument leaves. */
  readonly argDType: DType
}

function flat(level: Level): Flat {
  const inFlat = flattenArg(level.args, 'args')
  const rebuild = (leaves: readonly Leaf[]) => unflatten(inFlat.def, leaves) as PyTree[]
  // Number leaves are evaluated as float64 0-d tensors, as jvp and vjp see them (ops lift a bare number to float32).
  const evaluate = (leaves: readonly Leaf[]) => level.f(...rebuild(leaves.map(leafToTensor)))
  const outFlat = flattenArg(evaluate(inFlat.leaves), 'output')
  const call = (leaves: readonly Leaf[]) =>
    matchTree(outFlat, evaluate(leaves), 'checkGrads', 'the output at perturbed arguments')
  return { xs: inFlat.leaves, inFlat, outFlat, rebuild, call, argDType: loosest(inFlat.leaves.map(dtypeOf)) }
}

const outPath = (p: Flat, m: { readonly leaf: number; readonly index: number }) =>
  keystr(p.outFlat.paths[m.leaf]!, 'output') + indexStr(shapeOf(p.outFlat.leaves[m.leaf]!), m.index)
const argPath = (level: Level, p: Flat, i: number, k?: number) =>
  level.describe(p.inFlat.paths[i]!, k === undefined ? '' : indexStr(shapeOf(p.xs[i]!), k))
const heading = (level: Level, mode: Mode) =>
  `checkGrads: the ${level.label} check (${mode === 'fwd' ? 'forward' : 'reverse'} mode, order ${level.order}) failed`
interface Compared {
  readonly actual: number
  readonly expected: number
  readonly atol: number
  readonly rtol: number
}
const bound = (m: Compared) =>
  `|difference| = ${fmt(Math.abs(m.actual - m.expected))} > atol + rtol·|numerical| = ` +
  fmt(m.atol + m.rtol * Math.abs(m.expected))

const SMOOTHNESS_HINT =
  'If f is not smooth at this point (relu or abs at 0, ties in max or min) or is badly scaled, move the point, ' +
  'use float64 arguments, or pass eps / atol / rtol.'
const orderHint = (level: Level) =>
  level.order === 1
    ? ''
    : ` The order-${level.order - 1} checks passed, so the derivative rule itself is not differentiable as written: ` +
      'write jvpRule / bwd with descent ops (no .item(), .data or host arithmetic on tensors, no stopGradient on ' +
      'values the derivative depends on).'

function checkPrimal(level: Level, mode: Mode, p: Flat, primal: readonly Leaf[], s: Settings): void {
  const m = worstMismatch(primal, p.outFlat.leaves, s.atol, s.rtol, p.argDType)
  if (m === null || m.score <= 1) return
  const path = outPath(p, m)
  throw new GradCheckError(
    `${heading(level, mode)}: the primal output of ${mode === 'fwd' ? 'jvp' : 'vjp'} differs from f(...args) at ` +
      `${path}: ` +
      `${fmt(m.actual)} vs ${fmt(m.expected)} (${bound(m)}).\nHow to fix: a customJvp rule must return f(x) as its ` +
      'primal and a customVjp fwd must return f(x) as its output; f must be deterministic.',
    { mode, order: level.order, check: 'primal', path, analytic: m.actual, numeric: m.expected },
  )
}

function checkJvp(level: Level, s: Settings): void {
  const p = flat(level)
  const t = randLike(s.key, p.xs)
  const tangentOut = (ts: readonly Leaf[]) =>
    matchTree(p.outFlat, jvp(level.f, level.args, p.rebuild(ts))[1], 'checkGrads', 'tangent')
  const [primal] = jvp(level.f, level.args, p.rebuild(t))
  checkPrimal(level, 'fwd', p, matchTree(p.outFlat, primal, 'checkGrads', 'primal'), s)
  const column = (i: number, k: number) => {
    const e = basis(p.xs, i, k)
    return worstMismatch(tangentOut(e), numericalJvp(p.call, p.xs, e, s.eps), s.atol, s.rtol, p.argDType)
  }
  const entryDetail = (i: number, k: number, m: Mismatch) =>
    `Worst entry: ∂${outPath(p, m)}/∂${argPath(level, p, i, k)} is ${fmt(m.actual)} by jvp and ` +
    `${fmt(m.expected)} by central differences (${bound(m)}).`
  if (s.full) {
    let worst: { i: number; k: number; m: Mismatch } | null = null
    p.xs.forEach((x, i) => {
      for (let k = 0; k < sizeOf(x); k++) {
        const m = column(i, k)
        if (m !== null && (worst === null || m.score > worst.m.score)) worst = { i, k, m }
      }
    })
    const w = worst as { i: number; k: number; m: Mismatch } | null
    if (w === null || w.m.score <= 1) return
    throw failure(level, 'fwd', s, argPath(level, p, w.i), 'the Jacobian by jvp', entryDetail(w.i, w.k, w.m), w.m)
  }
  const m = worstMismatch(tangentOut(t), numericalJvp(p.call, p.xs, t, s.eps), s.atol, s.rtol, p.argDType)
  if (m === null || m.score <= 1) return

  // The JVP is linear in t: compare J_i·t_i one argument leaf at a time, then that leaf's Jacobian columns.
  let worst = { i: -1, m }
  p.xs.forEach((x, i) => {
    if (sizeOf(x) === 0) return
    const ti = onlyLeaf(t, i)
    const mi = worstMismatch(tangentOut(ti), numericalJvp(p.call, p.xs, ti, s.eps), s.atol, s.rtol, p.argDType)
    if (mi !== null && (worst.i < 0 || mi.score > worst.m.score)) worst = { i, m: mi }
  })
  const { i } = worst
  let detail =
    `Along a random tangent of that argument alone, ${outPath(p, worst.m)} is ${fmt(worst.m.actual)} by jvp and ` +
    `${fmt(worst.m.expected)} by central differences (${bound(worst.m)}).`
  let analytic = worst.m.actual
  let numeric = worst.m.expected
  if (i >= 0 && sizeOf(p.xs[i]!) <= ENTRYWISE_LIMIT) {
    let entry: { k: number; m: Mismatch } | null = null
    for (let k = 0; k < sizeOf(p.xs[i]!); k++) {
      const mk = column(i, k)
      if (mk !== null && (entry === null || mk.score > entry.m.score)) entry = { k, m: mk }
    }
    if (entry !== null && entry.m.score > 1) {
      detail = entryDetail(i, entry.k, entry.m)
      analytic = entry.m.actual
      numeric = entry.m.expected
    }
  }
  const path = i >= 0 ? argPath(level, p, i) : outPath(p, m)
  throw failure(level, 'fwd', s, path, 'the tangent output of jvp', detail, { actual: analytic, expected: numeric })
}

/** How to fix a failed check, by mode (after "the forward- / reverse-mode derivative with respect to path is wrong."). */
const FIX_HINT: Readonly<Record<Mode, string>> = {
  fwd:
    'If f uses customJvp, check its jvpRule: the tangent must be J·t (for w², mul(mul(2, w), t)); a customVjp ' +
    "function has no forward mode, check it with { modes: ['rev'] }.",
  rev:
    'If f uses customVjp, check its bwd: it must return ct·∂f/∂x for each argument (for w², mul(ct, mul(2, w))); ' +
    'if f uses customJvp, its jvpRule must be linear in the tangents and equal to the derivative.',
}

/** The error of a derivative (not primal) mismatch: `what` disagrees with central differences, `detail` says where. */
function failure(
  level: Level,
  mode: Mode,
  s: Settings,
  path: string,
  what: string,
  detail: string,
  m: { readonly actual: number; readonly expected: number },
): GradCheckError {
  const check = mode === 'fwd' ? 'tangent' : 'cotangent'
  return new GradCheckError(
    `${heading(level, mode)} for ${path}: ${what} does not match central differences (eps = ${fmt(s.eps)}). ` +
      `${detail}\nHow to fix: the ${mode === 'fwd' ? 'forward' : 'reverse'}-mode derivative with respect to ${path} ` +
      `is wrong. ${FIX_HINT[mode]} ${SMOOTHNESS_HINT}${orderHint(level)}`,
    { mode, order: level.order, check, path, analytic: m.actual, numeric: m.expected },
  )
}

function checkVjp(level: Level, s: Settings): void {
  const p = flat(level)
  const [primal, vjpFn] = vjp(level.f, ...level.args)
  const outs = matchTree(p.outFlat, primal, 'checkGrads', 'primal')
  checkPrimal(level, 'rev', p, outs, s)
  const [kt, kc] = splitKey(s.key) as [PRNGKey, PRNGKey]
  const t = randLike(kt, p.xs)
  const c = randLike(kc, outs)
  const pull = (ct: readonly Leaf[]) => flattenArg(vjpFn(unflatten(p.outFlat.def, ct)), 'args').leaves
  const dtype = loosest([...p.xs, ...outs].map(dtypeOf))
  const atol = toleranceFor(s.atol, dtype)
  const rtol = toleranceFor(s.rtol, dtype)
  if (s.full) return fullVjp(level, p, s, outs, pull, atol, rtol)
  const g = pull(c)
  const ip = inner(t, g)
  const ipExpected = inner(numericalJvp(p.call, p.xs, t, s.eps), c)
  if (score(ip, ipExpected, atol, rtol) <= 1) return

  // ⟨t, vjp(c)⟩ = Σ_i ⟨t_i, vjp(c)_i⟩: find the argument leaf whose term is off, then its worst entry.
  let worst = { i: -1, actual: ip, expected: ipExpected, score: -1 }
  p.xs.forEach((x, i) => {
    if (sizeOf(x) === 0) return
    const actual = inner([t[i]!], [g[i]!])
    const expected = inner(numericalJvp(p.call, p.xs, onlyLeaf(t, i), s.eps), c)
    const si = score(actual, expected, atol, rtol)
    if (si > worst.score) worst = { i, actual, expected, score: si }
  })
  const { i } = worst
  const scalarOut = outs.reduce((n: number, l) => n + sizeOf(l), 0) === 1
  let detail =
    `For that argument alone, ⟨t, vjp(c)⟩ = ${fmt(worst.actual)} but ⟨J·t, c⟩ = ${fmt(worst.expected)} by ` +
    `central differences (${bound({ ...worst, atol, rtol })}).`
  let analytic = worst.actual
  let numeric = worst.expected
  if (i >= 0 && sizeOf(p.xs[i]!) <= ENTRYWISE_LIMIT) {
    // For a scalar output use c = 1, so the entries are plain gradient entries.
    const cd = scalarOut ? outs.map((l) => leafLike(l, new Float64Array(sizeOf(l)).fill(1))) : c
    const gd = valuesOf((scalarOut ? pull(cd) : g)[i]!)
    let entry: { k: number; actual: number; expected: number; score: number } | null = null
    for (let k = 0; k < sizeOf(p.xs[i]!); k++) {
      const expected = inner(numericalJvp(p.call, p.xs, basis(p.xs, i, k), s.eps), cd)
      const sk = score(gd[k]!, expected, atol, rtol)
      if (entry === null || sk > entry.score) entry = { k, actual: gd[k]!, expected, score: sk }
    }
    if (entry !== null && entry.score > 1) {
      const of = scalarOut ? 'output' : '⟨c, output⟩ (c a random cotangent)'
      detail =
        `Worst entry: ∂${of}/∂${argPath(level, p, i, entry.k)} is ${fmt(entry.actual)} by vjp and ` +
        `${fmt(entry.expected)} by central differences (${bound({ ...entry, atol, rtol })}).`
      analytic = entry.actual
      numeric = entry.expected
    }
  }
  const path = i >= 0 ? argPath(level, p, i) : 'args'
  const what = `the cotangent projection ⟨t, vjp(c)⟩ = ${fmt(ip)} vs ⟨J·t, c⟩ = ${fmt(ipExpected)}`
  throw failure(level, 'rev', s, path, what, detail, { actual: analytic, expected: numeric })
}

/** The full-Jacobian reverse check: every row eₘᵀJ by vjp against the central-difference Jacobian. */
function fullVjp(
  level: Level,
  p: Flat,
  s: Settings,
  outs: readonly Leaf[],
  pull: (ct: readonly Leaf[]) => readonly Leaf[],
  atol: number,
  rtol: number,
): void {
  const columns = p.xs.map((x, i) =>
    Array.from({ length: sizeOf(x) }, (_, k) => numericalJvp(p.call, p.xs, basis(p.xs, i, k), s.eps)),
  )
  type Entry = { i: number; k: number; leaf: number; index: number; actual: number; expected: number; score: number }
  let worst: Entry | null = null
  outs.forEach((o, leaf) => {
    for (let index = 0; index < sizeOf(o); index++) {
      const oneHot = outs.map((l, j) => {
        const v = new Float64Array(sizeOf(l))
        if (j === leaf) v[index] = 1
        return leafLike(l, v)
      })
      const row = pull(oneHot)
      p.xs.forEach((x, i) => {
        const a = valuesOf(row[i]!)
        for (let k = 0; k < sizeOf(x); k++) {
          const expected = valuesOf(columns[i]![k]![leaf]!)[index]!
          const sc = score(a[k]!, expected, atol, rtol)
          if (worst === null || sc > worst.score) worst = { i, k, leaf, index, actual: a[k]!, expected, score: sc }
        }
      })
    }
  })
  const w = worst as Entry | null
  if (w === null || w.score <= 1) return
  const detail =
    `Worst entry: ∂${outPath(p, w)}/∂${argPath(level, p, w.i, w.k)} is ${fmt(w.actual)} by vjp and ` +
    `${fmt(w.expected)} by central differences (${bound({ ...w, atol, rtol })}).`
  throw failure(level, 'rev', s, argPath(level, p, w.i), 'the Jacobian by vjp', detail, w)
}
