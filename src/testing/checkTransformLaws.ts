import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { applyUpdates } from '../core/applyUpdates'
import { identity } from '../core/base'
import { isTensor, tensor as makeTensor } from '../core/tensor'
import { chain } from '../core/chain'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { type PyTreeOptions, type ValueOptions, pyTree, treeLike } from './arbitraries'
import { fingerprint, firstDifference, firstNonFinite, layout } from './_internal/values'

/**
 * The laws every `GradientTransformation` must obey, by name, each with its statement. {@link checkTransformLaws}
 * checks them in this order and names the first one broken.
 * ```text
 * inputsUnchanged       init(p) and update(g, s, p, x) never write into p, g, s or x
 * updateStructure       update(g, …)[0] has g's structure, shapes and dtypes
 * stateStructure        the state after every step has init's structure, shapes and dtypes; moments mirror p
 * finite                finite p, g  ⇒  finite init(p), finite updates and states
 * deterministic         same inputs ⇒ bit-identical init and update (no hidden state)
 * initValueIndependent  init(p) ≡ init(p′) for p′ of p's structure with other values (unless initUsesParams)
 * extraArgsIgnored      update(g, s, p, { …x, unknown: 1 }) ≡ update(g, s, p, x)
 * chainIdentity         chain(identity(), t) ≡ t ≡ chain(t, identity())
 * chainAssociative      chain(chain(a, b), c) ≡ chain(a, chain(b, c)) ≡ chain(a, b, c), t in each position
 * ```
 * @example
 * import { transformLaws } from 'descent-ts/testing'
 *
 * assert.deepEqual(Object.keys(transformLaws).slice(0, 2), ['inputsUnchanged', 'updateStructure'])
 * @category testing
 * @since 0.2.0
 */
export const transformLaws = {
  inputsUnchanged: 'init and update never modify their inputs (params, gradients, state, extra args)',
  updateStructure: 'the updates have the structure, shapes and dtypes of the gradients',
  stateStructure: 'the state keeps the structure, shapes and dtypes of init’s state; its moments mirror the params',
  finite: 'finite params and gradients give a finite state and finite updates',
  deterministic: 'the same inputs give bit-identical outputs (init and update)',
  initValueIndependent: 'init depends on the structure of the params only, not on their values',
  extraArgsIgnored: 'extra arguments the transform does not use are ignored',
  chainIdentity: 'chain(identity(), t) ≡ t ≡ chain(t, identity())',
  chainAssociative: 'chain(chain(a, b), c) ≡ chain(a, chain(b, c)) ≡ chain(a, b, c)',
} as const

/**
 * The name of a law in {@link transformLaws}.
 * @category testing
 * @since 0.2.0
 */
export type LawName = keyof typeof transformLaws

/**
 * A named subtree of a state that must mirror a tree (usually the params): `[name, subtree, like]`.
 * @category testing
 * @since 0.2.0
 */
export type StateMoment = readonly [name: string, subtree: unknown, like: PyTree]

/**
 * Options of {@link checkTransformLaws}, in fast-check's style.
 * @category testing
 * @since 0.2.0
 */
export interface CheckTransformLawsOptions {
  /** Number of random params trees (the `examples` are checked on top). @defaultValue 100 */
  readonly numRuns?: number
  /** fast-check seed, for a reproducible run. @defaultValue fast-check's (random unless configured globally) */
  readonly seed?: number
  /** Number of updates per run. @defaultValue 5 */
  readonly steps?: number
  /** Shape of the random params trees (see `arbitraries.pyTree`). @defaultValue `{}` */
  readonly trees?: PyTreeOptions
  /** Range of the random gradients. @defaultValue `{ min: -100, max: 100 }` */
  readonly gradients?: ValueOptions
  /** Params trees always checked, before the random ones (gradients for them are drawn from `seed`). */
  readonly examples?: readonly PyTree[]
  /** The subtrees of a state that must mirror the params (moments, traces), for the `stateStructure` law. */
  readonly moments?: (state: unknown, params: PyTree) => readonly StateMoment[]
  /** Extra arguments the transform needs at each update (e.g. `value` for Polyak steps). @defaultValue none */
  readonly extraArgs?: (params: PyTree, step: number) => ExtraArgs
  /** Whether init may read the params' values (e.g. it keeps a copy); then only its structure must not change. @defaultValue false */
  readonly initUsesParams?: boolean
  /** The laws to check. @defaultValue all of {@link transformLaws} */
  readonly laws?: readonly LawName[]
}

/**
 * A params tree and a step at which a transform broke a law, with what went wrong; `message` says it all in words.
 * @category testing
 * @since 0.2.0
 */
export interface LawViolation {
  readonly _tag: 'LawViolation'
  readonly law: LawName
  /** The law's statement, from {@link transformLaws}. */
  readonly statement: string
  /** The step (0-based update) at which it broke; `undefined` when it broke at init. */
  readonly step: number | undefined
  /** The (shrunk) params tree, as fast-check prints it. */
  readonly params: string
  /** The gradients of that step, as fast-check prints them (`undefined` at init). */
  readonly grads: string | undefined
  /** What differed, and where (a key path). */
  readonly detail: string
  readonly seed: number
  readonly numRuns: number
  readonly message: string
}

/**
 * What a passing run checked.
 * @category testing
 * @since 0.2.0
 */
export interface LawReport {
  readonly _tag: 'LawReport'
  readonly laws: readonly LawName[]
  /** Random runs plus examples. */
  readonly numRuns: number
  readonly steps: number
  readonly seed: number
}

interface Failure {
  readonly law: LawName
  readonly step: number | undefined
  readonly detail: string
}
class LawBroken extends Error {
  constructor(readonly failure: Failure) {
    super(`${failure.law}: ${failure.detail}`)
  }
}
const fail = (law: LawName, step: number | undefined, detail: string): never => {
  throw new LawBroken({ law, step, detail })
}

interface Input {
  readonly params: PyTree
  readonly grads: readonly PyTree[]
  readonly other: PyTree
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tx = GradientTransformation<any>

/** Helpers for the chain laws, written with core tree functions only: `m ← g + ½m` and `u = −0.3·g`. */
const helperMomentum = (): Tx => ({
  init: (params) => tree.zerosLike(params),
  update: (g, m) => {
    const next = tree.mapElementwise((a, b) => a + 0.5 * b, g, m as typeof g)
    return [next, next] as const
  },
})
const helperScale = (): Tx => ({ init: () => null, update: (g, s) => [tree.scale(-0.3, g), s] as const })

const UNKNOWN_EXTRA = 'unexpectedExtraArgYourTransformDoesNotExpect'

function runLaws(tx: Tx, input: Input, o: CheckTransformLawsOptions, on: (law: LawName) => boolean): void {
  let law: LawName = 'inputsUnchanged'
  let step: number | undefined
  const same = (name: LawName, a: unknown, b: unknown, what: string) => {
    const d = firstDifference(fingerprint(a), fingerprint(b))
    if (d !== undefined) fail(name, step, `${what}: ${d}`)
  }
  const sameLayout = (name: LawName, a: unknown, b: unknown, what: string) => {
    const d = firstDifference(layout(a), layout(b))
    if (d !== undefined) fail(name, step, `${what}: ${d}`)
  }
  const finite = (x: unknown, what: string) => {
    const d = on('finite') ? firstNonFinite(x) : undefined
    if (d !== undefined) fail('finite', step, `${what} is not finite at ${d}`)
  }
  const unchanged = <R>(f: () => R, inputs: Record<string, unknown>): R => {
    const before = on('inputsUnchanged') ? fingerprint(inputs) : undefined
    const r = f()
    if (before !== undefined) same('inputsUnchanged', fingerprint(inputs), before, 'an input was modified')
    return r
  }
  const moments = (state: unknown, params: PyTree) => {
    if (!on('stateStructure')) return
    for (const [name, sub, like] of o.moments?.(state, params) ?? []) {
      if (sub === undefined) fail('stateStructure', step, `the state has no moment ${name}`)
      sameLayout('stateStructure', sub, like, `moment ${name} does not mirror the params`)
    }
  }
  try {
    // the trajectory: init, then `steps` updates applied to the params
    const state0 = unchanged(() => tx.init(input.params), { params: input.params })
    law = 'stateStructure'
    moments(state0, input.params)
    law = 'finite'
    finite(state0, 'init’s state')
    const params: PyTree[] = [input.params]
    const extras: (ExtraArgs | undefined)[] = []
    const updates: PyTree[] = []
    const states: unknown[] = [state0]
    for (step = 0; step < input.grads.length; step++) {
      const p = params[step]!
      const g = input.grads[step]!
      const s = states[step]
      const x = o.extraArgs?.(p, step)
      law = 'inputsUnchanged'
      const [u, next] = unchanged(() => tx.update(g, s, p, x), { grads: g, state: s, params: p, extra: x })
      law = 'updateStructure'
      if (on(law)) sameLayout(law, u, g, 'the updates do not mirror the gradients')
      law = 'stateStructure'
      if (on(law)) sameLayout(law, next, state0, 'the state changed structure')
      moments(next, p)
      law = 'finite'
      finite(u, 'the updates')
      finite(next, 'the state')
      extras.push(x)
      updates.push(u)
      states.push(next)
      params.push(applyUpdates(p, u))
    }
    step = undefined
    const n = input.grads.length
    /** Runs `t` along the recorded params and gradients (teacher forcing) and gives its updates and states. */
    const along = (t: Tx, s0: unknown = t.init(input.params), extra = (i: number) => extras[i]) => {
      let s = s0
      const us: PyTree[] = []
      const ss: unknown[] = []
      for (let i = 0; i < n; i++) {
        const [u, next] = t.update(input.grads[i]!, s, params[i]!, extra(i))
        us.push(u)
        ss.push(next)
        s = next
      }
      return [us, ss] as const
    }
    law = 'deterministic'
    if (on(law)) {
      same(law, tx.init(input.params), state0, 'a second init(params) differs')
      for (step = 0; step < n; step++) {
        const [u, next] = tx.update(input.grads[step]!, states[step], params[step]!, extras[step])
        same(law, u, updates[step], 'the same update call gave other updates')
        same(law, next, states[step + 1], 'the same update call gave another state')
      }
      step = undefined
    }
    law = 'initValueIndependent'
    if (on(law)) {
      const other = tx.init(input.other)
      if (o.initUsesParams) sameLayout(law, other, state0, 'init of params with other values has another structure')
      else same(law, other, state0, 'init of params with other values differs')
    }
    law = 'extraArgsIgnored'
    if (on(law))
      for (step = 0; step < n; step++) {
        const x = { ...extras[step], [UNKNOWN_EXTRA]: 1 }
        const [u, next] = tx.update(input.grads[step]!, states[step], params[step]!, x)
        same(law, u, updates[step], `the updates changed with extra.${UNKNOWN_EXTRA}`)
        same(law, next, states[step + 1], `the state changed with extra.${UNKNOWN_EXTRA}`)
      }
    step = undefined
    law = 'chainIdentity'
    if (on(law)) {
      const [lu, ls] = along(chain(identity(), tx))
      const [ru, rs] = along(chain(tx, identity()))
      for (step = 0; step < n; step++) {
        same(law, lu[step], updates[step], 'chain(identity(), t) gave other updates')
        same(law, (ls[step] as readonly unknown[])[1], states[step + 1], 'chain(identity(), t) gave t another state')
        same(law, ru[step], updates[step], 'chain(t, identity()) gave other updates')
        same(law, (rs[step] as readonly unknown[])[0], states[step + 1], 'chain(t, identity()) gave t another state')
      }
      step = undefined
    }
    law = 'chainAssociative'
    if (on(law)) {
      const triples: readonly (readonly [Tx, Tx, Tx])[] = [
        [tx, helperMomentum(), helperScale()],
        [helperScale(), tx, helperMomentum()],
        [helperMomentum(), helperScale(), tx],
      ]
      for (const [a, b, c] of triples) {
        const [flat] = along(chain(a, b, c))
        const [left] = along(chain(chain(a, b), c))
        const [right] = along(chain(a, chain(b, c)))
        for (step = 0; step < n; step++) {
          same(law, left[step], flat[step], 'chain(chain(a, b), c) differs from chain(a, b, c)')
          same(law, right[step], flat[step], 'chain(a, chain(b, c)) differs from chain(a, b, c)')
        }
      }
    }
  } catch (e) {
    if (e instanceof LawBroken) throw e
    fail(law, step, `the transform threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
  }
}

const show = (x: unknown): string => {
  const s = fc.stringify(x)
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s
}

/**
 * Checks the laws of {@link transformLaws} on any `GradientTransformation`, over random pytrees of tensors.
 *
 * Each run draws a params tree from `arbitraries.pyTree` (nested arrays and records, `null` subtrees, number leaves,
 * float32 and float64 tensors of rank 0–2), `steps` gradient trees of the same structure (`arbitraries.treeLike`) and
 * a second params tree with other values; it runs init and the updates (applying them to the params), then checks
 * each law along that trajectory. On failure fast-check shrinks the trees, and the result names the first law broken
 * with the params, the step and the gradients of that step.
 * ```text
 * Right(report)  ⇔  ∀ sampled (p, g₁…g_T):  every law of transformLaws holds along init(p), update(g_t, s_t, p_t)
 * ```
 * @returns `Right(LawReport)` when every law holds on every run, `Left(LawViolation)` otherwise.
 * @example
 * import { adam, stateless, tree } from 'descent-ts'
 * import { checkTransformLaws } from 'descent-ts/testing'
 *
 * assert.equal(checkTransformLaws(adam(1e-3), { numRuns: 10, seed: 1 })._tag, 'Right')
 * let calls = 0
 * const drifting = stateless((g) => tree.scale(1 + calls++, g))
 * const r = checkTransformLaws(drifting, { numRuns: 10, seed: 1 })
 * assert.ok(r._tag === 'Left' && r.left.law === 'deterministic')
 * @see assertTransformLaws, transformLaws
 * @category testing
 * @since 0.2.0
 */
export function checkTransformLaws(tx: Tx, options: CheckTransformLawsOptions = {}): E.Either<LawViolation, LawReport> {
  const { numRuns = 100, steps = 5, trees = {}, gradients = {}, examples = [] } = options
  const laws = options.laws ?? (Object.keys(transformLaws) as LawName[])
  const enabled = new Set(laws)
  const on = (l: LawName) => enabled.has(l)
  const inputFor = (p: PyTree): fc.Arbitrary<Input> =>
    fc.record({
      params: fc.constant(p),
      grads: fc.tuple(...Array.from({ length: steps }, () => treeLike(p, gradients))),
      other: treeLike(p, trees),
    })
  const inputs = pyTree(trees).chain(inputFor)
  const seedOpt = options.seed === undefined ? {} : { seed: options.seed }
  const fixed = examples.map((p) => [fc.sample(inputFor(p), { numRuns: 1, ...seedOpt })[0]!] as [Input])
  // The transform runs on copies: one that writes into its inputs must not corrupt fast-check's values (shrinking).
  const copy = (t: PyTree) => tree.map((l) => (isTensor(l) ? makeTensor(l.dataSync(), l.shape, l.dtype) : l), t)
  const fresh = (i: Input): Input => ({ params: copy(i.params), grads: i.grads.map(copy), other: copy(i.other) })
  const result = fc.check(
    fc.property(inputs, (input) => runLaws(tx, fresh(input), options, on)),
    { numRuns: numRuns + fixed.length, examples: fixed, ...seedOpt },
  )
  if (!result.failed)
    return E.right({ _tag: 'LawReport', laws, numRuns: numRuns + fixed.length, steps, seed: result.seed })
  const input = result.counterexample![0]
  const err = result.errorInstance
  const failure: Failure =
    err instanceof LawBroken
      ? err.failure
      : { law: laws[0]!, step: undefined, detail: `the check threw: ${String(err)}` }
  const params = show(input.params)
  const grads = failure.step === undefined ? undefined : show(input.grads[failure.step])
  const message = [
    `law ${failure.law} broken after ${result.numRuns} run(s) (seed ${result.seed}, path "${result.counterexamplePath}")`,
    `law: ${transformLaws[failure.law]}`,
    failure.step === undefined ? 'at init or across the whole run' : `at step ${failure.step}`,
    failure.detail,
    `params: ${params}`,
    ...(grads === undefined ? [] : [`grads: ${grads}`]),
  ].join('\n')
  return E.left({
    _tag: 'LawViolation',
    law: failure.law,
    statement: transformLaws[failure.law],
    step: failure.step,
    params,
    grads,
    detail: failure.detail,
    seed: result.seed,
    numRuns: result.numRuns,
    message,
  })
}

/**
 * {@link checkTransformLaws} for test runners: returns the report, or throws an `Error` whose message names the law
 * broken, the step, what differed and where, the params and the gradients.
 * @returns The {@link LawReport} of the passing run.
 * @example
 * import { sgd, stateless, tree } from 'descent-ts'
 * import { assertTransformLaws } from 'descent-ts/testing'
 *
 * assertTransformLaws(sgd(0.1, { momentum: 0.9 }), { numRuns: 10, seed: 2 })
 * const castsToF64 = stateless((g) => tree.cast(g, 'float64'))
 * assert.throws(() => assertTransformLaws(castsToF64, { numRuns: 50, seed: 2 }), /law updateStructure broken/)
 * @see checkTransformLaws
 * @category testing
 * @since 0.2.0
 */
export function assertTransformLaws(tx: Tx, options: CheckTransformLawsOptions = {}): LawReport {
  const r = checkTransformLaws(tx, options)
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}
