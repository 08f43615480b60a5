/**
 * Rules of the primitives behind `customJvp` and `customVjp`, and the pytree plumbing they share. Their parameters
 * carry the user's functions, wrapped so that the primitive sees flat tensors: the arguments' leaves as inputs,
 * and one output tensor (the only output leaf, or every output leaf flattened and concatenated).
 * @internal
 */
import { DescentError, ShapeError, StructureError } from '../../core/errors'
import { type DType, type Tensor, full, isTensor } from '../../core/tensor'
import type { TreeDef } from '../../core/tree'
import { type KeyPath, keystr } from '../../core/treeTraversal'
import type { Leaf } from '../../core/types'
import { type FlatTree, flattenArg, rebuild } from '../args'
import { impls } from '../eager'
import { broadcastTo, cast, concat, reshape, slice } from '../ops/shape'
import type { RuleTable } from '../primitives'
import { customVjpForwardError } from '../trace'
import { dtypeOf, lift, liftAll, sameShape, shapeStr } from '../tensorLike'
import { zerosOf } from './elementwise'

/**
 * A (co)tangent a user rule may return for a value of type `T`: the same structure, where any subtree may be `null`
 * (zeros) and any tensor leaf a number (broadcast).
 */
export type Zeroable<T> = T extends Tensor
  ? Tensor | number | null
  : T extends number
    ? Tensor | number | null
    : T extends readonly unknown[]
      ? { readonly [K in keyof T]: Zeroable<T[K]> } | null
      : T extends object
        ? { readonly [K in keyof T]: Zeroable<T[K]> } | null
        : T | null

/** The flattened arguments of one call of a custom function: the args array as a pytree, leaves lifted to tensors. */
export interface CustomArgs {
  readonly flat: FlatTree
  readonly xs: readonly Tensor[]
  /** The arguments rebuilt from leaf tensors (primals, tangents or tracers). */
  readonly args: (xs: readonly Tensor[]) => unknown[]
}

/** Flattens the arguments of a call; number leaves are weakly typed (they take the tensors' common dtype). */
export function customArgs(args: readonly unknown[]): CustomArgs {
  const flat = flattenArg(args, 'args')
  const xs = liftAll(...flat.leaves)
  return { flat, xs, args: (ys) => rebuild(flat, ys) as unknown[] }
}

/** The structure of a custom function's output, recorded by whichever wrapped user function ran for a call. */
export interface OutSlot {
  def: TreeDef | null
  flat: FlatTree | null
  shapes: readonly (readonly number[])[]
  dtypes: readonly DType[]
}

export const newSlot = (): OutSlot => ({ def: null, flat: null, shapes: [], dtypes: [] })

const packedDType = (dtypes: readonly DType[]): DType => (dtypes.includes('float64') ? 'float64' : 'float32')

/** Concatenates leaf tensors into the one output tensor of the primitive (the leaf itself when there is one). */
function packLeaves(ts: readonly Tensor[], dtypes: readonly DType[]): Tensor {
  if (ts.length === 1) return ts[0]!
  const dt = packedDType(dtypes)
  const parts = ts.filter((t) => t.size > 0).map((t) => reshape(t.dtype === dt ? t : cast(t, dt), [t.size]))
  if (parts.length === 0) return full([0], 0, dt)
  return parts.length === 1 ? parts[0]! : concat(parts)
}

/** Records the structure of a user function's output in `slot` and packs it into one tensor. */
export function packOutput(slot: OutSlot, name: string, what: string, out: unknown): Tensor {
  const ft = flattenArg(out, `${name}: ${what}`)
  const dt = dtypeOf(...ft.leaves)
  const ts = ft.leaves.map((l) => lift(l, dt))
  slot.def = ft.def
  slot.flat = ft
  slot.shapes = ts.map((t) => t.shape)
  slot.dtypes = ts.map((t) => t.dtype)
  return packLeaves(ts, slot.dtypes)
}

/** The output pytree from the primitive's one output tensor (inverse of {@link packOutput}; differentiable). */
export function unpackOutput(slot: OutSlot, y: Tensor): unknown {
  const ft = slot.flat!
  if (slot.shapes.length === 1) return rebuild(ft, [y])
  let k = 0
  const leaves = slot.shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1)
    const part = n === 0 ? full(s, 0, slot.dtypes[i]) : reshape(slice(y, [k], [n]), s)
    k += n
    return part.dtype === slot.dtypes[i]! ? part : cast(part, slot.dtypes[i]!)
  })
  return rebuild(ft, leaves)
}

const countLeaves = (d: TreeDef): number =>
  d.kind === 'leaf' ? 1 : d.kind === 'null' ? 0 : d.children.reduce((s, c) => s + countLeaves(c), 0)

const describe = (x: unknown): string =>
  x === undefined
    ? 'undefined'
    : x === null
      ? 'null'
      : Array.isArray(x)
        ? `an array of length ${x.length}`
        : isTensor(x)
          ? `a Tensor of shape ${shapeStr(x.shape)}`
          : typeof x === 'object'
            ? `an object with keys [${Object.keys(x).sort().join(', ')}]`
            : `a ${typeof x}`

const defName = (d: TreeDef): string =>
  d.kind === 'leaf'
    ? 'a leaf (a Tensor or a number)'
    : d.kind === 'null'
      ? 'null'
      : d.kind === 'array'
        ? `an array of length ${d.children.length}`
        : `an object with keys [${d.keys.join(', ')}]`

/**
 * The leaves of `value` aligned with the structure `def`; `null` (or `undefined`) in place of a subtree stands for
 * zeros and gives `null` leaves. Anything else that does not match is a StructureError naming the path.
 */
export function alignLeaves(owner: string, def: TreeDef, value: unknown, root: string): (Leaf | null)[] {
  const out: (Leaf | null)[] = []
  const go = (d: TreeDef, v: unknown, path: KeyPath): void => {
    if (v === null || v === undefined) {
      for (let i = 0; i < countLeaves(d); i++) out.push(null)
      return
    }
    const fail = (): never => {
      throw new StructureError(
        `${owner}: ${keystr(path, root)} is ${describe(v)} but should be ${defName(d)} (null stands for zeros).`,
      )
    }
    switch (d.kind) {
      case 'leaf':
        if (typeof v !== 'number' && !isTensor(v)) fail()
        out.push(v as Leaf)
        return
      case 'null':
        return fail()
      case 'array':
        if (!Array.isArray(v) || v.length !== d.children.length) fail()
        d.children.forEach((c, i) => go(c, (v as unknown[])[i], [...path, i]))
        return
      case 'object': {
        if (typeof v !== 'object' || Array.isArray(v) || isTensor(v)) fail()
        const keys = Object.keys(v as object).sort()
        if (keys.length !== d.keys.length || keys.some((k, i) => k !== d.keys[i])) fail()
        d.children.forEach((c, i) => go(c, (v as Record<string, unknown>)[d.keys[i]!], [...path, d.keys[i]!]))
        return
      }
    }
  }
  go(def, value, [])
  return out
}

/**
 * Checks user-returned (co)tangent leaves against reference tensors: a number is broadcast, a tensor must have the
 * reference's shape, and gets its dtype. `null` stays `null` (zero).
 */
export function checkLeaves(
  owner: string,
  leaves: readonly (Leaf | null)[],
  refs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[],
  paths: readonly KeyPath[],
  root: string,
  refRoot: string,
): (Tensor | null)[] {
  return leaves.map((l, i) => {
    const ref = refs[i]!
    if (l === null) return null
    if (typeof l === 'number') return broadcastTo(lift(l, ref.dtype), ref.shape)
    if (!sameShape(l.shape, ref.shape)) {
      throw new ShapeError(
        `${owner}: ${keystr(paths[i]!, root)} has shape ${shapeStr(l.shape)} but ${keystr(paths[i]!, refRoot)} ` +
          `has shape ${shapeStr(ref.shape)}; they must match (a number is broadcast).`,
      )
    }
    return l.dtype === ref.dtype ? l : cast(l, ref.dtype)
  })
}

/** Checks that a user rule returned a pair. */
export function checkPair(owner: string, what: string, pair: string, r: unknown): readonly [unknown, unknown] {
  if (!Array.isArray(r) || r.length !== 2)
    throw new DescentError(`${owner}: ${what} must return ${pair}; got ${describe(r)}.`)
  return r as unknown as readonly [unknown, unknown]
}

/** Packs the tangent output of a JVP rule like the primal output recorded in `slot`. */
export function packTangent(slot: OutSlot, name: string, t: unknown): Tensor {
  const ft = slot.flat!
  const leaves = alignLeaves(`customJvp '${name}'`, ft.def, t, 'tangentOut')
  const refs = slot.shapes.map((shape, i) => ({ shape, dtype: slot.dtypes[i]! }))
  const ts = checkLeaves(`customJvp '${name}'`, leaves, refs, ft.paths, 'tangentOut', 'primalOut')
  return packLeaves(
    ts.map((x, i) => x ?? full(refs[i]!.shape, 0, refs[i]!.dtype)),
    slot.dtypes,
  )
}

/** Rules of the custom-derivative primitives. */
export const customRules = {
  customJvpCall: {
    impl: impls.customJvpCall,
    jvp: (xs, ts, p) =>
      p.jvp(
        xs,
        xs.map((x, i) => ts[i] ?? zerosOf(x)),
      ),
    vjp: (ct, xs, _y, p) => p.transpose(xs, ct),
  },
  customVjpCall: {
    impl: impls.customVjpCall,
    jvp: (_xs, _ts, p) => {
      throw customVjpForwardError(p.name)
    },
    vjp: (ct, xs, _y, p) => {
      const res = p.residuals === undefined ? p.fwd(...xs)[1] : p.residuals.value
      // The wrapped bwd of customVjp has checked the structure and shapes and returns one leaf tensor (or null) per input.
      const cts = p.bwd(res, ct)
      return xs.map((x, i) => {
        const c = cts[i]
        return typeof c === 'number' ? broadcastTo(lift(c, x.dtype), x.shape) : (c ?? null)
      })
    },
  },
} satisfies Partial<RuleTable>
