/**
 * Flattening of the pytree arguments and results of the transformations, with errors naming paths.
 * @internal
 */
import { DescentError, InvalidTreeError, ShapeError, StructureError } from '../core/errors'
import { type Tensor, full, isTensor } from '../core/tensor'
import { type TreeDef, unflatten } from '../core/tree'
import { type KeyPath, flattenPaths, keystr, setOwn } from '../core/treeTraversal'
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
  const { leaves, paths, def } = flattenPaths(x, root, (l, p) => {
    if (typeof l === 'boolean')
      throw new InvalidTreeError(`${keystr(p, root)} is a boolean; only Tensors and numbers can be differentiated.`)
  })
  return { leaves, paths, def, root }
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

/** An array or plain object of {@link clean} being copied: its children are visited in `keys` order. */
interface CleanFrame {
  readonly src: object
  readonly keys: readonly (string | number)[]
  readonly out: unknown[] | Record<string, unknown>
  i: number
}

/** A copy in progress for arrays and plain objects; anything else is its own cleaned value. */
function openClean(x: unknown): { readonly frame: CleanFrame } | { readonly value: unknown } {
  if (isTensor(x)) return { value: live(x) }
  if (Array.isArray(x)) {
    // As Array.prototype.map: holes stay holes.
    const keys: number[] = []
    for (let i = 0; i < x.length; i++) if (i in x) keys.push(i)
    return { frame: { src: x, keys, out: new Array<unknown>(x.length), i: 0 } }
  }
  if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
    const proto = Object.getPrototypeOf(x)
    if (proto === Object.prototype || proto === null) return { frame: { src: x, keys: Object.keys(x), out: {}, i: 0 } }
  }
  return { value: x }
}

/**
 * Replaces the tracers of finished transformations in a result by their values. Iterative (results may be pytrees of
 * any depth) and cycle-safe: a container that holds itself is an InvalidTreeError naming the path.
 */
export function clean<T>(x: T): T {
  const first = openClean(x)
  if ('value' in first) return first.value as T
  const stack: CleanFrame[] = [first.frame]
  const onStack = new Set<object>([first.frame.src])
  for (;;) {
    const top = stack[stack.length - 1]!
    if (top.i === top.keys.length) {
      stack.pop()
      onStack.delete(top.src)
      const parent = stack[stack.length - 1]
      if (parent === undefined) return top.out as T
      put(parent, top.out)
      continue
    }
    const child = (top.src as Record<string | number, unknown>)[top.keys[top.i]!]
    const next = openClean(child)
    if ('value' in next) put(top, next.value)
    else if (onStack.has(next.frame.src)) {
      const path = [...stack.map((f) => f.keys[f.i]!)]
      throw new InvalidTreeError(
        `${keystr(path, 'output')} is the same object as one of its ancestors: the result has a cycle. ` +
          'Return a finite pytree (a subtree may be shared, but never contain itself).',
      )
    } else {
      stack.push(next.frame)
      onStack.add(next.frame.src)
    }
  }
  function put(f: CleanFrame, v: unknown): void {
    const k = f.keys[f.i++]!
    if (typeof k === 'number') (f.out as unknown[])[k] = v
    else setOwn(f.out as Record<string, unknown>, k, v)
  }
}

/** Whether two TreeDefs are equal, iteratively (JSON.stringify recurses once per level and overflows deep trees). */
function sameDef(a: TreeDef, b: TreeDef): boolean {
  const todo: (readonly [TreeDef, TreeDef])[] = [[a, b]]
  while (todo.length > 0) {
    const [x, y] = todo.pop()!
    if (x.kind !== y.kind) return false
    if (x.kind === 'leaf' || x.kind === 'null') continue
    const yd = y as typeof x
    if (x.children.length !== yd.children.length) return false
    if (x.kind === 'object') {
      const yk = (yd as typeof x).keys
      if (x.keys.length !== yk.length || x.keys.some((k, i) => k !== yk[i])) return false
    }
    for (let i = 0; i < x.children.length; i++) todo.push([x.children[i]!, yd.children[i]!])
  }
  return true
}

/** `JSON.stringify(def)`, iteratively, cut after `limit` characters (a deep tree's would be megabytes). */
export function defJson(def: TreeDef, limit = 2000): string {
  let s = ''
  const todo: (TreeDef | string)[] = [def]
  while (todo.length > 0 && s.length <= limit) {
    const d = todo.pop()!
    if (typeof d === 'string') s += d
    else if (d.kind === 'leaf' || d.kind === 'null') s += `{"kind":"${d.kind}"}`
    else {
      s +=
        d.kind === 'object'
          ? `{"kind":"object","keys":${JSON.stringify(d.keys)},"children":[`
          : '{"kind":"array","children":['
      todo.push(']}')
      for (let i = d.children.length - 1; i >= 0; i--) {
        todo.push(d.children[i]!)
        if (i > 0) todo.push(',')
      }
    }
  }
  return todo.length > 0 || s.length > limit ? `${s.slice(0, limit)}…` : s
}

/** Checks that `t` (tangents or cotangents) matches `ref` in structure and leaf shapes; returns its leaves. */
export function matchTree(ref: FlatTree, t: unknown, what: string, root: string): Leaf[] {
  const ft = flattenArg(t, root)
  if (!sameDef(ft.def, ref.def)) {
    throw new StructureError(
      `${what}: ${root} has a different tree structure than ${ref.root}; they must match (same keys, ` +
        `same array lengths, same null subtrees). ${root}: ${defJson(ft.def)} vs ${ref.root}: ${defJson(ref.def)}`,
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
