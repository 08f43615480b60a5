import { sameShape } from '../../core/leafMath'
import { type Tensor, fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import { MISMATCH, defaultNames, walkTrees } from '../../core/treeTraversal'
import type { Leaf, PyTree } from '../../core/types'
import { adamwFused } from '../../kernels/fused/adamwFused'
import type { AdamwScalars } from '../../kernels/wasm/index'

/** Adam's hyperparameters, as the fused kernel reads them. */
export interface AdamHyper {
  readonly b1: number
  readonly b2: number
  readonly eps: number
  readonly epsRoot: number
  readonly nesterov: boolean
}

/**
 * @internal The kernel's host-side float64 scalars at step t = count + 1, computed exactly as scaleByAdam computes
 * them; `wd` (with `applyWd`) and `s` are the decay and the final scale of an adamw-like chain (0, false, 1: the Adam
 * direction alone, which `f32(1·u) = u` leaves bit-identical).
 */
export function adamScalars(h: AdamHyper, t: number, wd = 0, applyWd = false, s = 1): AdamwScalars {
  return {
    b1: h.b1,
    b2: h.b2,
    bc1: 1 - h.b1 ** t,
    bc2: 1 - h.b2 ** t,
    bc1Next: 1 - h.b1 ** (t + 1),
    eps: h.eps,
    epsRoot: h.epsRoot,
    wd,
    applyWd,
    s,
    nesterov: h.nesterov,
  }
}

const isF32 = (x: unknown): x is Tensor => isTensor(x) && x.dtype === 'float32'

/**
 * @internal The leaves of `trees` when every tree has the first one's structure and every leaf is a float32 tensor of
 * the first tree's leaf shape (what the fused kernel needs); `null` otherwise, and the caller takes the general path,
 * which also raises the errors.
 */
export function float32Leaves(trees: readonly PyTree[]): Tensor[][] | null {
  const out: Tensor[][] = trees.map(() => [])
  let ok = true
  // One walk over all the trees at once (it checks their structures against the first's node by node).
  const visit = (_: unknown, ls: readonly unknown[]): null => {
    for (let t = 0; ok && t < ls.length; t++)
      ok = isF32(ls[t]) && (t === 0 || sameShape(ls[t] as Tensor, ls[0] as Tensor))
    for (let t = 0; ok && t < ls.length; t++) out[t]!.push(ls[t] as Tensor)
    return null
  }
  const walked = walkTrees(visit, trees, defaultNames(trees.length), QUIET_VISIT)
  return walked === MISMATCH || !ok || out[0]!.length === 0 ? null : out
}

const QUIET_VISIT = { build: false, booleans: true, quiet: true } as const

/**
 * @internal The general path's results with every float32 leaf recomputed by the kernel: a leaf whose gradient and
 * moments are float32 tensors of one shape gets the kernel's per-op float32 bits even when a neighbouring leaf is
 * float64 or a number, so a leaf's result never depends on its neighbours' dtypes. `old` holds the gradients and the
 * moments passed in, `next` the general path's m′, v′, u (same structure as the gradients).
 */
export function float32LeavesByKernel(
  old: readonly [grads: PyTree, mu: PyTree, nu: PyTree],
  next: readonly [mu: PyTree, nu: PyTree, u: PyTree],
  c: AdamwScalars,
): [PyTree, PyTree, PyTree] {
  const [gs, ms, vs] = old.map((t) => tree.leaves(t))
  const outs = next.map((t) => tree.leaves(t)) as [Leaf[], Leaf[], Leaf[]]
  let changed = false
  for (let i = 0; i < gs!.length; i++) {
    const [g, m, v] = [gs![i], ms![i], vs![i]]
    if (!isF32(g) || !isF32(m) || !isF32(v) || !sameShape(g, m) || !sameShape(g, v)) continue
    const gd = g.data as Float32Array
    const r = adamwFused(gd, gd, m.data as Float32Array, v.data as Float32Array, c)
    outs[0][i] = fromStorage(r.m, g.shape)
    outs[1][i] = fromStorage(r.v, g.shape)
    outs[2][i] = fromStorage(r.u, g.shape)
    changed = true
  }
  if (!changed) return [next[0], next[1], next[2]]
  return next.map((t, k) => tree.unflatten(tree.structure(t), outs[k]!)) as [PyTree, PyTree, PyTree]
}
