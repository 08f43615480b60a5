import { HyperparameterError, ShapeError } from '../core/errors'
import { checkInteger } from '../core/hyperparams'
import { type Tensor, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { accumulate } from './_internal/accumulate'
import type { Accumulator } from './accumulator'
import type { AccumulationType } from './microbatch'
import { squeeze, take } from './ops/shape'

/**
 * How {@link microVmap} and {@link microGrad} combine per-example results: one {@link AccumulationType} for every
 * output leaf, an {@link Accumulator} for a whole output subtree, or a tree of them that is a prefix of the output's
 * structure.
 * @category grad
 * @since 0.1.0
 */
export type AccumulatorTree =
  AccumulationType | Accumulator | { readonly [key: string]: AccumulatorTree } | readonly AccumulatorTree[]

/**
 * Options of {@link microVmap}.
 * @category grad
 * @since 0.1.0
 */
export interface MicroVmapOptions {
  /**
   * Examples per microbatch: must divide the batch size (as optax checks). The examples are evaluated one at a time
   * here, so it changes only what a custom {@link Accumulator}'s `aggregate` sees. @defaultValue undefined (the whole
   * batch)
   */
  readonly microbatchSize?: number
  /** How to combine the per-example outputs; `'concat'` gives vmap's stacked outputs. @defaultValue 'concat' */
  readonly accumulator?: AccumulatorTree
}

/** The batch axis of each argument: `inAxes` itself for every argument, or its entry (null: not mapped). */
const axisOf = (inAxes: number | readonly (number | null)[], i: number): number | null =>
  typeof inAxes === 'number' ? inAxes : (inAxes[i] ?? null)

/** @internal The common batch size of the mapped arguments (each leaf along its axis), or a ShapeError. */
export function batchSizeOf(owner: string, args: readonly unknown[], axes: readonly (number | null)[]): number {
  const sizes = new Set<number>()
  args.forEach((arg, i) => {
    const ax = axes[i]
    if (ax === null || ax === undefined) return
    for (const leaf of tree.leaves(arg as PyTree)) {
      if (!isTensor(leaf)) throw new ShapeError(`${owner}: argument ${i} is mapped but holds a number, not a tensor.`)
      const a = ax < 0 ? ax + leaf.shape.length : ax
      if (a < 0 || a >= leaf.shape.length) {
        throw new ShapeError(
          `${owner}: axis ${ax} is out of range for a leaf of argument ${i} with shape [${leaf.shape}].`,
        )
      }
      sizes.add(leaf.shape[a]!)
    }
  })
  if (sizes.size === 0) throw new ShapeError(`${owner}: no mapped argument holds a tensor.`)
  if (sizes.size > 1) {
    throw new ShapeError(`${owner}: batch arguments must have equal-size batch axes; found ${[...sizes].join(', ')}.`)
  }
  return [...sizes][0]!
}

/** @internal Example `e` of every mapped argument: the batch axis indexed at `e` (and dropped unless `keepAxis`). */
export function exampleArgs(args: readonly unknown[], axes: readonly (number | null)[], e: number, keepAxis = false) {
  return args.map((arg, i) => {
    const ax = axes[i]
    if (ax === null || ax === undefined) return arg
    return tree.map((leaf) => {
      const x = leaf as Tensor
      const a = ax < 0 ? ax + x.shape.length : ax
      const one = take(x, [e], a)
      return keepAxis ? one : squeeze(one, a)
    }, arg as PyTree)
  })
}

/** @internal Checks `microbatchSize` against the batch size n, as optax does. */
export function checkMicrobatchSize(owner: string, microbatchSize: number | undefined, n: number): void {
  if (microbatchSize === undefined) return
  const m = checkInteger(owner, 'options.microbatchSize', microbatchSize, '[1, Infinity)')
  if (n % m !== 0) throw new ShapeError(`${owner}: batch size ${n} must be divisible by microbatchSize ${m}.`)
}

/**
 * vmap with microbatching (optax.microbatching.micro_vmap): maps `fun` over the batch axis of its mapped arguments and
 * combines the per-example outputs with the accumulator — `'concat'` (default) stacks them on a new axis 0 as
 * `jax.vmap`, `'sum'`, `'mean'` or `'runningMean'` reduce them over the batch without ever holding the stacked outputs.
 * descent has no vmap transform, so the examples are evaluated one by one (the memory of one example); `fun` sees one
 * example with its batch axis removed. Differentiable (built from ops).
 * ```text
 * concat: out = stack_e fun(x_e)     sum: Σ_e fun(x_e)     mean / runningMean: (1/n)·Σ_e fun(x_e)
 * ```
 * @param fun - A function of one example.
 * @param inAxes - The batch axis of every argument (a number), or one entry per positional argument (`null`: not
 * mapped, passed whole to every call).
 * @param options - {@link MicroVmapOptions}.
 * @returns the mapped function.
 * @throws ShapeError (when called) for mapped arguments with different batch sizes, a batch size that
 * `microbatchSize` does not divide, or an output leaf without an accumulation type.
 * @example
 * import { microVmap, ops, tensor, type Tensor } from 'descent-ts'
 * const sq = microVmap((x: Tensor) => ops.mul(x, x))
 * assert.deepStrictEqual((sq(tensor([0, 1, 2, 3, 4, 5, 6, 7])) as Tensor).toArray(), [0, 1, 4, 9, 16, 25, 36, 49])
 * const total = microVmap((x: Tensor) => ops.sum(x), 0, { microbatchSize: 2, accumulator: 'sum' })
 * assert.strictEqual((total(tensor([[1, 2], [3, 4]])) as Tensor).item(), 10)
 * @see microbatch, microGrad
 * @category grad
 * @since 0.1.0
 */
export function microVmap<A extends unknown[], R extends PyTree>(
  fun: (...args: A) => R,
  inAxes: number | readonly (number | null)[] = 0,
  options: MicroVmapOptions = {},
): (...args: A) => PyTree {
  const owner = 'microVmap'
  if (typeof fun !== 'function') throw new HyperparameterError(`${owner}: fun must be a function; got ${fun}`)
  const accumulator = options.accumulator ?? 'concat'
  return (...args) => {
    const axes = args.map((_, i) => axisOf(inAxes, i))
    const n = batchSizeOf(owner, args, axes)
    if (n === 0) throw new ShapeError(`${owner}: the batch is empty.`)
    checkMicrobatchSize(owner, options.microbatchSize, n)
    const outputs = Array.from({ length: n }, (_, e) => fun(...(exampleArgs(args, axes, e) as A)))
    return accumulate(owner, outputs, accumulator, options.microbatchSize ?? n)
  }
}
