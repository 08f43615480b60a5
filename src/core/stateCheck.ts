import { DTypeError, DescentError, NonFiniteError, StructureError } from './errors'
import { checkLeaves } from './leafMath'
import { isTensor } from './tensor'
import { type KeyPath, describe, keystr, walkTrees } from './treeTraversal'
import type { PyTree } from './types'

/**
 * @internal How a transform's state must look; {@link checkState} checks a state against it.
 *
 * - `'count'`: a non-negative integer (a step counter); `'number'`: any number; `'boolean'`: true or false.
 * - `'tree'`: a pytree with the structure and leaf shapes of the updates (a moment, a trace, an accumulator). Its
 *   tensors keep their dtype: a float64 update for a float32 state leaf is refused (the dtype policy below).
 * - `'treeLike'`: a pytree with the structure of the updates, any leaf shapes (factored or per-block statistics).
 * - `'pytree'`: any valid pytree (a snapshot of other params, a best-so-far value).
 * - `'any'`: not checked here: the state of an inner transform, which checks its own in its `update` (a wrapper
 *   whose inner transform does not run on every step checks it with {@link innerStateChecker}).
 * - `{ key: spec, … }`: a plain object with exactly these keys; `[spec, …]`: an array of exactly these slots.
 * - a function `(value) => string | undefined`: a custom check returning what is wrong (`'a number ≥ 1'`), or
 *   undefined when the value is fine.
 */
export type StateSpec =
  | 'count'
  | 'number'
  | 'boolean'
  | 'tree'
  | 'treeLike'
  | 'pytree'
  | 'any'
  | StateCheckFn
  | readonly StateSpec[]
  | { readonly [key: string]: StateSpec }

/** @internal A custom {@link StateSpec}: what is wrong with `value`, or undefined when it is fine. */
export type StateCheckFn = (value: unknown) => string | undefined

/** @internal The state of every stateless transform: `{}`. */
export const EMPTY_STATE_SPEC: StateSpec = Object.freeze({})

/**
 * @internal Checks the `state` a transform's `update` was given, before anything touches it: its kinds and keys
 * against `spec`, and its tree slots (`'tree'`, `'treeLike'`) against the `updates` (and the `updates` against the
 * `params`, when given: every transform sees params of the updates' structure). Call it first in `update`:
 *
 * ```ts
 * const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }
 * update: (updates, state, params) => {
 *   checkState('scaleByAdam', state, STATE, updates, params)
 *   …
 * }
 * ```
 *
 * Errors are DescentErrors naming the owner and the path (`scaleByAdam: updates.w: shape [7] vs state.mu [3]`); a
 * state of the wrong kind or keys (another optimizer's, `{}`, `undefined`) names both what was expected and what was
 * given. A wrapper passes `params` only if they have the updates' structure (lookahead's `{fast, slow}` do not).
 *
 * Dtype policy: a state keeps the dtype of the params it was made from. A float64 update for a float32 `'tree'` leaf
 * would silently promote that leaf to float64 (twice the memory, no fused float32 kernel), so it is refused with a
 * DTypeError that says to cast the gradient (`tree.cast(grads, 'float32')`). A float32 update for a float64 state is
 * fine (nothing is promoted).
 */
export function checkState(owner: string, state: unknown, spec: StateSpec, updates: PyTree, params?: PyTree): void {
  const found: Found = {
    owner,
    state,
    spec,
    tree: [['updates'], [updates]],
    treeLike: [['updates'], [updates]],
    pytree: [[], []],
  }
  checkShape(state, spec, [], found)
  const [names, trees] = found.tree
  const stateEnd = trees.length
  if (params !== undefined) {
    names.push('params')
    trees.push(params)
  }
  try {
    found.pytree[1].forEach((s, i) => walkTrees(NONE, [s], [found.pytree[0][i]!], VISIT))
    if (trees.length > 1) {
      walkTrees(
        (path, leaves) => {
          checkLeaves(leaves, path, names)
          const u = leaves[0]
          if (isTensor(u) && u.dtype === 'float64') {
            for (let i = 1; i < stateEnd; i++) {
              const s = leaves[i]
              if (isTensor(s) && s.dtype === 'float32') dtypeError(path, names[i]!)
            }
          }
          return null
        },
        trees,
        names,
        VISIT,
      )
    }
    if (found.treeLike[1].length > 1) walkTrees(NONE, found.treeLike[1], found.treeLike[0], VISIT)
  } catch (e) {
    throw rethrow(owner, e, ' Updates, state and params must come from one params tree.')
  }
}

/**
 * @internal Checks the params given to a transform's `init` and returns them: a valid pytree (an InvalidTreeError
 * naming the path otherwise) whose values are all finite. A NaN or ±Infinity param at init is an uninitialised or
 * already diverged weight: every state built from it, and every update, would be NaN without a word, so it is a
 * NonFiniteError (code `'nonFinite'`) naming the path and the element. Call it first in `init`:
 * `init: (params) => (checkParams('scaleByAdam.init', params), { count: 0, mu: tree.zerosLike(params), … })`.
 * It runs once per init, never per step.
 */
export function checkParams<P extends PyTree>(owner: string, params: P): P {
  try {
    walkTrees(
      (path, [leaf]) => {
        const d = isTensor(leaf) ? leaf.data : [leaf as number]
        for (let i = 0; i < d.length; i++) {
          if (!Number.isFinite(d[i]))
            throw new NonFiniteError(
              `${keystr(path, 'params')}${isTensor(leaf) ? ` (element ${i})` : ''} is ${d[i]}; params must be ` +
                'finite. Fix the initialiser or load an earlier checkpoint.',
              { code: 'nonFinite' },
            )
        }
        return null
      },
      [params],
      ['params'],
      VISIT,
    )
  } catch (e) {
    throw rethrow(owner, e, '')
  }
  return params
}

/**
 * @internal Checks that `trees` (named `names` in messages, e.g. `['params.fast', 'params.slow']`) have one structure
 * and one shape per leaf, with errors prefixed by `owner` that name the path.
 */
export function checkSameTrees(owner: string, names: readonly string[], trees: readonly unknown[]): void {
  try {
    walkTrees((path, leaves) => (checkLeaves(leaves, path, names), null), trees, names, VISIT)
  } catch (e) {
    throw rethrow(owner, e, ' The trees must come from one params tree.')
  }
}

function rethrow(owner: string, e: unknown, fix: string): unknown {
  if (!(e instanceof DescentError)) return e
  const Ctor = e.constructor as new (message: string, options?: object) => DescentError
  return new Ctor(`${owner}: ${e.message}${fix}`, { cause: e, code: e.code })
}

function dtypeError(path: KeyPath, stateName: string): never {
  throw new DTypeError(
    `${keystr(path, 'updates')} is float64 but ${keystr(path, stateName)} is float32: cast the gradient ` +
      "(tree.cast(grads, 'float32')) or use float64 params.",
  )
}

/** What {@link checkShape} collects: the tree slots to walk against the updates. */
interface Found {
  readonly owner: string
  readonly state: unknown
  readonly spec: StateSpec
  readonly tree: Slots
  readonly treeLike: Slots
  readonly pytree: Slots
}

/** The state slots to walk (after the updates, for 'tree' and 'treeLike'): their names and their values. */
type Slots = readonly [string[], unknown[]]

const NONE = (): null => null

/** The specs {@link checkShape} collects for walks against the updates. */
type SlotSpec = 'tree' | 'treeLike' | 'pytree'

function checkShape(x: unknown, spec: StateSpec, path: KeyPath, found: Found): void {
  const fail = (want: string): never => {
    const { owner } = found
    const whole =
      path.length === 0 ? '' : ` ${owner}'s state is ${describeSpec(found.spec)}; given: ${describe(found.state)}.`
    wrongState(owner, `${keystr(path, 'state')} should be ${want}; got ${describe(x)}.${whole}`)
  }
  if (typeof spec === 'string') {
    const check = SCALARS[spec]
    if (check === undefined) {
      const [names, values] = found[spec as SlotSpec]
      names.push(keystr(path, 'state'))
      values.push(x)
      return
    }
    spec = check
  }
  if (typeof spec === 'function') {
    const wrong = spec(x)
    if (wrong !== undefined) fail(wrong)
    return
  }
  // A tuple or a record: x must be one too (an array, or a plain object), with exactly the spec's keys.
  const keys = Object.keys(spec)
  const tuple = Array.isArray(spec)
  const obj = x as Record<string, unknown>
  // Same description: both arrays of one length, or both plain objects with one key list (`{a, b}`); then each key
  // of the spec is an own key of x (a key with ", " in it cannot pass for two).
  if (describe(x) !== describe(spec) || keys.some((k) => !Object.hasOwn(obj, k)))
    fail(`${describeSpec(spec)} (${found.owner}'s state)`)
  for (const k of keys)
    checkShape(obj[k], (spec as Record<string, StateSpec>)[k]!, [...path, tuple ? Number(k) : k], found)
}

/** The specs checked on the spot: what the value should be, or undefined when it is fine. */
const SCALARS: { readonly [spec: string]: StateCheckFn | undefined } = {
  count: (x) => (Number.isInteger(x) && (x as number) >= 0 ? undefined : 'a step count (an integer ≥ 0)'),
  number: (x) => (typeof x === 'number' ? undefined : 'a number'),
  boolean: (x) => (typeof x === 'boolean' ? undefined : 'true or false'),
  any: () => undefined,
}

const VISIT = { build: false, booleans: false } as const

/** A short description of a spec: `{count, mu, nu}`, `a 2-slot tuple`. */
const describeSpec = (spec: StateSpec): string =>
  typeof spec === 'function' ? 'a custom value' : typeof spec === 'string' ? spec : describe(spec)

/**
 * @internal Throws the StructureError for a state that is not this transform's: `what` names the path, what it
 * should be and what it is; the fix follows.
 */
export function wrongState(owner: string, what: string): never {
  throw new StructureError(
    `${owner}: ${what} Is it another optimizer's state? Pass the state returned by this transform's init or update.`,
  )
}

/**
 * @internal A short description of a state's coarse shape, without its values: `{count, mu, nu}`, `an array of length
 * 2`, `a number`. chain records these of its parts' states and compares them on every step.
 */
export const slotShape = (s: unknown): string =>
  typeof s === 'object' || s === undefined ? describe(s) : `a ${typeof s}`

/** One node of a state's signature: its kind (tensor shape and dtype, keys, length), and where it is. */
interface SigNode {
  readonly parent: number
  readonly key: string | number
  readonly sig: string
}

const isEmptyNode = (x: object): boolean => (Array.isArray(x) ? x.length === 0 : Object.keys(x).length === 0)

/** The signature of a value in depth-first order (iterative; a repeated object is recorded, not walked again). */
function signature(root: unknown): SigNode[] {
  const out: SigNode[] = []
  const seen = new Set<object>()
  const stack: (readonly [unknown, number, string | number])[] = [[root, -1, '']]
  while (stack.length > 0) {
    const [x, parent, key] = stack.pop()!
    const me = out.length
    if (isTensor(x)) out.push({ parent, key, sig: `a ${x.dtype} Tensor of shape [${x.shape.join(',')}]` })
    else if (typeof x === 'object' && x !== null && (!seen.has(x) || isEmptyNode(x))) {
      // An empty {} or [] has nothing to walk, so sharing one (a frozen EmptyState used twice) is not "repeated":
      // the same state loaded from a checkpoint has two distinct empty objects and must have the same signature.
      seen.add(x)
      if (Array.isArray(x)) {
        out.push({ parent, key, sig: `an array of length ${x.length}` })
        for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], me, i])
      } else {
        const keys = Object.keys(x).sort()
        out.push({ parent, key, sig: `an object with keys [${keys.join(', ')}]` })
        for (let i = keys.length - 1; i >= 0; i--) stack.push([(x as Record<string, unknown>)[keys[i]!], me, keys[i]!])
      }
    } else
      out.push({
        parent,
        key,
        sig: x === null ? 'null' : typeof x === 'object' ? 'a repeated object' : `a ${typeof x}`,
      })
  }
  return out
}

function sigPath(nodes: readonly SigNode[], i: number, root: string): string {
  const keys: (string | number)[] = []
  for (let j = i; j > 0; j = nodes[j]!.parent) keys.push(nodes[j]!.key)
  return keystr(keys.reverse(), root)
}

/**
 * @internal A checker for the inner state of a wrapper whose inner transform does not run on every step
 * (multiSteps, conditionallyTransform, applyIfFinite): the inner state must have the signature (kinds, keys, tensor
 * shapes and dtypes) of `inner.init(params)`, so that a wrong state is refused on the step it is given rather than
 * k steps later. The signature of init is computed once and cached, so a step costs one pass over the state's
 * structure. Make one per wrapper: `const checkInner = innerStateChecker(owner, 'state.innerState', inner)`, then
 * call `checkInner(state.innerState, params ?? updates)` in `update`.
 */
export function innerStateChecker(
  owner: string,
  name: string,
  inner: { readonly init: (params: PyTree) => unknown },
): (innerState: unknown, params: PyTree) => void {
  let known: readonly SigNode[] | undefined
  const same = (a: readonly SigNode[], b: readonly SigNode[]): number => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]?.sig !== b[i]?.sig || a[i]?.key !== b[i]?.key) return i
    }
    return -1
  }
  return (innerState, params) => {
    const got = signature(innerState)
    if (known !== undefined && same(got, known) < 0) return
    let want: SigNode[]
    try {
      want = signature(inner.init(params))
    } catch {
      return // the inner transform refuses these params itself when it runs
    }
    const i = same(got, want)
    if (i < 0) {
      known = want
      return
    }
    wrongState(
      owner,
      `${sigPath(i < got.length ? got : want, i, name)} should be ${want[i]?.sig ?? 'absent'} (as the inner ` +
        `transform's init makes it); got ${got[i]?.sig ?? 'nothing'}.`,
    )
  }
}
