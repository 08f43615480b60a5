/**
 * Pytree utilities, in optax.tree's vocabulary: `import { tree } from 'descent-ts'`, then `tree.map`, `tree.add`, …
 *
 * Leaves are Tensors and numbers; arrays and plain objects are nodes (keys in sorted order); `null` is an empty
 * subtree. Functions over several trees require the same structure and leaf shapes, and name the path otherwise.
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import { DescentError, InvalidTreeError, StructureError } from './errors'
import { affineLeaves, checkLeaves, dotLeaves, maxLeaf, squaredAffineLeaves, sumLeaf, zipLeaves } from './leafMath'
import { type DType, type Tensor, arrayTypeOf, fromStorage, full, isTensor } from './tensor'
import { type PRNGKey, randomNormal, splitKey } from './prng'
import { DTypeError } from './errors'
import {
  type KeyPath,
  MISMATCH,
  defaultNames,
  forEachLeafLive,
  keystr,
  kindOf,
  mapTrees,
  setOwn,
  sortedKeys,
  walkTrees,
  LEAF_DEF,
  STRUCTURE,
  flattenPaths,
} from './treeTraversal'
import type { Leaf, MaskTree, PyTree } from './types'

export { keystr, type KeyPath }

/**
 * True for the leaves of a pytree: Tensors and numbers (and booleans, which only appear in masks).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.ok(tree.isLeaf(1) && tree.isLeaf(tensor([1])) && !tree.isLeaf([1]) && !tree.isLeaf(null))
 * @category tree
 * @since 0.1.0
 */
export const isLeaf = (x: unknown): x is Leaf => typeof x === 'number' || typeof x === 'boolean' || isTensor(x)

/**
 * Maps `f` over the leaves of one or more trees of the same structure.
 * ```text
 * map(f, t₁, …, tₙ)[path] = f(t₁[path], …, tₙ[path])
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.map((a, b) => (a as number) + (b as number), { x: 1, y: [2] }, { x: 10, y: [20] }), { x: 11, y: [22] })
 * @category tree
 * @since 0.1.0
 */
export function map<T extends PyTree>(
  f: (leaf: Leaf, ...rest: Leaf[]) => Leaf,
  tree: T,
  ...rest: readonly PyTree[]
): T {
  return mapTrees((_, ls) => f(...(ls as [Leaf, ...Leaf[]])), [tree, ...rest], defaultNames(rest.length + 1)) as T
}

/**
 * {@link map} with the key path of each leaf passed first.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.mapWithPath((p) => p.length, { a: [1, 2] }), { a: [2, 2] })
 * @category tree
 * @since 0.1.0
 */
export function mapWithPath<T extends PyTree>(
  f: (path: KeyPath, leaf: Leaf, ...rest: Leaf[]) => Leaf,
  tree: T,
  ...rest: readonly PyTree[]
): T {
  return mapTrees(
    (p, ls) => f(p.slice(), ...(ls as [Leaf, ...Leaf[]])),
    [tree, ...rest],
    defaultNames(rest.length + 1),
  ) as T
}

/**
 * Applies a scalar function element by element across the leaves of one or more trees (all leaves at one path must
 * have the same shape). Tensor results take the promoted dtype of the inputs (float64 if any is float64); numbers
 * stay numbers. This is how transforms express their per-element update rules.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * const out = tree.mapElementwise((m, v) => m / Math.sqrt(v), { w: tensor([2, 3]) }, { w: tensor([4, 9]) })
 * assert.deepStrictEqual(out.w.toArray(), [1, 1])
 * @category tree
 * @since 0.1.0
 */
export function mapElementwise<T extends PyTree>(
  f: (...xs: number[]) => number,
  tree: T,
  ...rest: readonly PyTree[]
): T {
  const names = defaultNames(rest.length + 1)
  return mapTrees((p, ls) => zipLeaves(f, ls, p, names), [tree, ...rest], names) as T
}

/**
 * {@link mapElementwise} with a name for each tree, used in error messages (`updates.w: shape [2] vs state.mu [3]`).
 * Custom transforms use it so that their errors say which argument was wrong.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.throws(() => tree.mapElementwiseNamed(['updates', 'mu'], (g, m) => g + m, [tensor([1])], [tensor([1, 2])]), /updates\[0\]: shape \[1\] vs mu \[2\]/)
 * @category tree
 * @since 0.1.0
 */
export function mapElementwiseNamed<T extends PyTree>(
  names: readonly string[],
  f: (...xs: number[]) => number,
  tree: T,
  ...rest: readonly PyTree[]
): T {
  return mapTrees((p, ls) => zipLeaves(f, ls, p, names), [tree, ...rest], names) as T
}

/**
 * The structure of a pytree without its leaves, as jax's `PyTreeDef`.
 * @category tree
 * @since 0.1.0
 */
export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'null' }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] }

/**
 * The leaves in flattening order (depth first, object keys sorted).
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.leaves({ b: 2, a: [1, null, 3] }), [1, 3, 2])
 * @category tree
 * @since 0.1.0
 */
export function leaves(tree: PyTree): Leaf[] {
  const out: Leaf[] = []
  forEachLeafLive(tree, (l) => out.push(l as Leaf))
  return out
}

/**
 * The structure of a tree.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.structure([1, null]), { kind: 'array', children: [{ kind: 'leaf' }, { kind: 'null' }] })
 * @category tree
 * @since 0.1.0
 */
export function structure(tree: PyTree | MaskTree): TreeDef {
  return walkTrees(() => LEAF_DEF, [tree], ['tree'], STRUCTURE) as TreeDef
}

/**
 * Leaves and structure of a tree; `unflatten(def, leaves)` inverts it.
 * @example
 * import { tree } from 'descent-ts'
 * const [ls, def] = tree.flatten({ w: 1, b: 2 })
 * assert.deepStrictEqual(ls, [2, 1])
 * assert.deepStrictEqual(tree.unflatten(def, [20, 10]), { b: 20, w: 10 })
 * @category tree
 * @since 0.1.0
 */
export function flatten(tree: PyTree): readonly [Leaf[], TreeDef] {
  const out: Leaf[] = []
  const visit = (_: KeyPath, ls: readonly unknown[]): TreeDef => {
    out.push(ls[0] as Leaf)
    return LEAF_DEF
  }
  return [out, walkTrees(visit, [tree], ['tree'], STRUCTURE) as TreeDef]
}

/**
 * Leaves with their key paths, and the structure.
 * @example
 * import { tree } from 'descent-ts'
 * const [pairs] = tree.flattenWithPath({ layers: [{ w: 1 }] })
 * assert.deepStrictEqual(pairs, [[['layers', 0, 'w'], 1]])
 * @category tree
 * @since 0.1.0
 */
export function flattenWithPath(tree: PyTree): readonly [(readonly [KeyPath, Leaf])[], TreeDef] {
  const { leaves: ls, paths, def } = flattenPaths(tree, 'tree')
  return [paths.map((p, i) => [p, ls[i]!] as const), def]
}

/** Checks a TreeDef (it may come from user code) and counts its leaves, iteratively. */
function countLeaves(def: TreeDef): number {
  let n = 0
  const todo: unknown[] = [def]
  while (todo.length > 0) {
    const d = todo.pop() as { readonly kind?: unknown; readonly children?: unknown; readonly keys?: unknown } | null
    const kind = typeof d === 'object' && d !== null ? d.kind : undefined
    const children = Array.isArray(d?.children) ? (d.children as unknown[]) : null
    if (kind === 'leaf') n++
    else if (kind === 'null') continue
    else if (
      children !== null &&
      (kind === 'array' || (kind === 'object' && Array.isArray(d?.keys) && d.keys.length === children.length))
    ) {
      for (const c of children) todo.push(c)
    } else {
      throw new StructureError(
        `tree.unflatten: the structure is not a TreeDef (a node is ${d === undefined ? 'undefined' : String(JSON.stringify(d)).slice(0, 60)}). ` +
          'Pass the TreeDef returned by tree.structure or tree.flatten.',
      )
    }
  }
  return n
}

/**
 * Rebuilds a tree from its structure and leaves (in flattening order).
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.unflatten(tree.structure([0, { a: 0 }]), [1, 2]), [1, { a: 2 }])
 * @category tree
 * @since 0.1.0
 */
export function unflatten(def: TreeDef, leafList: readonly Leaf[]): PyTree {
  if (!Array.isArray(leafList)) {
    throw new StructureError(`tree.unflatten: the leaves must be an array; got ${typeof leafList}.`)
  }
  const expected = countLeaves(def)
  if (leafList.length !== expected) {
    throw new StructureError(`tree.unflatten: the structure has ${expected} leaves but ${leafList.length} were given.`)
  }
  // Iterative, as the traversal: a stack of containers being filled, children in flattening order.
  let i = 0
  const make = (d: TreeDef): PyTree | UnflattenFrame => {
    if (d.kind === 'leaf') return leafList[i++]!
    if (d.kind === 'null') return null
    return new UnflattenFrame(d)
  }
  const isFrame = (x: PyTree | UnflattenFrame): x is UnflattenFrame => x instanceof UnflattenFrame
  const root = make(def)
  if (!isFrame(root)) return root
  const stack: UnflattenFrame[] = [root]
  for (;;) {
    const top = stack[stack.length - 1]!
    if (top.j === top.d.children.length) {
      stack.pop()
      const parent = stack[stack.length - 1]
      if (parent === undefined) return top.out as PyTree
      put(parent, top.out as PyTree)
      continue
    }
    const c = make(top.d.children[top.j]!)
    if (isFrame(c)) stack.push(c)
    else put(top, c)
  }
  function put(f: UnflattenFrame, v: PyTree): void {
    if (f.d.kind === 'array') (f.out as PyTree[])[f.j] = v
    else setOwn(f.out as Record<string, unknown>, f.d.keys[f.j]!, v)
    f.j++
  }
}

/** A container of {@link unflatten} being filled. */
class UnflattenFrame {
  j = 0
  readonly out: PyTree[] | Record<string, PyTree>
  constructor(readonly d: Extract<TreeDef, { readonly children: unknown }>) {
    this.out = d.kind === 'array' ? new Array<PyTree>(d.children.length) : {}
  }
}

/**
 * {@link unflatten} that returns a `Left` instead of throwing when the leaf count does not match.
 * @example
 * import { tree } from 'descent-ts'
 * import * as E from 'fp-ts/Either'
 * assert.ok(E.isLeft(tree.unflattenE(tree.structure([0, 0]), [1])))
 * @category tree
 * @since 0.1.0
 */
export const unflattenE = (def: TreeDef, leafList: readonly Leaf[]): E.Either<DescentError, PyTree> =>
  E.tryCatch(() => unflatten(def, leafList), asDescentError('tree.unflattenE'))

/** Left values are always DescentErrors: anything else thrown is wrapped (kept as the `cause`). */
const asDescentError =
  (who: string) =>
  (e: unknown): DescentError =>
    e instanceof DescentError
      ? e
      : new InvalidTreeError(`${who}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e })

/**
 * Throws an {@link InvalidTreeError} naming the first value that is neither a leaf nor a node.
 * @example
 * import { tree } from 'descent-ts'
 * assert.throws(() => tree.validate({ a: [1, undefined] } as never, 'params'), /params.a\[1\] is undefined/)
 * @category tree
 * @since 0.1.0
 */
export function validate(tree: PyTree, name = 'tree'): void {
  forEachLeafLive(
    tree,
    (l, p) => {
      if (typeof l === 'boolean')
        throw new InvalidTreeError(`${keystr(p, name)} is a boolean; only masks may hold booleans.`)
    },
    name,
  )
}

/**
 * {@link validate} as an fp-ts `Either`, for checking user input at the edges.
 * @example
 * import { tree } from 'descent-ts'
 * import * as E from 'fp-ts/Either'
 * assert.ok(E.isRight(tree.validateE({ w: 1 })))
 * assert.ok(E.isLeft(tree.validateE({ w: 'x' } as never)))
 * @category tree
 * @since 0.1.0
 */
export const validateE = <T extends PyTree>(tree: T, name = 'tree'): E.Either<DescentError, T> =>
  E.tryCatch(() => (validate(tree, name), tree), asDescentError('tree.validateE'))

/**
 * True when two trees have the same structure (same keys, lengths and null positions).
 * @example
 * import { tree } from 'descent-ts'
 * assert.ok(tree.equalStructure({ a: 1, b: [2] }, { b: [0], a: 5 }))
 * assert.ok(!tree.equalStructure({ a: 1 }, { a: [1] }))
 * @category tree
 * @since 0.1.0
 */
export function equalStructure(a: PyTree, b: PyTree): boolean {
  // A direct walk: no TreeDef or string is built, since optimizers call this on every step.
  return walkTrees(() => null, [a, b], ['a', 'b'], EQUAL_STRUCTURE) !== MISMATCH
}

const EQUAL_STRUCTURE = { build: false, booleans: true, quiet: true } as const

/**
 * A tree of the same structure filled with `fillValue` (tensors keep their shape; dtype from the leaf unless given).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * const t = tree.fullLike({ w: tensor([1, 2]), s: 3 }, 7)
 * assert.deepStrictEqual([t.w.toArray(), t.s], [[7, 7], 7])
 * @category tree
 * @since 0.1.0
 */
export function fullLike<T extends PyTree>(tree: T, fillValue: number, dtype?: DType): T {
  // mapTrees refuses boolean leaves itself.
  return mapTrees(
    (_, [l]) =>
      typeof l === 'number' ? fillValue : full((l as Tensor).shape, fillValue, dtype ?? (l as Tensor).dtype),
    [tree],
    ['tree'],
  ) as T
}

/**
 * Zeros with the structure, shapes and dtypes of `tree`.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.deepStrictEqual(tree.zerosLike({ w: tensor([1, 2]) }).w.toArray(), [0, 0])
 * @category tree
 * @since 0.1.0
 */
export const zerosLike = <T extends PyTree>(tree: T, dtype?: DType): T => fullLike(tree, 0, dtype)

/**
 * Ones with the structure, shapes and dtypes of `tree`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.onesLike([5, 6]), [1, 1])
 * @category tree
 * @since 0.1.0
 */
export const onesLike = <T extends PyTree>(tree: T, dtype?: DType): T => fullLike(tree, 1, dtype)

/**
 * Leaf-wise sum of two or more trees: `a + b + …`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.add({ a: 1 }, { a: 2 }, { a: 3 }), { a: 6 })
 * @category tree
 * @since 0.1.0
 */
export function add<T extends PyTree>(a: T, b: T, ...more: readonly T[]): T {
  if (more.length === 0) return affine(1, 1, [a, b], defaultNames(2))
  return mapElementwise((...xs) => xs.reduce((s, x) => s + x, 0), a, b, ...more)
}

/**
 * Leaf-wise difference `a − b`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.sub([3], [1]), [2])
 * @category tree
 * @since 0.1.0
 */
export const sub = <T extends PyTree>(a: T, b: T): T => affine(1, -1, [a, b], defaultNames(2))

/**
 * Leaf-wise product of two or more trees.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.mul([3], [2], [2]), [12])
 * @category tree
 * @since 0.1.0
 */
export function mul<T extends PyTree>(a: T, b: T, ...more: readonly T[]): T {
  if (more.length === 0) return mapElementwise((x, y) => x * y, a, b)
  return mapElementwise((...xs) => xs.reduce((s, x) => s * x, 1), a, b, ...more)
}

/**
 * Leaf-wise quotient `a / b`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.div([3], [2]), [1.5])
 * @category tree
 * @since 0.1.0
 */
export const div = <T extends PyTree>(a: T, b: T): T => mapElementwise((x, y) => x / y, a, b)

/**
 * Multiplies every leaf by the scalar `s`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.scale(2, { a: 1.5 }), { a: 3 })
 * @category tree
 * @since 0.1.0
 */
export const scale = <T extends PyTree>(s: number, tree: T): T => affine(s, 0, [tree], defaultNames(1))

/**
 * `x + s·y`, leaf by leaf (axpy).
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.addScale([1], 2, [3]), [7])
 * @category tree
 * @since 0.1.0
 */
export const addScale = <T extends PyTree>(x: T, s: number, y: T): T => affine(1, s, [x, y], defaultNames(2))

/** ca·x (+ cb·y, or ca·x² + cb·y with squaredAffineLeaves) over whole trees, through the closure-free leaf loops. */
const affine = <T extends PyTree>(
  ca: number,
  cb: number,
  trees: readonly T[],
  names: string[],
  leaf = affineLeaves,
): T => mapTrees((p, ls) => leaf(ca, cb, ls, p, names), trees, names) as T

/**
 * The inner product Σ ⟨a_leaf, b_leaf⟩ over all leaves, accumulated in float64.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.vdot({ w: tensor([1, 2]), s: 3 }, { w: tensor([3, 4]), s: 2 }), 17)
 * @category tree
 * @since 0.1.0
 */
export function vdot(a: PyTree, b: PyTree): number {
  let s = 0
  mapTrees(
    (p, ls) => {
      s += dotLeaves(ls, p, ['a', 'b'])
      return null
    },
    [a, b],
    ['a', 'b'],
  )
  return s
}

/**
 * Σ of all elements of all leaves (float64).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.sum({ w: tensor([1, 2]), s: 3 }), 6)
 * @category tree
 * @since 0.1.0
 */
export function sum(tree: PyTree): number {
  let s = 0
  forEachLeafLive(tree, (l, p) => (s += sumLeaf((x) => x, l, p, 'tree')))
  return s
}

/**
 * The largest element over all leaves (−Infinity for an empty tree; NaN if any element is NaN).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.max({ w: tensor([1, 5]), s: 3 }), 5)
 * @category tree
 * @since 0.1.0
 */
export function max(tree: PyTree): number {
  let m = -Infinity
  forEachLeafLive(tree, (l, p) => {
    const v = maxLeaf((x) => x, l, p, 'tree')
    if (v > m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v
  })
  return m
}

/**
 * The smallest element over all leaves (+Infinity for an empty tree; NaN if any element is NaN).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.min({ w: tensor([1, 5]), s: -3 }), -3)
 * @category tree
 * @since 0.1.0
 */
export function min(tree: PyTree): number {
  let m = Infinity
  forEachLeafLive(tree, (l, p) => {
    const v = -maxLeaf((x) => -x, l, p, 'tree')
    if (v < m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v
  })
  return m
}

/**
 * The number of elements over all leaves (a number leaf counts 1).
 * @example
 * import { tree, zeros } from 'descent-ts'
 * assert.strictEqual(tree.size({ w: zeros([2, 3]), s: 1 }), 7)
 * @category tree
 * @since 0.1.0
 */
export function size(tree: PyTree): number {
  let n = 0
  forEachLeafLive(tree, (l, p) => {
    checkLeaves([l], p, ['tree'])
    n += typeof l === 'number' ? 1 : (l as Tensor).size
  })
  return n
}

/** Options of {@link norm}. @category tree @since 0.1.0 */
export interface NormOptions {
  /** Which norm: 2 (Euclidean), 1 or Infinity. @defaultValue 2 */
  readonly ord?: 1 | 2 | typeof Infinity
  /** Return the squared norm (only for ord 2). @defaultValue false */
  readonly squared?: boolean
}

const NORM_NAMES = ['tree', 'tree']

/**
 * The global norm of a tree, treating all leaves as one vector.
 * ```text
 * ‖t‖₂ = √(Σ_leaves Σ_i x_i²)     ‖t‖₁ = Σ|x_i|     ‖t‖_∞ = max|x_i|
 * ```
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.norm({ a: tensor([3]), b: 4 }), 5)
 * assert.strictEqual(tree.norm({ a: tensor([3]), b: 4 }, { squared: true }), 25)
 * assert.strictEqual(tree.norm([tensor([3, -7])], { ord: Infinity }), 7)
 * @category tree
 * @since 0.1.0
 */
export function norm(tree: PyTree, options: NormOptions = {}): number {
  const { ord = 2, squared = false } = options
  if (ord === Infinity) {
    let m = 0
    forEachLeafLive(tree, (l, p) => {
      const v = maxLeaf(Math.abs, l, p, 'tree')
      if (v > m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v
    })
    return m
  }
  if (ord === 1) {
    let s = 0
    forEachLeafLive(tree, (l, p) => (s += sumLeaf(Math.abs, l, p, 'tree')))
    return s
  }
  if (ord !== 2) throw new RangeError(`tree.norm options.ord must be 1, 2 or Infinity; got ${String(ord)}`)
  let s = 0
  // x·x through the backend's dot: no per-element closure call on this hot path (training loops log norms every step).
  forEachLeafLive(tree, (l, p) => (s += dotLeaves([l, l], p, NORM_NAMES)))
  return squared ? s : Math.sqrt(s)
}

/**
 * Exponential moving average of the `order`-th power of the updates.
 * ```text
 * m ← (1 − decay)·gᵒʳᵈᵉʳ + decay·m
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.updateMoment([2], [1], 0.5, 2), [2.5])
 * @category tree
 * @since 0.1.0
 */
export function updateMoment<T extends PyTree>(updates: T, moments: T, decay: number, order: number): T {
  const names = ['updates', 'moments']
  if (order === 1) return affine(1 - decay, decay, [updates, moments], names)
  if (order === 2) return affine(1 - decay, decay, [updates, moments], names, squaredAffineLeaves)
  return mapElementwiseNamed(names, (g, m) => (1 - decay) * g ** order + decay * m, updates, moments)
}

/**
 * {@link updateMoment} on |g|ᵒʳᵈᵉʳ (identical to it for real values and even orders).
 * ```text
 * m ← (1 − decay)·|g|ᵒʳᵈᵉʳ + decay·m
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.updateMomentPerElemNorm([-2], [0], 0.5, 1), [1])
 * @category tree
 * @since 0.1.0
 */
export function updateMomentPerElemNorm<T extends PyTree>(updates: T, moments: T, decay: number, order: number): T {
  const names = ['updates', 'moments']
  if (order === 2) return mapElementwiseNamed(names, (g, m) => (1 - decay) * (g * g) + decay * m, updates, moments)
  return mapElementwiseNamed(names, (g, m) => (1 - decay) * Math.abs(g) ** order + decay * m, updates, moments)
}

/**
 * The infinity-norm moment of Adamax: `m ← max(|g| + eps, decay·m)`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.updateInfinityMoment([-2, 0.5], [1, 4], 0.5, 0), [2, 2])
 * @category tree
 * @since 0.1.0
 */
export const updateInfinityMoment = <T extends PyTree>(updates: T, moments: T, decay: number, eps: number): T =>
  mapElementwiseNamed(['updates', 'moments'], (g, m) => Math.max(Math.abs(g) + eps, decay * m), updates, moments)

/**
 * Adam's bias correction of a moment after `count` steps; the factor is computed once in float64.
 * ```text
 * m̂ = m / (1 − decayᶜᵒᵘⁿᵗ)
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.biasCorrection([0.1], 0.9, 1), [0.1 / (1 - 0.9)])
 * @category tree
 * @since 0.1.0
 */
export function biasCorrection<T extends PyTree>(moment: T, decay: number, count: number): T {
  const correction = 1 - decay ** count
  return mapElementwiseNamed(['moment'], (m) => m / correction, moment)
}

/**
 * Selects `x` where `condition` is true and `y` where it is false. `condition` is one boolean for the whole tree
 * or a tree of booleans (a prefix of the trees' structure).
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.where(true, { a: 1 }, { a: 2 }), { a: 1 })
 * assert.deepStrictEqual(tree.where({ a: false, b: true }, { a: 1, b: 1 }, { a: 2, b: 2 }), { a: 2, b: 1 })
 * @category tree
 * @since 0.1.0
 */
export function where<T extends PyTree>(condition: MaskTree, x: T, y: T): T {
  mapTrees(() => null, [x, y], ['x', 'y'])
  const full = broadcastMask(condition, x, 'condition')
  return mapTrees(
    (p, [c, a, b]) => {
      checkLeaves([a, b], p, ['x', 'y'])
      return c ? a : b
    },
    [full, x, y],
    ['condition', 'x', 'y'],
    true,
  ) as T
}

/**
 * Expands a mask that is a prefix of `tree` (a boolean may stand for a whole subtree) to a tree of booleans with
 * exactly the structure of `tree`. A mask that does not fit throws a StructureError naming the path.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.broadcastMask({ enc: true, dec: false }, { enc: [1, 2], dec: { w: 3 } }), { enc: [true, true], dec: { w: false } })
 * @category tree
 * @since 0.1.0
 */
export function broadcastMask(mask: MaskTree, tree: PyTree, name = 'mask'): MaskTree {
  // Iterative (masks can be as deep as the params): a stack of mask/params node pairs being expanded.
  interface Frame {
    readonly m: unknown
    readonly t: unknown
    readonly keys: readonly string[] | null
    i: number
    readonly out: MaskTree[] | Record<string, MaskTree>
  }
  const path: (string | number)[] = []
  const stack: Frame[] = []
  const open = new Set<unknown>()
  let m: unknown = mask
  let t: unknown = tree
  for (;;) {
    let value: MaskTree | undefined
    if (typeof m === 'boolean') {
      const b = m
      value = mapTrees(() => b, [t], [keystr(path, 'params')]) as MaskTree
    } else {
      const km = kindOf(m, path, name)
      const kt = kindOf(t, path, 'params', false)
      if (km === 'leaf') throw new InvalidTreeError(`${keystr(path, name)} must be a boolean; got ${String(m)}.`)
      if (km !== kt) {
        throw new StructureError(
          `${keystr(path, name)} is ${km} but the params at ${keystr(path, 'params')} are ${kt === 'leaf' ? 'a leaf' : kt}. A mask must be a prefix of the params' structure.`,
        )
      }
      if (km === 'null') value = null
      else if (km === 'array') {
        const ma = m as unknown[]
        const ta = t as unknown[]
        if (ma.length !== ta.length) {
          throw new StructureError(
            `${keystr(path, name)} has length ${ma.length} but the params at ${keystr(path, 'params')} have length ${ta.length}.`,
          )
        }
      } else {
        const mk = sortedKeys(m as object)
        const tk = sortedKeys(t as object)
        if (mk.join('\u0000') !== tk.join('\u0000')) {
          throw new StructureError(
            `${keystr(path, name)} has keys [${mk.join(', ')}] but the params at ${keystr(path, 'params')} have keys [${tk.join(', ')}].`,
          )
        }
      }
      if (value === undefined) {
        if (open.has(m)) throw new InvalidTreeError(`${keystr(path, name)} contains itself: the mask has a cycle.`)
        if (open.has(t))
          throw new InvalidTreeError(`${keystr(path, 'params')} contains itself: the params have a cycle.`)
        open.add(m).add(t)
        const keys = km === 'object' ? sortedKeys(m as object) : null
        stack.push({ m, t, keys, i: 0, out: keys === null ? [] : {} })
      }
    }
    let top = stack[stack.length - 1]
    if (value !== undefined) {
      if (top === undefined) return value
      putMask(top, value)
      path.pop()
    }
    while (top !== undefined && top.i === (top.keys === null ? (top.m as unknown[]).length : top.keys.length)) {
      stack.pop()
      open.delete(top.m)
      open.delete(top.t)
      const done = top.out as MaskTree
      top = stack[stack.length - 1]
      if (top === undefined) return done
      putMask(top, done)
      path.pop()
    }
    const key = top!.keys === null ? top!.i : top!.keys[top!.i]!
    path.push(key)
    const mNode = top!.m as Record<string | number, unknown>
    const tNode = top!.t as Record<string | number, unknown>
    m = mNode[key]
    t = tNode[key]
    if (top!.keys === null && m === undefined && !(key in mNode))
      throw new InvalidTreeError(`${keystr(path, name)} is a hole in a sparse array.`)
    if (top!.keys === null && t === undefined && !(key in tNode))
      throw new InvalidTreeError(`${keystr(path, 'params')} is a hole in a sparse array.`)
  }
  function putMask(f: Frame, v: MaskTree): void {
    if (f.keys === null) (f.out as MaskTree[])[f.i] = v
    else setOwn(f.out as Record<string, unknown>, f.keys[f.i]!, v)
    f.i++
  }
}

/** Options of {@link allClose}. @category tree @since 0.1.0 */
export interface AllCloseOptions {
  /** Relative tolerance. @defaultValue 1e-5 */
  readonly rtol?: number
  /** Absolute tolerance. @defaultValue 1e-8 */
  readonly atol?: number
}

/**
 * True when every element satisfies `a = b` or `|a − b| ≤ atol + rtol·|b|` (equal infinities are close, NaN never is).
 * Structures must match.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.ok(tree.allClose({ w: tensor([1, 2]) }, { w: tensor([1, 2.000001]) }))
 * assert.ok(!tree.allClose([1], [1.1]))
 * @category tree
 * @since 0.1.0
 */
export function allClose(a: PyTree, b: PyTree, options: AllCloseOptions = {}): boolean {
  const { rtol = 1e-5, atol = 1e-8 } = options
  // As numpy.isclose: non-finite values are close only when equal (so NaN never is), finite ones within tolerance.
  const isClose = (x: number, y: number): boolean =>
    x === y || (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= atol + rtol * Math.abs(y))
  const close = mapElementwiseNamed(['a', 'b'], (x, y) => (isClose(x, y) ? 1 : 0), a, b)
  return min(close) === 1 || size(close) === 0
}

/**
 * True when every element of every leaf is finite.
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.ok(tree.allFinite({ w: tensor([1, 2]) }))
 * assert.ok(!tree.allFinite({ w: tensor([1, NaN]) }))
 * @category tree
 * @since 0.1.0
 */
export function allFinite(tree: PyTree): boolean {
  let ok = true
  forEachLeafLive(tree, (l, p) => {
    if (ok) ok = sumLeaf((x) => (Number.isFinite(x) ? 0 : 1), l, p, 'tree') === 0
  })
  return ok
}

/**
 * Clamps every element to `[minValue, maxValue]`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.deepStrictEqual(tree.clip([-5, 0.5, 5], -1, 1), [-1, 0.5, 1])
 * @category tree
 * @since 0.1.0
 */
export const clip = <T extends PyTree>(tree: T, minValue = -Infinity, maxValue = Infinity): T =>
  mapElementwise((x) => Math.min(Math.max(x, minValue), maxValue), tree)

/**
 * Converts every tensor leaf to `dtype` (numbers stay numbers).
 * @example
 * import { tree, tensor } from 'descent-ts'
 * assert.strictEqual(tree.cast({ w: tensor([1]) }, 'float64').w.dtype, 'float64')
 * @category tree
 * @since 0.1.0
 */
export const cast = <T extends PyTree>(tree: T, dtype: DType): T =>
  mapTrees((_, [x]) => (isTensor(x) ? fromStorage(arrayTypeOf(dtype).from(x.data), x.shape) : x), [tree], ['tree']) as T

const parsePath = (path: KeyPath | string): KeyPath => {
  if (typeof path !== 'string') return path
  const out: (string | number)[] = []
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g
  for (const m of path.matchAll(re))
    out.push(m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? JSON.parse(`"${m[2]}"`) : m[3]!)
  return out
}

const child = (node: unknown, key: string | number): O.Option<unknown> => {
  if (Array.isArray(node)) return typeof key === 'number' && key >= 0 && key < node.length ? O.some(node[key]) : O.none
  if (
    typeof node === 'object' &&
    node !== null &&
    !isTensor(node) &&
    typeof key === 'string' &&
    Object.hasOwn(node, key)
  ) {
    return O.some((node as Record<string, unknown>)[key])
  }
  return O.none
}

/**
 * The subtree at a path (`['layers', 1, 'w']` or `'layers[1].w'`), or `none`.
 * @example
 * import { tree } from 'descent-ts'
 * import * as O from 'fp-ts/Option'
 * const params = { layers: [{ w: 1 }, { w: 2 }] }
 * assert.deepStrictEqual(tree.get(params, 'layers[1].w'), O.some(2))
 * assert.ok(O.isNone(tree.get(params, ['layers', 5])))
 * @category tree
 * @since 0.1.0
 */
export function get(tree: PyTree, path: KeyPath | string): O.Option<PyTree> {
  let node: O.Option<unknown> = O.some(tree)
  for (const k of parsePath(path)) node = O.isSome(node) ? child(node.value, k) : O.none
  return node as O.Option<PyTree>
}

/**
 * A copy of `tree` with the subtree at `path` replaced by `value` (the input is not modified). The path must exist.
 * @example
 * import { tree } from 'descent-ts'
 * const params = { layers: [{ w: 1 }] }
 * assert.deepStrictEqual(tree.set(params, 'layers[0].w', 5), { layers: [{ w: 5 }] })
 * assert.deepStrictEqual(params, { layers: [{ w: 1 }] })
 * @category tree
 * @since 0.1.0
 */
export function set<T extends PyTree>(tree: T, path: KeyPath | string, value: PyTree): T {
  const keys = parsePath(path)
  const go = (node: unknown, i: number): unknown => {
    if (i === keys.length) return value
    const k = keys[i]!
    const c = child(node, k)
    if (O.isNone(c)) throw new StructureError(`tree.set: ${keystr(keys.slice(0, i + 1), 'tree')} does not exist.`)
    if (Array.isArray(node)) return node.map((x, j) => (j === k ? go(x, i + 1) : x))
    return { ...(node as object), [k]: go(c.value, i + 1) }
  }
  return go(tree, 0) as T
}

/**
 * Casts every tensor of `tree` to the dtype of the tensor at the same path in `other` (optax.tree.cast_like); numbers
 * stay numbers.
 * ```text
 * castLike(t, o)[path] = cast(t[path], dtype(o[path]))
 * ```
 * @example
 * import { tensor, tree } from 'descent-ts'
 * assert.strictEqual(tree.castLike({ w: tensor([1]) }, { w: tensor([0], 'float64') }).w.dtype, 'float64')
 * @category tree
 * @since 0.2.0
 */
export const castLike = <T extends PyTree>(tree: T, other: PyTree): T =>
  mapTrees(
    (p, [x, o]) => (isTensor(x) && isTensor(o) ? zipLeaves((v) => v, [x], p, ['tree'], o.dtype) : (x as Leaf)),
    [tree, other],
    ['tree', 'other'],
  ) as T

const RANK: Readonly<Record<DType, number>> = { float32: 0, float64: 1 }

/**
 * The dtype of a tree's leaves (optax.tree.dtype). Numbers count as float64. Mixed dtypes throw unless
 * `mixedDtypeHandler` says how to pick one: `'promote'` and `'highest'` give float64, `'lowest'` float32. An empty
 * tree is float32 (descent's default).
 * ```text
 * dtype(t) = the common dtype of the leaves
 * ```
 * @throws DTypeError for mixed dtypes without a handler.
 * @example
 * import { tensor, tree } from 'descent-ts'
 * assert.strictEqual(tree.dtype({ a: tensor([1]), b: tensor([2]) }), 'float32')
 * assert.strictEqual(tree.dtype({ a: tensor([1]), b: 2 }, 'lowest'), 'float32')
 * assert.throws(() => tree.dtype({ a: tensor([1]), b: 2 }), /mixed dtypes/)
 * @category tree
 * @since 0.2.0
 */
export function dtype(tree: PyTree, mixedDtypeHandler?: 'promote' | 'highest' | 'lowest'): DType {
  const ds = leaves(tree).map((l): DType => (isTensor(l) ? l.dtype : 'float64'))
  if (ds.length === 0) return 'float32'
  const pick = (lowest: boolean) => ds.reduce((a, b) => ((lowest ? RANK[b] < RANK[a] : RANK[b] > RANK[a]) ? b : a))
  if (mixedDtypeHandler === undefined) {
    if (ds.some((d) => d !== ds[0])) {
      throw new DTypeError(
        `tree.dtype: the tree has mixed dtypes (${[...new Set(ds)].join(', ')}); pass mixedDtypeHandler ` +
          "'promote', 'highest' or 'lowest', or tree.cast the tree first.",
      )
    }
    return ds[0]!
  }
  return pick(mixedDtypeHandler === 'lowest')
}

/**
 * Broadcasts every leaf to `[...shape, ...leaf.shape]` (optax.tree.batch_shape): a batch of copies, e.g. to vmap-like
 * per-example code. Numbers become float64 tensors.
 * ```text
 * batchShape(t, s)[path] = broadcast(t[path], s ++ shape(t[path]))
 * ```
 * @example
 * import { tensor, tree } from 'descent-ts'
 * const b = tree.batchShape({ w: tensor([1, 2]) }, [3])
 * assert.deepStrictEqual(b.w.shape, [3, 2])
 * @category tree
 * @since 0.2.0
 */
export function batchShape<T extends PyTree>(tree: T, shape: readonly number[] = []): T {
  const copies = shape.reduce((a, b) => a * b, 1)
  return map((l) => {
    const data = isTensor(l) ? l.data : Float64Array.of(l)
    const out = new (arrayTypeOf(isTensor(l) ? l.dtype : 'float64'))(data.length * copies)
    for (let c = 0; c < copies; c++) out.set(data, c * data.length)
    return fromStorage(out, [...shape, ...(isTensor(l) ? l.shape : [])])
  }, tree)
}

/**
 * The complex conjugate of every leaf (optax.tree.conj). descent has no complex dtype (float32 and float64 only), so
 * this is the identity; it exists so that code written against optax.tree runs unchanged.
 * ```text
 * conj(t) = t   (real leaves)
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * const t = { a: 1 }
 * assert.strictEqual(tree.conj(t), t)
 * @category tree
 * @since 0.2.0
 */
export const conj = <T extends PyTree>(tree: T): T => tree

/**
 * The real part of every leaf (optax.tree.real); the identity in descent, whose dtypes are all real.
 * ```text
 * real(t) = t   (real leaves)
 * ```
 * @example
 * import { tree } from 'descent-ts'
 * const t = { a: 1 }
 * assert.strictEqual(tree.real(t), t)
 * @category tree
 * @since 0.2.0
 */
export const real = <T extends PyTree>(tree: T): T => tree

/**
 * One PRNG key per leaf of `target` (optax.tree.split_key_like), in the target's structure: the leaves are replaced
 * by keys (`[number, number]` pairs), split from `key` in leaf order.
 * ```text
 * splitKeyLike(k, t)[leafᵢ] = splitKey(k, #leaves)[i]
 * ```
 * @example
 * import { prngKey, splitKey, tree } from 'descent-ts'
 * const keys = tree.splitKeyLike(prngKey(0), { a: 1, b: 2 }) as unknown as { a: unknown; b: unknown }
 * assert.deepStrictEqual([keys.a, keys.b], splitKey(prngKey(0), 2))
 * @category tree
 * @since 0.2.0
 */
export function splitKeyLike(key: PRNGKey, target: PyTree): unknown {
  const keys = splitKey(key, leaves(target).length)
  let i = 0
  // The keys are placed where the leaves were (a key is a pair of numbers, so the result is not itself a PyTree).
  return map(() => keys[i++] as unknown as Leaf, target)
}

/**
 * Options of {@link randomLike}.
 * @category tree
 * @since 0.2.0
 */
export interface RandomLikeOptions {
  /** Draws a tensor of a shape and dtype from a key. @defaultValue a standard normal (randomNormal) */
  readonly sampler?: (key: PRNGKey, shape: readonly number[], dtype: DType) => Tensor
  /** The dtype of every leaf. @defaultValue each leaf's own (float64 for numbers) */
  readonly dtype?: DType
}

/**
 * A random tree of the structure and shapes of `target` (optax.tree.random_like), one key per leaf
 * ({@link splitKeyLike}); number leaves become 0-d tensors.
 * ```text
 * randomLike(k, t)[leafᵢ] = sampler(kᵢ, shape(leafᵢ), dtype)
 * ```
 * @example
 * import { prngKey, tensor, tree } from 'descent-ts'
 * const r = tree.randomLike(prngKey(1), { w: tensor([0, 0, 0]) })
 * assert.deepStrictEqual([r.w.shape, r.w.dtype], [[3], 'float32'])
 * @category tree
 * @since 0.2.0
 */
export function randomLike<T extends PyTree>(key: PRNGKey, target: T, options: RandomLikeOptions = {}): T {
  const sampler = options.sampler ?? ((k, shape, dt) => randomNormal(k, shape, { dtype: dt }))
  const keys = splitKey(key, leaves(target).length)
  let i = 0
  return map((l) => {
    const shape = isTensor(l) ? l.shape : []
    return sampler(keys[i++]!, shape, options.dtype ?? (isTensor(l) ? l.dtype : 'float64'))
  }, target)
}

/**
 * optax.tree.unwrap_random_key_data turns JAX's typed key arrays into their raw data; descent's keys are already
 * plain `[number, number]` pairs, so this is the identity.
 * ```text
 * unwrapRandomKeyData(t) = t
 * ```
 * @example
 * import { prngKey, tree } from 'descent-ts'
 * const k = prngKey(3)
 * assert.strictEqual(tree.unwrapRandomKeyData(k), k)
 * @category tree
 * @since 0.2.0
 */
export const unwrapRandomKeyData = <T>(tree: T): T => tree

/**
 * Every value stored under the object key `key` anywhere in a tree (optax.tree.get_all_with_path), with its path, in
 * depth-first order; `filtering(path, value)` keeps only some. Use it on optimizer states (`'count'`, `'mu'`, ...).
 * ```text
 * getAllWithPath(t, k) = [(path, value) for every node whose key is k]
 * ```
 * @example
 * import { adam, tensor, tree } from 'descent-ts'
 * const state = adam(0.1).init({ w: tensor([1, 2]) })
 * const found = tree.getAllWithPath(state as never, 'count')
 * assert.deepStrictEqual(found, [[[0, 'count'], 0]])
 * @category tree
 * @since 0.2.0
 */
export function getAllWithPath(
  tree: unknown,
  key: string,
  filtering?: (path: KeyPath, value: unknown) => boolean,
): (readonly [KeyPath, unknown])[] {
  const out: (readonly [KeyPath, unknown])[] = []
  const go = (node: unknown, path: KeyPath): void => {
    if (node === null || typeof node !== 'object' || isTensor(node)) return
    if (Array.isArray(node)) {
      node.forEach((x, i) => go(x, [...path, i]))
      return
    }
    for (const k of Object.keys(node).sort()) {
      const v = (node as Record<string, unknown>)[k]
      if (k === key && (filtering === undefined || filtering([...path, k], v))) out.push([[...path, k], v] as const)
      go(v, [...path, k])
    }
  }
  go(tree, [])
  return out
}

/**
 * Options of {@link mapParams}.
 * @category tree
 * @since 0.2.0
 */
export interface MapParamsOptions {
  /** Applied to every leaf of the state that is not part of a params-shaped subtree. @defaultValue identity */
  readonly transformNonParams?: (leaf: Leaf) => unknown
  /** A tree with the params' structure and shapes; needed when `rest` is empty. */
  readonly params?: PyTree
  /**
   * Marks nodes of the state's params copies that `f` gets whole, as jax.tree.map's `is_leaf` (optax's `is_leaf`):
   * such a node stands for the params' subtree at its path, whatever that holds, and `f` gets that subtree of each
   * `rest` tree. For states whose copies differ from the params in places, e.g. `masked`'s `null` subtrees:
   * `isLeaf: (x) => x === null`. @defaultValue none (only tensors and numbers are leaves)
   */
  readonly isLeaf?: (node: unknown) => boolean
}

/** A params-shaped subtree of the state, under `isLeaf`: its nodes match the template's where isLeaf is false. */
function matchesUpTo(node: unknown, template: unknown, isLeafNode: (x: unknown) => boolean): boolean {
  if (isLeafNode(node)) return true
  if (isLeaf(node))
    return (
      isLeaf(template) &&
      (isTensor(node) ? isTensor(template) && node.shape.join() === template.shape.join() : !isTensor(template))
    )
  if (node === null || template === null) return node === template
  if (Array.isArray(node)) {
    return (
      Array.isArray(template) &&
      node.length === template.length &&
      node.every((v, i) => matchesUpTo(v, template[i], isLeafNode))
    )
  }
  if (typeof node !== 'object' || typeof template !== 'object' || Array.isArray(template) || isTensor(template))
    return false
  const [a, b] = [sortedKeys(node), sortedKeys(template)]
  const t = template as Record<string, unknown>
  return (
    a.join('\u0000') === b.join('\u0000') &&
    a.every((k) => matchesUpTo((node as Record<string, unknown>)[k], t[k], isLeafNode))
  )
}

/** jax.tree.map(f, node, *rest, is_leaf): `rest` flattened up to the leaves of `node`. */
function mapUpTo(
  f: (node: unknown, ...rest: unknown[]) => unknown,
  node: unknown,
  rest: readonly unknown[],
  isLeafNode: (x: unknown) => boolean,
): unknown {
  if (isLeafNode(node) || isLeaf(node)) return f(node, ...rest)
  if (node === null) return null
  const at = (k: string | number) => rest.map((r) => (r as Record<string | number, unknown>)[k])
  if (Array.isArray(node)) return node.map((v, i) => mapUpTo(f, v, at(i), isLeafNode))
  const out: Record<string, unknown> = {}
  for (const k of sortedKeys(node as object))
    setOwn(out, k, mapUpTo(f, (node as Record<string, unknown>)[k], at(k), isLeafNode))
  return out
}

/**
 * Maps `f` over the copies of the params inside an optimizer state (optax.tree.map_params, optax.tree_map_params):
 * every subtree with the params' structure and leaf shapes (Adam's `mu` and `nu`, ...) gets `f(leaf, ...restLeaves)`;
 * the other leaves (`count`, ...) go through `transformNonParams`. The params' structure is taken from `rest[0]` or
 * `options.params`. `initable` (an optimizer or its `init`) is accepted for optax's signature.
 * ```text
 * mapParams(opt, f, s, [r])[p] = f(s[p], r[p′])   for p inside a params-shaped subtree at p₀ (p = p₀ ++ p′)
 * ```
 * @returns a state of the same structure.
 * @throws StructureError when neither `rest[0]` nor `options.params` gives the params' structure.
 * @example
 * import { adam, tensor, tree } from 'descent-ts'
 * const params = { w: tensor([1, 2]) }
 * const opt = adam(0.1)
 * const specs = { w: tensor([7, 7]) }
 * const out = tree.mapParams(opt, (_, spec) => spec, opt.init(params) as never, [specs], { transformNonParams: () => -1 })
 * const [adamState] = out as unknown as [{ count: number; mu: { w: unknown } }]
 * assert.ok(adamState.count === -1 && adamState.mu.w === specs.w)
 * // With isLeaf, a masked state's null subtrees reach f whole (here with the params' subtree there)
 * const p2 = { a: tensor([1]), b: tensor([2, 3]) }
 * const state = { mu: { a: tensor([0.5]), b: null }, count: 4 }
 * const seen = tree.mapParams(null, (m, p) => (m === null ? 'masked' : p), state, [p2], { isLeaf: (x) => x === null })
 * assert.deepStrictEqual(seen, { count: 4, mu: { a: p2.a, b: 'masked' } })
 * @category tree
 * @since 0.2.0
 */
export function mapParams(
  initable: unknown,
  f: (leaf: Leaf, ...rest: Leaf[]) => unknown,
  state: unknown,
  rest?: readonly PyTree[],
  options?: MapParamsOptions & { readonly isLeaf?: undefined },
): unknown
export function mapParams(
  initable: unknown,
  f: (node: unknown, ...rest: unknown[]) => unknown,
  state: unknown,
  rest: readonly PyTree[],
  options: MapParamsOptions & { readonly isLeaf: (node: unknown) => boolean },
): unknown
export function mapParams(
  initable: unknown,
  f: (leaf: never, ...rest: never[]) => unknown,
  state: unknown,
  rest: readonly PyTree[] = [],
  options: MapParamsOptions = {},
): unknown {
  void initable
  const template = rest[0] ?? options.params
  if (template === undefined) {
    throw new StructureError(
      'tree.mapParams: pass a tree with the params structure as rest[0] or options.params, so that the copies of ' +
        'the params inside the state can be found.',
    )
  }
  const other = options.transformNonParams ?? ((l: Leaf) => l)
  const fn = f as (node: unknown, ...rest: unknown[]) => unknown
  const isLeafNode = options.isLeaf
  const sameShapes = (node: PyTree) => {
    if (isLeafNode !== undefined) return matchesUpTo(node, template, isLeafNode)
    if (!equalStructure(node, template)) return false
    const a = leaves(node)
    const b = leaves(template)
    return a.every((l, i) => {
      const t = b[i]!
      return isTensor(l) && isTensor(t) ? l.shape.join() === t.shape.join() : !isTensor(l) && !isTensor(t)
    })
  }
  const go = (node: unknown): unknown => {
    if (node !== null && (typeof node === 'object' || typeof node === 'number') && sameShapes(node as PyTree)) {
      if (isLeafNode !== undefined) return mapUpTo(fn, node, rest, isLeafNode)
      return map((l, ...rs) => fn(l, ...rs) as Leaf, node as PyTree, ...rest)
    }
    if (node === null || node === undefined) return node
    if (typeof node === 'number' || isTensor(node)) return other(node as Leaf)
    if (Array.isArray(node)) return node.map(go)
    if (typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, go(v)]))
    return node
  }
  return go(state)
}
