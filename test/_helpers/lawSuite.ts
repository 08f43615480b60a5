/**
 * The generic law suite run over every transform and optimizer (STYLE.md item 24, optax's `test_scalers`).
 *
 * Each law is a plain function that throws (through vitest's `expect`) when the law is broken, so the suite can
 * also be run on deliberately broken transforms to show that every law is able to fail.
 * `describeTransformLaws(cases)` wraps every law of every case in a vitest `it`.
 */
import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type MaskTree,
  type PRNGKey,
  type PyTree,
  applyUpdates,
  chain,
  identity,
  isTensor,
  prngKey,
  randomNormal,
  splitKey,
  stateless,
  tensor,
  tree,
} from '../../src/index'
import { expectInputsUnchanged, expectSameStructure, expectTreesEqual } from './assertions'

// Transforms of every state type go in one table, and a GradientTransformation<S> is contravariant in S.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>

/** A named subtree of a state and the tree whose structure, shapes and dtypes it must have. */
export type Moment = readonly [name: string, subtree: PyTree, like: PyTree]

/** One row of the law table. */
export interface LawCase {
  /** The row's name in the test report. */
  readonly name: string
  /** Builds a fresh transform (called once per law). */
  readonly make: () => AnyTransformation
  /**
   * The subtrees of the state that must mirror the params (moments, traces, accumulators), each paired with the tree
   * whose structure, shapes and dtypes it must have (the params unless said otherwise, e.g. a masked inner state).
   * Stateless transforms return `[]`.
   */
  readonly moments?: (state: unknown, params: PyTree) => readonly Moment[]
  /** Whether the params tree has a JS number leaf. @defaultValue true */
  readonly numberLeaf?: boolean
  /** Number of steps the trajectory laws run. @defaultValue 5 */
  readonly steps?: number
}

// ---- the fixed params tree and random gradients -------------------------------------------------------------

const f32 = (key: PRNGKey, shape: readonly number[]) => randomNormal(key, shape, { dtype: 'float32' })
const f64 = (key: PRNGKey, shape: readonly number[]) => randomNormal(key, shape, { dtype: 'float64' })

/**
 * A fixed, mixed params tree: nested objects and arrays, a `null` subtree (also inside an array), float32 tensors of
 * ranks 0 to 3, one float64 tensor and (optionally) a JS number leaf.
 */
export function lawParams(options: { readonly numberLeaf?: boolean } = {}): PyTree {
  const { numberLeaf = true } = options
  const k = splitKey(prngKey(20240501), 8)
  return {
    layers: [
      { w: f32(k[0]!, [3, 4]), b: f32(k[1]!, [4]) },
      { w: f32(k[2]!, [4, 2]), b: f32(k[3]!, [2]) },
    ],
    embed: f32(k[4]!, [2, 3, 2]),
    scalar: tensor(0.75),
    frozen: null,
    head: { kernel: f64(k[5]!, [2, 3]), slots: [f32(k[6]!, [1]), null] },
    ...(numberLeaf ? { gain: 1.25 } : {}),
  }
}

/** A prefix mask of {@link lawParams} that selects some leaves and whole subtrees. */
export function lawMask(options: { readonly numberLeaf?: boolean } = {}): MaskTree {
  const { numberLeaf = true } = options
  return {
    layers: [{ w: true, b: false }, true],
    embed: false,
    scalar: true,
    frozen: null,
    head: { kernel: true, slots: false },
    ...(numberLeaf ? { gain: false } : {}),
  }
}

/** A mask function of the params: selects the tensors of rank ≥ 2 (the "weight matrices"). */
export const lawMaskFn = (params: PyTree): MaskTree =>
  tree.map((l) => (isTensor(l) && l.shape.length >= 2) as never, params) as unknown as MaskTree

/**
 * The tree a masked inner transform sees: `params` with every subtree where the prefix `mask` is false replaced by
 * `null` (written here independently of the library's masking helpers).
 */
export function maskedLike(params: PyTree, mask: MaskTree): PyTree {
  if (typeof mask === 'boolean') return mask ? params : null
  if (mask === null || params === null) return null
  if (Array.isArray(mask)) return (params as readonly PyTree[]).map((p, i) => maskedLike(p, mask[i]!))
  const m = mask as Record<string, MaskTree>
  return Object.fromEntries(Object.entries(params as Record<string, PyTree>).map(([k, p]) => [k, maskedLike(p, m[k]!)]))
}

/**
 * A random gradient tree with the structure, shapes and dtypes of `params`: standard normals times `scale`, a fresh
 * key per leaf.
 */
export function randomGrads(key: PRNGKey, params: PyTree, scale = 1): PyTree {
  const leafCount = tree.leaves(params).length
  const keys = splitKey(key, Math.max(leafCount, 1))
  let i = 0
  return tree.map((l) => {
    const k = keys[i++]!
    if (typeof l === 'number') return scale * randomNormal(k, [], { dtype: 'float64' }).item()
    return tree.scale(scale, randomNormal(k, l.shape, { dtype: l.dtype }))
  }, params)
}

/** The gradients of step t of a case's trajectory (different magnitudes per step, including a tiny one). */
const SCALES = [1, 0.5, 3, 1e-3, 2, 1, 0.25, 10]
export const stepGrads = (t: number, params: PyTree): PyTree =>
  randomGrads(splitKey(prngKey(7919 + t))[0]!, params, SCALES[t % SCALES.length]!)

// ---- running a transform -------------------------------------------------------------------------------------

/** One step of a trajectory. */
export interface Step {
  readonly params: PyTree
  readonly grads: PyTree
  readonly state: unknown
  readonly updates: PyTree
  readonly nextState: unknown
}

/** Runs `steps` updates from `init(params)`, applying the updates to the params between steps. */
export function trajectory(tx: AnyTransformation, params0: PyTree, steps: number): Step[] {
  const out: Step[] = []
  let params = params0
  let state: unknown = tx.init(params)
  for (let t = 0; t < steps; t++) {
    const grads = stepGrads(t, params)
    const [updates, nextState] = tx.update(grads, state, params)
    out.push({ params, grads, state, updates, nextState })
    params = applyUpdates(params, updates)
    state = nextState
  }
  return out
}

/** The updates of a trajectory driven by the same gradients and params as `reference` (teacher forcing). */
function updatesAlong(tx: AnyTransformation, reference: readonly Step[]): PyTree[] {
  let state: unknown = tx.init(reference[0]!.params)
  return reference.map((s) => {
    const [u, next] = tx.update(s.grads, state, s.params)
    state = next
    return u
  })
}

// ---- helper transforms for the chain laws (independent of the transforms under test) ------------------------

/** A stateful helper: heavy-ball momentum `m ← g + ½·m; u = m` written with core tree functions only. */
export const helperMomentum = (): GradientTransformation<{ readonly m: PyTree }> => ({
  init: (params) => ({ m: tree.zerosLike(params) }),
  update: (updates, state) => {
    const m = tree.mapElementwise((g, mm) => g + 0.5 * mm, updates, state.m as typeof updates)
    return [m, { m }] as const
  },
})

/** A stateless helper: `u = −0.3·g`. */
export const helperScale = (): AnyTransformation => stateless((g) => tree.scale(-0.3, g))

// ---- the laws --------------------------------------------------------------------------------------------------

const paramsOf = (c: LawCase) => lawParams({ numberLeaf: c.numberLeaf ?? true })
const stepsOf = (c: LawCase) => c.steps ?? 5

/** init gives a finite state; its moment subtrees have the params' structure, shapes and dtypes; init is pure. */
export function lawInit(c: LawCase): void {
  const params = paramsOf(c)
  const tx = c.make()
  const state = expectInputsUnchanged(() => tx.init(params), params)
  expect(tree.allFinite(state as PyTree), 'state leaves are finite').toBe(true)
  expectTreesEqual(tx.init(params), state)
  for (const [name, subtree, like] of c.moments?.(state, params) ?? []) {
    expect(subtree, `moment ${name} exists`).not.toBeUndefined()
    expectSameStructure(subtree, like)
  }
}

/** update keeps structure, shapes and dtypes, gives finite updates and a finite state. */
export function lawUpdateStructure(c: LawCase): void {
  for (const s of trajectory(c.make(), paramsOf(c), stepsOf(c))) {
    expectSameStructure(s.updates, s.grads)
    expect(tree.allFinite(s.updates), 'updates are finite').toBe(true)
    expect(tree.allFinite(s.nextState as PyTree), 'state is finite').toBe(true)
    for (const [name, subtree, like] of c.moments?.(s.nextState, s.params) ?? []) {
      expect(subtree, `moment ${name} exists`).not.toBeUndefined()
      expectSameStructure(subtree, like)
    }
  }
}

/** The same inputs give bit-identical outputs, on repeated calls and on repeated trajectories. */
export function lawDeterministic(c: LawCase): void {
  const tx = c.make()
  const a = trajectory(tx, paramsOf(c), stepsOf(c))
  for (const s of a) {
    const again = tx.update(s.grads, s.state, s.params)
    expectTreesEqual(again[0], s.updates)
    expectTreesEqual(again[1], s.nextState)
  }
  const b = trajectory(c.make(), paramsOf(c), stepsOf(c))
  a.forEach((s, t) => {
    expectTreesEqual(b[t]!.updates, s.updates)
    expectTreesEqual(b[t]!.nextState, s.nextState)
  })
}

/** Neither init nor update modifies any input (byte comparison of every typed array). */
export function lawInputsUnchanged(c: LawCase): void {
  const tx = c.make()
  let params = paramsOf(c)
  let state: unknown = expectInputsUnchanged(() => tx.init(params), params)
  for (let t = 0; t < stepsOf(c); t++) {
    const grads = stepGrads(t, params)
    const [u, next] = expectInputsUnchanged(() => tx.update(grads, state, params), grads, state, params)
    params = applyUpdates(params, u)
    state = next
  }
}

/** The state's structure (and leaf shapes and dtypes) is the same after every step as after init. */
export function lawStateStructureStable(c: LawCase): void {
  const steps = trajectory(c.make(), paramsOf(c), stepsOf(c))
  const initial = steps[0]!.state as PyTree
  for (const s of steps) {
    expect(tree.structure(s.nextState as PyTree)).toEqual(tree.structure(initial))
    expectSameStructure(s.nextState as PyTree, initial)
  }
}

/** Extra arguments the transform does not use are ignored (optax's alias_test). */
export function lawIgnoresUnknownExtraArgs(c: LawCase): void {
  const tx = c.make()
  for (const s of trajectory(tx, paramsOf(c), stepsOf(c))) {
    const [u, next] = tx.update(s.grads, s.state, s.params, { unexpectedExtraArgYourTransformDoesNotExpect: 1 })
    expectTreesEqual(u, s.updates)
    expectTreesEqual(next, s.nextState)
  }
}

/** chain(identity(), t) ≡ t ≡ chain(t, identity()): bit-identical updates, and the inner state is t's state. */
export function lawChainIdentity(c: LawCase): void {
  const reference = trajectory(c.make(), paramsOf(c), stepsOf(c))
  const expected = reference.map((s) => s.updates)
  expectTreesEqual(updatesAlong(chain(identity(), c.make()), reference), expected)
  expectTreesEqual(updatesAlong(chain(c.make(), identity()), reference), expected)
  const left = trajectory(chain(identity(), c.make()), paramsOf(c), stepsOf(c))
  left.forEach((s, t) => expectTreesEqual((s.nextState as readonly unknown[])[1], reference[t]!.nextState))
}

/** chain(chain(a, b), c) ≡ chain(a, chain(b, c)) ≡ chain(a, b, c), with t in each position. */
export function lawChainAssociative(c: LawCase): void {
  const triples: readonly (readonly [() => AnyTransformation, () => AnyTransformation, () => AnyTransformation])[] = [
    [c.make, helperMomentum, helperScale],
    [helperScale, c.make, helperMomentum],
    [helperMomentum, helperScale, c.make],
  ]
  for (const [a, b, d] of triples) {
    const reference = trajectory(chain(a(), b(), d()), paramsOf(c), stepsOf(c))
    const expected = reference.map((s) => s.updates)
    expectTreesEqual(updatesAlong(chain(chain(a(), b()), d()), reference), expected)
    expectTreesEqual(updatesAlong(chain(a(), chain(b(), d())), reference), expected)
  }
}

/** Every law, by name. */
export const LAWS = {
  'init gives a finite state whose moments mirror the params': lawInit,
  'update keeps structure, shapes and dtypes': lawUpdateStructure,
  'same inputs give bit-identical outputs': lawDeterministic,
  'no input is modified': lawInputsUnchanged,
  'state structure is stable across steps': lawStateStructureStable,
  'unknown extra args are ignored': lawIgnoresUnknownExtraArgs,
  'chain(identity(), t) ≡ t ≡ chain(t, identity())': lawChainIdentity,
  'chain is associative': lawChainAssociative,
} as const satisfies Record<string, (c: LawCase) => void>

/** Registers one `describe` per case with one `it` per law. */
export function describeTransformLaws(cases: readonly LawCase[]): void {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    for (const [name, law] of Object.entries(LAWS)) it(name, () => law(c))
  })
}

/** Moment accessor for a state record: the named fields, each compared with the params. */
export const fields =
  (...names: readonly string[]) =>
  (state: unknown, params: PyTree) =>
    names.map((n) => [n, (state as Record<string, PyTree>)[n] as PyTree, params] as const)

/** Moment accessor for the i-th part of a chain's state. */
export const part = (i: number, inner: NonNullable<LawCase['moments']>) => (state: unknown, params: PyTree) =>
  inner((state as readonly unknown[])[i], params)
