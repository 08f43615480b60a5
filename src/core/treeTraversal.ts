import { InvalidTreeError, StructureError } from './errors'
import { isTensor } from './tensor'

/**
 * A path from the root of a pytree to one of its parts: object keys and array indices.
 * @category tree
 * @since 0.1.0
 */
export type KeyPath = readonly (string | number)[]

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * The readable form of a key path, as jax's `keystr`: `root.layers[1].w`.
 * @example
 * import { tree } from 'descent'
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

function describe(x: unknown): string {
  if (x === undefined) return 'undefined'
  if (typeof x !== 'object' || x === null) return `a ${typeof x} (${String(x)})`
  if (ArrayBuffer.isView(x)) return `a raw ${x.constructor.name}; wrap it with tensor(data, shape)`
  return `an instance of ${x.constructor?.name ?? 'an unknown class'}; only arrays, plain objects, null, numbers and Tensors are allowed`
}

/** @internal What a value is as a pytree node; anything that is not a leaf or a node is an error naming its path. */
export function kindOf(x: unknown, path: KeyPath, root: string): NodeKind {
  if (typeof x === 'number' || typeof x === 'boolean') return 'leaf'
  if (x === null) return 'null'
  if (typeof x === 'object') {
    if (isTensor(x)) return 'leaf'
    if (Array.isArray(x)) return 'array'
    if (!ArrayBuffer.isView(x) && isPlainObject(x)) return 'object'
  }
  throw new InvalidTreeError(
    `${keystr(path, root)} is ${describe(x)}. Pytree leaves are Tensors and numbers; nodes are arrays, plain objects and null.`,
  )
}

/** @internal Sorted keys of a dict node (jax flattens dicts in sorted key order). */
export const sortedKeys = (x: object): string[] => Object.keys(x).sort()

const kindName = (kind: NodeKind, x: unknown): string => {
  if (kind === 'leaf') return isTensor(x) ? 'a Tensor leaf' : `a ${typeof x} leaf`
  if (kind === 'null') return 'null'
  if (kind === 'array') return `an array of length ${(x as unknown[]).length}`
  return `an object with keys [${sortedKeys(x as object).join(', ')}]`
}

function mismatch(
  path: KeyPath,
  names: readonly string[],
  i: number,
  a: [NodeKind, unknown],
  b: [NodeKind, unknown],
): never {
  throw new StructureError(
    `${keystr(path, names[0])}: ${names[0]} has ${kindName(a[0], a[1])} but ${names[i]} has ${kindName(b[0], b[1])} ` +
      `(at ${keystr(path, names[i])}). The trees must have the same structure; build one from the other (e.g. tree.zerosLike) or fix the keys.`,
  )
}

/** @internal Default names of the trees in error messages. */
export const defaultNames = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => (i === 0 ? 'tree' : `tree#${i + 1}`))

/**
 * @internal The one traversal every multi-tree operation goes through: the first tree fixes the structure and the
 * others must match it node for node. `f` receives the path and the leaves found at it.
 */
export function mapTrees(
  f: (path: KeyPath, leaves: readonly unknown[]) => unknown,
  trees: readonly unknown[],
  names: readonly string[],
): unknown {
  const go = (path: (string | number)[], nodes: readonly unknown[]): unknown => {
    const x = nodes[0]
    const kind = kindOf(x, path, names[0]!)
    for (let i = 1; i < nodes.length; i++) {
      const y = nodes[i]
      const kindY = kindOf(y, path, names[i]!)
      if (kindY !== kind) mismatch(path, names, i, [kind, x], [kindY, y])
      if (kind === 'array' && (y as unknown[]).length !== (x as unknown[]).length)
        mismatch(path, names, i, [kind, x], [kindY, y])
      if (kind === 'object') {
        const kx = sortedKeys(x as object)
        const ky = sortedKeys(y as object)
        if (kx.length !== ky.length || kx.some((k, j) => k !== ky[j])) mismatch(path, names, i, [kind, x], [kindY, y])
      }
    }
    switch (kind) {
      case 'leaf':
        return f(path, nodes)
      case 'null':
        return null
      case 'array':
        return (x as unknown[]).map((_, j) =>
          go(
            [...path, j],
            nodes.map((n) => (n as unknown[])[j]),
          ),
        )
      case 'object': {
        const out: Record<string, unknown> = {}
        for (const k of sortedKeys(x as object))
          out[k] = go(
            [...path, k],
            nodes.map((n) => (n as Record<string, unknown>)[k]),
          )
        return out
      }
    }
  }
  return go([], trees)
}

/** @internal Visits the leaves of one tree in flattening order. */
export function forEachLeaf(tree: unknown, f: (leaf: unknown, path: KeyPath) => void, root = 'tree'): void {
  mapTrees((path, [leaf]) => f(leaf, path), [tree], [root])
}
