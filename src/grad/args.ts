/**
 * Flattening of the pytree arguments and results of the transformations, with errors naming paths.
 * @internal
 */
import { DescentError, InvalidTreeError, ShapeError, StructureError } from '../core/errors'
import { type Tensor, full, isTensor } from '../core/tensor'
import { type TreeDef, structure, unflatten } from '../core/tree'
import { type KeyPath, forEachLeaf, keystr } from '../core/treeTraversal'
import type { Leaf, PyTree } from '../core/types'
import { scalar, sameShape, shapeStr } from './tensorLike'
import { Tracer, live } from './trace'

/** A flattened pytree argument. */
export interface FlatTree {
  readonly leaves: readonly Leaf[]
  readonly paths: readonly KeyPath[]
  readonly def: TreeDef
  readonly root: string
}

/** Flattens `x`, naming bad nodes from `root` (e.g. `args[0].w`). Booleans are not differentiable leaves. */
export function flattenArg(x: unknown, root: string): FlatTree {
  const leaves: Leaf[] = []
  const paths: KeyPath[] = []
  forEachLeaf(
    x,
    (l, p) => {
      if (typeof l === 'boolean')
        throw new InvalidTreeError(`${keystr(p, root)} is a boolean; only Tensors and numbers can be differentiated.`)
      leaves.push(l as Leaf)
      paths.push(p)
    },
    root,
  )
  return { leaves, paths, def: structure(x as PyTree), root }
}

/** A tensor for a leaf: numbers become float64 0-d tensors (a JS number is a float64). */
export const leafToTensor = (l: Leaf): Tensor => (typeof l === 'number' ? scalar(l, 'float64') : l)

/**
 * Converts a result leaf back to the kind of the argument leaf it belongs to (number in → number out). A value still
 * traced by an enclosing transformation stays a tensor: turning it into a number would cut it off that trace.
 */
export const like = (proto: Leaf, t: Tensor): Leaf => {
  if (typeof proto !== 'number') return t
  const y = live(t)
  return y instanceof Tracer ? y : y.item()
}

/** Rebuilds a tree. */
export const rebuild = (ft: FlatTree, leaves: readonly Leaf[]): PyTree => unflatten(ft.def, leaves)

/** Rebuilds several flattened arguments from their leaves, concatenated in order (the inverse of flat-mapping them). */
export function rebuildEach(flats: readonly FlatTree[], leaves: readonly Leaf[]): PyTree[] {
  let k = 0
  return flats.map((ft) => rebuild(ft, leaves.slice(k, (k += ft.leaves.length))))
}

/** The cotangent trees of flattened arguments: each leaf's cotangent (zeros where `null`) in the kind of the leaf. */
export const cotangentTrees = (flats: readonly FlatTree[], cts: readonly (Tensor | null)[]): PyTree[] =>
  rebuildEach(
    flats,
    flats.flatMap((ft) => ft.leaves).map((l, k) => like(l, clean(cts[k] ?? zerosFor(l)))),
  )

/** Zeros of a leaf's shape and dtype. */
export const zerosFor = (l: Leaf): Tensor => (typeof l === 'number' ? scalar(0, 'float64') : full(l.shape, 0, l.dtype))

/** Replaces the tracers of finished transformations in a result by their values. */
export function clean<T>(x: T): T {
  if (isTensor(x)) return live(x) as T
  if (Array.isArray(x)) return x.map(clean) as T
  if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
    const proto = Object.getPrototypeOf(x)
    if (proto === Object.prototype || proto === null) {
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, clean(v)])) as T
    }
  }
  return x
}

/** Checks that `t` (tangents or cotangents) matches `ref` in structure and leaf shapes; returns its leaves. */
export function matchTree(ref: FlatTree, t: unknown, what: string, root: string): Leaf[] {
  const ft = flattenArg(t, root)
  if (JSON.stringify(ft.def) !== JSON.stringify(ref.def)) {
    throw new StructureError(
      `${what}: ${root} has a different tree structure than ${ref.root}; they must match (same keys, ` +
        `same array lengths, same null subtrees). ${root}: ${JSON.stringify(ft.def)} vs ${ref.root}: ${JSON.stringify(ref.def)}`,
    )
  }
  ref.leaves.forEach((l, i) => {
    const u = ft.leaves[i]!
    const ls = typeof l === 'number' ? [] : l.shape
    const us = typeof u === 'number' ? [] : u.shape
    if (!sameShape(ls, us)) {
      throw new ShapeError(
        `${what}: ${keystr(ft.paths[i]!, root)} has shape ${shapeStr(us)} but ${keystr(ref.paths[i]!, ref.root)} ` +
          `has shape ${shapeStr(ls)}.`,
      )
    }
  })
  return [...ft.leaves]
}

/** Normalises `argnums` against the number of arguments. */
export function checkArgnums(owner: string, argnums: number | readonly number[], nargs: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums]
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= nargs) {
      throw new DescentError(
        `${owner}: argnums ${JSON.stringify(argnums)} refers to argument ${a}, but the function was called ` +
          `with ${nargs} argument${nargs === 1 ? '' : 's'}.`,
      )
    }
  }
  if (new Set(list).size !== list.length)
    throw new DescentError(`${owner}: argnums ${JSON.stringify(argnums)} has duplicates.`)
  return list
}
