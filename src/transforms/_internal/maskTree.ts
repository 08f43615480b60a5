import { HyperparameterError } from '../../core/errors'
import * as tree from '../../core/tree'
import { forEachLeaf, keystr, sortedKeys } from '../../core/treeTraversal'
import type { MaskOrFn, MaskTree, PyTree } from '../../core/types'

type Node = { readonly [key: string]: unknown }
type Zipper = (m: boolean, subtrees: readonly unknown[]) => unknown

/** @internal Checks at construction that a mask is a function or a tree of booleans (null allowed). */
export function checkMaskOrFn(owner: string, name: string, mask: unknown): MaskOrFn {
  if (typeof mask === 'function') return mask as MaskOrFn
  if (mask === undefined) {
    throw new HyperparameterError(
      `${owner} ${name} must be a tree of booleans or a function (params) => tree of booleans; got undefined`,
    )
  }
  forEachLeaf(
    mask,
    (leaf, path) => {
      if (typeof leaf === 'boolean') return
      throw new HyperparameterError(
        `${owner} ${keystr(path, name)} must be a boolean; got ${String(leaf)}. ` +
          'Mask leaves are true (transform) or false (pass through).',
      )
    },
    name,
  )
  return mask as MaskTree
}

/** Walks a prefix mask together with trees: `f` gets each mask boolean and the subtrees it covers. */
function zipPrefix(mask: MaskTree, f: Zipper, trees: readonly unknown[]): unknown {
  if (typeof mask === 'boolean') return f(mask, trees)
  if (mask === null || trees[0] === null) return null
  if (Array.isArray(mask))
    return mask.map((m, i) =>
      zipPrefix(
        m,
        f,
        trees.map((t) => (t as readonly unknown[])[i]),
      ),
    )
  const out: Record<string, unknown> = {}
  for (const k of sortedKeys(mask)) {
    out[k] = zipPrefix(
      (mask as Node)[k] as MaskTree,
      f,
      trees.map((t) => (t as Node)[k]),
    )
  }
  return out
}

/** Drops the parts of a mask that sit over empty (`null`) subtrees of `t`, where there is nothing to select. */
function prune(mask: MaskTree, t: unknown): MaskTree {
  if (t === null) return null
  if (typeof mask !== 'object' || mask === null || typeof t !== 'object' || tree.isLeaf(t)) return mask
  if (Array.isArray(mask) !== Array.isArray(t)) return mask
  if (Array.isArray(mask)) {
    const ta = t as readonly unknown[]
    return mask.length === ta.length ? mask.map((m, i) => prune(m, ta[i])) : mask
  }
  const out: Record<string, MaskTree> = {}
  for (const k of Object.keys(mask)) {
    const m = (mask as Node)[k] as MaskTree
    out[k] = Object.hasOwn(t, k) ? prune(m, (t as Node)[k]) : m
  }
  return out
}

/**
 * @internal The mask tree for `t`: calls a mask function on `t`, then checks that the mask is a prefix of `t`'s
 * structure (a `StructureError` naming the path otherwise). Parts of the mask over `null` subtrees are ignored, so
 * a mask written for the full params also fits params already masked by an outer `masked`.
 */
export function resolveMask(mask: MaskOrFn, t: PyTree): MaskTree {
  const pruned = prune(typeof mask === 'function' ? mask(t) : mask, t)
  tree.broadcastMask(pruned, t, 'mask')
  return pruned
}

/** @internal `t` with every subtree whose mask is false replaced by `null` (the empty subtree). */
export const applyMask = <T extends PyTree>(t: T, mask: MaskTree): T =>
  zipPrefix(mask, (m, [s]) => (m ? s : null), [t]) as T

/** @internal Takes `selected` where the mask is true and `others` where it is false. */
export const mergeMasked = <T extends PyTree>(mask: MaskTree, selected: PyTree, others: T): T =>
  zipPrefix(mask, (m, [s, o]) => (m ? s : o), [selected, others]) as T
