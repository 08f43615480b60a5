import { InvalidTreeError, StructureError } from './errors'
import { isTensor } from './tensor'
import type { TreeDef } from './tree'
import type { Leaf } from './types'

/**
 * A path from the root of a pytree to one of its parts: object keys and array indices.
 * @category tree
 * @since 0.1.0
 */
export type KeyPath = readonly (string | number)[]

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * The readable form of a key path, as jax's `keystr`: `root.layers[1].w`.
 * @example
 * import { tree } from 'descent-ts'
 * assert.strictEqual(tree.keystr(['layers', 1, 'w'], 'params'), 'params.layers[1].w')
 * assert.strictEqual(tree.keystr(['odd key']), '["odd key"]')
 * @category tree
 * @since 0.1.0
 */
export function keystr(path: KeyPath, root = ''): string {
  let s = root
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`
    else if (IDENTIFIER.test(k)) s += `${s === '' ? '' : '.'}${k}`
    else s += `[${JSON.stringify(k)}]`
  }
  return s === '' ? '(root)' : s
}

/** @internal */
export type NodeKind = 'leaf' | 'null' | 'array' | 'object'

const isPlainObject = (x: object): boolean => {
  const proto = Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

/**
 * @internal What a value is, for messages: `a number (3)`, `a Tensor of shape [2]`, `an array of length 2`, `{a, b}`
 * (a plain object's sorted keys), `null`, `undefined`, and what is wrong with a value that is no pytree node.
 */
export function describe(x: unknown): string {
  if (isTensor(x)) return `a Tensor of shape [${x.shape}]`
  if (typeof x !== 'object' || x === null) return x == null ? String(x) : `a ${typeof x} (${String(x)})`
  if (Array.isArray(x)) return `an array of length ${x.length}`
  if (ArrayBuffer.isView(x)) return `a raw ${x.constructor.name}; wrap it with tensor(data, shape)`
  if ((x as { _tag?: unknown })._tag === 'Tensor')
    return "a serialised tensor (_tag 'Tensor'): restore it with loadCheckpoint or tensor(values, shape)"
  return isPlainObject(x)
    ? `{${sortedKeys(x).join(', ')}}`
    : `an instance of ${x.constructor?.name ?? 'an unknown class'}`
}

/**
 * @internal What a value is as a pytree node; anything that is not a leaf or a node is an error naming its path.
 * Booleans are leaves only where `booleans` is true (masks); elsewhere they are an InvalidTreeError.
 */
export function kindOf(x: unknown, path: KeyPath, root: string, booleans = true): NodeKind {
  if (typeof x === 'number') return 'leaf'
  if (x === null) return 'null'
  if (typeof x === 'object') {
    if (isTensor(x)) return 'leaf'
    if (Array.isArray(x)) return 'array'
    // (A typed array is no plain object.)
    if (isPlainObject(x) && (x as { _tag?: unknown })._tag !== 'Tensor') return 'object'
  } else if (typeof x === 'boolean') {
    if (booleans) return 'leaf'
    throw booleanLeafError(path, root)
  }
  throw new InvalidTreeError(
    `${keystr(path, root)} is ${describe(x)}. Leaves are Tensors or numbers; nodes: arrays, plain objects, null.`,
  )
}

/** @internal The error for a boolean leaf where numbers are needed (booleans are only for masks). */
export const booleanLeafError = (path: KeyPath, root: string | undefined): InvalidTreeError =>
  new InvalidTreeError(`${keystr(path, root)} is a boolean, which only masks hold. Use a Tensor or number.`)

/** @internal Sorted keys of a dict node (jax flattens dicts in sorted key order). */
export const sortedKeys = (x: object): string[] => sortKeys(Object.keys(x))

// Above this many keys `Array.prototype.sort`; below, an insertion sort in place.
const INSERTION_SORT_MAX = 16

/**
 * Sorts distinct keys in place in the order of `Array.prototype.sort()` (UTF-16 code units). A params dict has a
 * few keys and every tree walk sorts each dict it meets; V8's sort allocates work arrays on each call (a sizeable
 * share of a small training step's garbage), an insertion sort over a handful of strings allocates nothing.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!
    let j = i - 1
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!
    keys[j + 1] = k
  }
  return keys
}

/**
 * @internal Stores `value` under `key` as an own data property. A plain assignment of `__proto__` would call the
 * inherited setter and change the prototype instead (prototype pollution), so that one key is defined explicitly.
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true })
  else out[key] = value
}

function mismatch(path: KeyPath, names: readonly string[], i: number, x: unknown, y: unknown): never {
  throw new StructureError(
    `${keystr(path, names[0])}: ${names[0]} has ${describe(x)} but ${names[i]} has ${describe(y)} ` +
      `(at ${keystr(path, names[i])}). Build one from the other (tree.zerosLike) or fix the keys.`,
  )
}

/** @internal Default names of the trees in error messages. */
export function defaultNames(n: number): string[] {
  // A plain loop: Array.from with a map function is several times slower, and every multi-tree walk calls this.
  const names: string[] = []
  for (let i = 0; i < n; i++) names.push(i === 0 ? 'tree' : `tree#${i + 1}`)
  return names
}

/**
 * One array or object node being visited: the nodes of every tree at its path, the child being visited (-1 before the
 * first) and the output built so far.
 */
interface Frame {
  readonly nodes: readonly unknown[]
  readonly keys: readonly string[] | null
  readonly len: number
  i: number
  readonly out: unknown[] | Record<string, unknown> | null
}

/** @internal Options of {@link walkTrees}. */
export interface WalkOptions {
  /** Build and return the output tree (otherwise only visit the leaves). */
  readonly build: boolean
  /** Accept boolean leaves (masks). */
  readonly booleans: boolean
  /** On a structure mismatch return {@link MISMATCH} instead of throwing. */
  readonly quiet?: boolean
  /**
   * The other trees may hold any value where the first has a leaf (optax's "prefix" tree.map: per-leaf lists of
   * accumulators); `f` receives those values unchecked.
   */
  readonly prefix?: boolean
  /**
   * Builds each container's output from its children (in key order) instead of an array or plain object, and
   * stands for `null` nodes (used by `tree.structure`).
   */
  readonly nodes?: {
    readonly null: unknown
    readonly array: (children: unknown[]) => unknown
    readonly object: (keys: readonly string[], children: unknown[]) => unknown
  }
}

/** @internal What {@link walkTrees} returns on a mismatch with `quiet`. */
export const MISMATCH: unique symbol = Symbol('descent.mismatch')

// Up to this depth the cycle check scans the stack; deeper it keeps a Set of the ancestors (linear time overall).
const SCAN_DEPTH = 24

function holeError(path: KeyPath, name: string): never {
  throw new InvalidTreeError(
    `${keystr(path, name)} is a hole in a sparse array. Fill it, or use null for an empty subtree.`,
  )
}

function cycleError(path: KeyPath, ancestor: number, name: string): never {
  throw new InvalidTreeError(
    `${keystr(path, name)} is the same object as its ancestor ${keystr(path.slice(0, ancestor), name)}: the tree has a cycle. ` +
      'Remove the back-reference.',
  )
}

/**
 * @internal The one traversal every tree operation goes through, iterative (no recursion limit; linear time in
 * the size of the trees) and cycle-safe. The first tree fixes the structure and the others must match it node for
 * node. `f` receives the path (a live view: copy it to keep it) and the leaves found at it.
 */
export function walkTrees(
  f: (path: KeyPath, leaves: readonly unknown[]) => unknown,
  trees: readonly unknown[],
  names: readonly string[],
  options: WalkOptions,
): unknown {
  const n = trees.length
  const { build, booleans, quiet, prefix, nodes: hooks } = options
  const name0 = names[0]!
  const path: (string | number)[] = []
  const stack: Frame[] = []
  let ancestors: Set<unknown> | null = null
  let nodes: readonly unknown[] = trees
  for (;;) {
    // Visit the position `path`, whose nodes (one per tree) are `nodes`.
    const x = nodes[0]
    const kind = kindOf(x, path, name0, booleans)
    // The sorted keys of an object node: compared with the other trees' and then walked in this order.
    const keys: string[] | null = kind === 'object' ? sortedKeys(x as object) : null
    for (let t = kind === 'leaf' && prefix ? n : 1; t < n; t++) {
      const y = nodes[t]
      if (y === x) continue
      const kindY = kindOf(y, path, names[t]!, booleans)
      let bad = kindY !== kind
      if (!bad && kind === 'array') bad = (y as unknown[]).length !== (x as unknown[]).length
      else if (!bad && keys !== null) {
        const ky = sortedKeys(y as object)
        bad = keys.length !== ky.length
        for (let j = 0; !bad && j < keys.length; j++) bad = keys[j] !== ky[j]
      }
      if (bad) {
        if (quiet) return MISMATCH
        mismatch(path, names, t, x, y)
      }
    }
    let top = stack[stack.length - 1]
    let value: unknown
    if (kind === 'leaf' || kind === 'null') {
      value = kind === 'leaf' ? f(path, nodes) : hooks === undefined ? null : hooks.null
      if (top === undefined) return value
    } else {
      // A container: check it is not its own ancestor, then open it (i = -1: no child visited yet).
      if (stack.length > SCAN_DEPTH) ancestors ??= new Set(stack.map((fr) => fr.nodes[0]))
      const at = ancestors?.has(x) === false ? -1 : stack.findIndex((fr) => fr.nodes[0] === x)
      if (at >= 0) cycleError(path, at, name0)
      ancestors?.add(x)
      const len = keys === null ? (x as unknown[]).length : keys.length
      const out = !build ? null : keys === null || hooks !== undefined ? new Array<unknown>(len) : {}
      top = { nodes, keys, len, i: -1, out }
      stack.push(top)
    }
    // Store the value of child i in its parent and move on to the next position, closing every finished container.
    for (;;) {
      if (top.i >= 0) {
        const { out, keys } = top
        if (out !== null) {
          if (keys === null || hooks !== undefined) (out as unknown[])[top.i] = value
          else setOwn(out as Record<string, unknown>, keys[top.i]!, value)
        }
        path.pop()
      }
      if (++top.i < top.len) break
      stack.pop()
      ancestors?.delete(top.nodes[0])
      value =
        hooks === undefined || top.out === null
          ? top.out
          : top.keys === null
            ? hooks.array(top.out as unknown[])
            : hooks.object(top.keys, top.out as unknown[])
      const parent = stack[stack.length - 1]
      if (parent === undefined) return value // null when not building
      top = parent
    }
    // Descend into child top.i.
    const key = top.keys === null ? top.i : top.keys[top.i]!
    path.push(key)
    const next = new Array<unknown>(n)
    for (let t = 0; t < n; t++) {
      const node = top.nodes[t] as Record<string | number, unknown>
      const c = node[key]
      if (c === undefined && top.keys === null && !(key in node)) holeError(path, names[t]!)
      next[t] = c
    }
    nodes = next
  }
}

const BUILD: WalkOptions = { build: true, booleans: false }
const BUILD_MASK: WalkOptions = { build: true, booleans: true }
const VISIT: WalkOptions = { build: false, booleans: true }

/**
 * @internal Maps `f` over the leaves of trees of one structure and builds the output tree. `f` receives the path
 * (a live view: copy it to keep it) and the leaves. Boolean leaves are refused with their path unless `booleans`.
 */
export function mapTrees(
  f: (path: KeyPath, leaves: readonly unknown[]) => unknown,
  trees: readonly unknown[],
  names: readonly string[],
  booleans = false,
): unknown {
  return walkTrees(f, trees, names, booleans ? BUILD_MASK : BUILD)
}

/**
 * @internal Visits the leaves of one tree in flattening order. The path passed to `f` is a fresh copy; boolean
 * leaves (masks) are passed through for `f` to judge.
 */
export function forEachLeaf(tree: unknown, f: (leaf: unknown, path: KeyPath) => void, root = 'tree'): void {
  walkTrees((path, ls) => f(ls[0], path.slice()), [tree], [root], VISIT)
}

/** @internal {@link forEachLeaf} with the live path (valid only during the call), for the hot reductions. */
export function forEachLeafLive(tree: unknown, f: (leaf: unknown, path: KeyPath) => void, root = 'tree'): void {
  walkTrees((path, ls) => f(ls[0], path), [tree], [root], VISIT)
}

/** @internal The structure of a leaf (shared, frozen). */
export const LEAF_DEF: TreeDef = /* @__PURE__ */ Object.freeze({ kind: 'leaf' })
/** @internal The walk options that build a tree's structure (tree.structure). */
export const STRUCTURE = {
  build: true,
  booleans: true,
  nodes: {
    null: /* @__PURE__ */ Object.freeze({ kind: 'null' }),
    array: (children: unknown[]): TreeDef => ({ kind: 'array', children: children as TreeDef[] }),
    object: (keys: readonly string[], children: unknown[]): TreeDef => ({
      kind: 'object',
      keys,
      children: children as TreeDef[],
    }),
  },
} as const

/**
 * @internal The leaves, their key paths (fresh copies) and the structure of a tree, in one walk; `root` names the tree
 * in errors. `check` sees each leaf first (and may throw).
 */
export function flattenPaths(
  tree: unknown,
  root: string,
  check?: (leaf: unknown, path: KeyPath) => void,
): { readonly leaves: Leaf[]; readonly paths: KeyPath[]; readonly def: TreeDef } {
  const leaves: Leaf[] = []
  const paths: KeyPath[] = []
  const visit = (path: KeyPath, ls: readonly unknown[]): TreeDef => {
    check?.(ls[0], path)
    leaves.push(ls[0] as Leaf)
    paths.push(path.slice())
    return LEAF_DEF
  }
  return { leaves, paths, def: walkTrees(visit, [tree], [root], STRUCTURE) as TreeDef }
}
