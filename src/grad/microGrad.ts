import { HyperparameterError, ShapeError } from '../core/errors'
import type { PyTree } from '../core/types'
import { accumulate } from './_internal/accumulate'
import { type AccumulatorTree, batchSizeOf, checkMicrobatchSize, exampleArgs } from './microVmap'
import { valueAndGrad } from './valueAndGrad'

/**
 * Options of {@link microGrad}.
 * @category grad
 * @since 0.1.0
 */
export interface MicroGradOptions {
  /** `fun` returns `[loss, aux]`. @defaultValue false */
  readonly hasAux?: boolean
  /** The argument(s) to differentiate. @defaultValue 0 */
  readonly argnums?: number | readonly number[]
  /** The argument(s) with a batch axis (axis 0). @defaultValue 1 */
  readonly batchArgnums?: number | readonly number[]
  /** Give `fun` each example with a batch axis of size 1 (true) or without it (false). @defaultValue true */
  readonly keepBatchDim?: boolean
  /** Examples per microbatch; must divide the batch size. @defaultValue undefined (the whole batch) */
  readonly microbatchSize?: number
  /** How to combine the transformed per-example gradients. @defaultValue 'sum' */
  readonly accumulator?: AccumulatorTree
  /** Applied to each per-example gradient before accumulation (e.g. clipping, or `g ↦ [g, g²]`). @defaultValue g ↦ g */
  readonly transformFn?: (grad: PyTree) => PyTree
  /** Per-example metrics of each gradient (e.g. its norm), returned stacked. @defaultValue g ↦ null */
  readonly metricsFn?: (grad: PyTree) => PyTree
}

/**
 * The per-example outputs of {@link microGrad}, each stacked along a new axis 0 (optax's `IndividualOutputs`).
 * @category grad
 * @since 0.1.0
 */
export interface IndividualOutputs {
  /** The loss of each example, [n]. */
  readonly values: PyTree
  /** `metricsFn` of each example's gradient (null by default). */
  readonly metrics: PyTree
  /** The aux output of each example (`hasAux`), else null. */
  readonly aux: PyTree
}

const asList = (x: number | readonly number[]): number[] => (typeof x === 'number' ? [x] : [...x])

/**
 * Per-example gradients, transformed and accumulated (optax.microbatching.micro_grad): `valueAndGrad` at the level of
 * single examples. Each example e of the batch arguments gets its own gradient gₑ = ∇fun(…, xₑ, …); `transformFn(gₑ)`
 * (a per-example clip for DP-SGD, `[g, g²]` for gradient moments) is accumulated over the batch with `accumulator`,
 * and the losses, `metricsFn(gₑ)` and the aux outputs are returned per example. The examples are evaluated one by one
 * (the memory of one example's gradient, whatever `microbatchSize`).
 * ```text
 * gₑ = ∇_θ fun(θ, xₑ)      result = ⊕ₑ transformFn(gₑ)   (⊕: sum, mean, runningMean or concat)
 * aux = { values: [fun(θ, xₑ)]ₑ, metrics: [metricsFn(gₑ)]ₑ, aux: [auxₑ]ₑ }
 * ```
 * @param fun - A scalar function, e.g. `loss(params, features, targets)`.
 * @param options - {@link MicroGradOptions}.
 * @returns `(...args) => [result, IndividualOutputs]`.
 * @throws HyperparameterError for a bad option; ShapeError (when called) for batch arguments of different sizes, a
 * batch size that `microbatchSize` does not divide, or a result leaf without an accumulation type.
 * @example
 * import { type Tensor, microGrad, norm, ops, tensor, zeros, ones } from 'descent-ts'
 * // optax's docstring: per-example gradients of ½·mean((X·θ − y)²) at θ = 0 are −y = [0, −2, −4, −6].
 * const loss = (p: Tensor, x: Tensor, y: Tensor) => ops.mul(0.5, ops.mean(ops.square(ops.sub(ops.matmul(x, p), y))))
 * const [result, aux] = microGrad(loss, {
 *   batchArgnums: [1, 2],
 *   accumulator: 'mean',
 *   transformFn: (x) => [x, ops.square(x as Tensor)],
 *   metricsFn: (x) => norm(x as Tensor),
 * })(zeros([1]), ones([4, 1]), tensor([0, 2, 4, 6]))
 * const [g, g2] = result as [Tensor, Tensor]
 * assert.deepStrictEqual([g.toArray(), g2.toArray()], [[-3], [14]])
 * assert.deepStrictEqual((aux.values as Tensor).toArray(), [0, 2, 8, 18])
 * assert.deepStrictEqual((aux.metrics as Tensor).toArray(), [0, 2, 4, 6])
 * @see microVmap, microbatch, valueAndGrad
 * @category grad
 * @since 0.1.0
 */
export function microGrad<A extends unknown[]>(
  fun: (...args: A) => unknown,
  options: MicroGradOptions = {},
): (...args: A) => readonly [result: PyTree, outputs: IndividualOutputs] {
  const owner = 'microGrad'
  if (typeof fun !== 'function') throw new HyperparameterError(`${owner}: fun must be a function; got ${fun}`)
  const batchArgnums = asList(options.batchArgnums ?? 1)
  const hasAux = options.hasAux ?? false
  const transformFn = options.transformFn ?? ((g: PyTree) => g)
  const metricsFn = options.metricsFn ?? (() => null)
  const accumulator = options.accumulator ?? 'sum'
  const keep = options.keepBatchDim ?? true
  const vg = valueAndGrad(fun as never, { argnums: options.argnums ?? 0, hasAux } as never) as unknown as (
    ...args: unknown[]
  ) => readonly [unknown, PyTree]
  return (...args) => {
    batchArgnums.forEach((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) {
        throw new HyperparameterError(
          `${owner}: batchArgnums ${i} is not an argument index (got ${args.length} arguments)`,
        )
      }
    })
    const axes = args.map((_, i) => (batchArgnums.includes(i) ? 0 : null))
    const n = batchSizeOf(owner, args, axes)
    if (n === 0) throw new ShapeError(`${owner}: the batch is empty.`)
    checkMicrobatchSize(owner, options.microbatchSize, n)
    const results: PyTree[] = []
    const values: PyTree[] = []
    const metrics: PyTree[] = []
    const auxes: PyTree[] = []
    for (let e = 0; e < n; e++) {
      const [out, g] = vg(...exampleArgs(args, axes, e, keep))
      const [value, aux] = hasAux ? (out as readonly [PyTree, PyTree]) : [out as PyTree, null]
      results.push(transformFn(g))
      values.push(value)
      metrics.push(metricsFn(g))
      auxes.push(aux)
    }
    const stacked = (xs: PyTree[]) => accumulate(owner, xs, 'concat')
    return [
      accumulate(owner, results, accumulator, options.microbatchSize ?? n),
      { values: stacked(values), metrics: stacked(metrics), aux: stacked(auxes) },
    ] as const
  }
}
