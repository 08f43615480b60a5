/**
 * Shared machinery of jacfwd and jacrev: one-hot bases and the assembly of Jacobian blocks.
 * @internal
 */
import { type Tensor, fromStorage, arrayTypeOf } from '../core/tensor'
import type { Leaf, PyTree } from '../core/types'
import { type FlatTree, checkArgnums, flattenArg, rebuild, rebuildEach } from './args'
import { reshape, stack } from './ops/shape'

/** The i-th basis tensor of a leaf's shape (a float64 0-d tensor for a number leaf). */
export function basis(l: Leaf, i: number): Tensor {
  const shape = typeof l === 'number' ? [] : l.shape
  const dtype = typeof l === 'number' ? 'float64' : l.dtype
  const size = shape.reduce((a, b) => a * b, 1)
  const data = new (arrayTypeOf(dtype))(size)
  data[i] = 1
  return fromStorage(data, shape)
}

export const shapeOf = (l: Leaf): readonly number[] => (typeof l === 'number' ? [] : l.shape)
export const sizeOfLeaf = (l: Leaf): number => shapeOf(l).reduce((a, b) => a * b, 1)

/**
 * Stacks `rows` (one per element of a leaf of shape `lead`, each of shape `tail`) into a block of shape
 * `lead ++ tail` (`leadFirst`) or `tail ++ lead`.
 */
export function block(
  rows: readonly Tensor[],
  lead: readonly number[],
  tail: readonly number[],
  leadFirst: boolean,
): Tensor {
  if (rows.length === 0) return fromStorage(new Float32Array(0), leadFirst ? [...lead, ...tail] : [...tail, ...lead])
  const s = stack(rows, leadFirst ? 0 : tail.length)
  return reshape(s, leadFirst ? [...lead, ...tail] : [...tail, ...lead])
}

/** The Jacobian tree: `out`'s structure, each leaf replaced by a tree of `inp`'s structure holding `blocks[o][i]`. */
export const assemble = (out: FlatTree, inp: FlatTree, blocks: readonly (readonly Tensor[])[]): PyTree =>
  rebuild(
    out,
    blocks.map((row) => rebuild(inp, row) as Leaf),
  )

/** The differentiated inputs of a Jacobian: one argument's tree, or the tuple of several arguments' trees. */
export interface JacobianInputs {
  readonly inp: FlatTree
  /** `args` with the differentiated arguments rebuilt from `leaves` (tensors or tracers). */
  readonly withLeaves: (leaves: readonly Leaf[]) => unknown[]
}

/**
 * Flattens the arguments chosen by `argnums`. A number selects one argument (its tree is the input structure); an
 * array selects a tuple of arguments (the input structure is that tuple, as JAX's tuple `argnums`).
 */
export function jacobianInputs(
  owner: string,
  argnums: number | readonly number[],
  args: readonly unknown[],
): JacobianInputs {
  const nums = checkArgnums(owner, argnums, args.length)
  const flats = nums.map((n) => flattenArg(args[n], `args[${n}]`))
  const inp: FlatTree =
    typeof argnums === 'number'
      ? flats[0]!
      : {
          leaves: flats.flatMap((ft) => ft.leaves),
          paths: flats.flatMap((ft, j) => ft.paths.map((p) => [j, ...p])),
          def: { kind: 'array', children: flats.map((ft) => ft.def) },
          root: 'args',
        }
  const withLeaves = (leaves: readonly Leaf[]): unknown[] => {
    const a = [...args]
    rebuildEach(flats, leaves).forEach((t, j) => (a[nums[j]!] = t))
    return a
  }
  return { inp, withLeaves }
}
