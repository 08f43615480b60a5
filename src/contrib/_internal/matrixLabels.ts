import { isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'
import type { LabelTree } from '../../transforms/multiTransform'
import {
  type WeightDimensionNumbers,
  dimensionNumbersAt,
  resolveDimensionNumbers,
} from '../transforms/muonDimensionNumbers'

type Frame = {
  readonly keys: readonly (string | number)[] | null
  readonly node: PyTree
  readonly out: LabelTree[]
  i: number
}

/**
 * Muon's partition of a params tree: 'muon' for each matrix (rank-2 tensor) leaf, 'adam' for every other leaf, as the
 * smallest prefix tree (a subtree whose leaves share a label is that label). Built without recursion, so deep trees
 * work, after `tree.validate` has rejected cycles and bad leaves with their paths.
 */
export function muonLabels(params: PyTree): LabelTree {
  tree.validate(params, 'params')
  const leafLabel = (l: PyTree): LabelTree => (isTensor(l) && l.shape.length === 2 ? 'muon' : 'adam')
  const open = (node: PyTree): Frame | LabelTree => {
    if (node === null) return null
    if (tree.isLeaf(node)) return leafLabel(node)
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)
    return { keys, node, out: [], i: 0 }
  }
  const close = (f: Frame): LabelTree => {
    const labels = f.out.filter((l) => l !== null)
    const first = labels[0]
    if (typeof first === 'string' && labels.every((l) => l === first)) return first
    if (Array.isArray(f.node)) return f.out
    return Object.fromEntries((f.keys ?? []).map((k, i) => [k, f.out[i] ?? null]))
  }
  const root = open(params)
  if (root === null || typeof root === 'string' || !('keys' in (root as object)) || Array.isArray(root)) {
    return root as LabelTree
  }
  const stack: Frame[] = [root as Frame]
  let result: LabelTree = null
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.i < (top.keys ?? []).length) {
      const k = top.keys![top.i++]!
      const child = (top.node as { readonly [key: string]: PyTree })[k as string] as PyTree
      const opened = open(child)
      if (opened !== null && typeof opened === 'object' && 'keys' in opened && !Array.isArray(opened)) {
        stack.push(opened as Frame)
      } else top.out.push(opened as LabelTree)
    } else {
      stack.pop()
      const done = close(top)
      if (stack.length === 0) result = done
      else stack[stack.length - 1]!.out.push(done)
    }
  }
  return result
}

/**
 * Muon's partition under explicit dimension numbers (optax's `muon_weight_dimension_numbers`): 'muon' for each leaf
 * whose dimension numbers (a prefix tree, or a function of the params) are set, 'adam' where they are null or absent.
 */
export const muonLabelsFrom =
  (spec: WeightDimensionNumbers) =>
  (params: PyTree): LabelTree => {
    tree.validate(params, 'params')
    const resolved = resolveDimensionNumbers(spec, params) ?? null
    const label = (node: PyTree, path: (string | number)[]): LabelTree => {
      if (node === null) return null
      if (tree.isLeaf(node)) return dimensionNumbersAt(resolved, path) === null ? 'adam' : 'muon'
      if (Array.isArray(node)) return node.map((c, i) => label(c as PyTree, [...path, i]))
      const obj = node as { readonly [key: string]: PyTree }
      return Object.fromEntries(Object.keys(obj).map((k) => [k, label(obj[k]!, [...path, k])]))
    }
    return label(params, [])
  }
