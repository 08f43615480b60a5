import { checkBoolean } from '../../core/hyperparams'
import * as tree from '../../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../../core/types'
import { checkTransformation } from '../../transforms/_internal/isTransformation'

/**
 * Options of {@link process}.
 * @category experimental
 * @since 0.1.0
 */
export interface ProcessOptions {
  /**
   * The aggregator returns `[updates, aux]`; `aux`'s entries are passed to the postprocessor as extra arguments.
   * @defaultValue false
   */
  readonly aggregatorHasAux?: boolean
}

/**
 * State of {@link process}: the three transforms' states (their types, when known).
 * @category experimental
 * @since 0.1.0
 */
export type ProcessState<Pre = unknown, Agg = unknown, Post = unknown> = readonly [
  preprocessor: Pre,
  aggregator: Agg,
  postprocessor: Post,
]

/** The aggregator's `ready` flag, wherever it sits in its state (true when it has none), as optax's tree.get. */
function readyIn(state: unknown): boolean {
  const stack: unknown[] = [state]
  while (stack.length > 0) {
    const s = stack.pop()
    if (typeof s !== 'object' || s === null) continue
    if (!Array.isArray(s) && typeof (s as { ready?: unknown }).ready === 'boolean')
      return (s as { ready: boolean }).ready
    stack.push(...(Array.isArray(s) ? s : Object.values(s)))
  }
  return true
}

/**
 * Per-element gradients through a preprocessor, an aggregator and a postprocessor
 * (optax.experimental.aggregating.process). The preprocessor maps per-element gradients (each leaf [batch…, param…])
 * to per-element updates, the aggregator reduces them to one update per param, and the postprocessor (an optimizer)
 * runs on it, only on the steps where the aggregator is `ready` (zeros otherwise, its state kept). Unlike optax, the
 * preprocessor and the aggregator get no params (their updates have a batch axis the params lack).
 *
 * ```text
 * g_b ↦ pre(g_b) ↦ aggregate ↦ (ready ? post(ū, extra ∪ aux) : 0)
 * ```
 *
 * @param preprocessor - Per-element transform (`identity()` for none).
 * @param aggregator - E.g. {@link averagePerElementUpdates}.
 * @param postprocessor - The optimizer of the aggregated updates.
 * @param options - {@link ProcessOptions}.
 * @returns A transform of per-element gradients whose state is a {@link ProcessState}.
 * @example
 * import { experimental, identity, sgd, tensor } from 'descent-ts'
 * const opt = experimental.aggregating.process(
 *   identity(),
 *   experimental.aggregating.averagePerElementUpdates(),
 *   sgd(0.5),
 * )
 * const params = { w: tensor([1, 1]) }
 * const [u] = opt.update({ w: tensor([[1, 2], [3, 6]]) }, opt.init(params), params)
 * assert.deepStrictEqual(u.w.toArray(), [-1, -2]) // −0.5·mean
 * @see averagePerElementUpdates, addMeanVarianceToOpt
 * @category experimental
 * @since 0.1.0
 */
export function process<Pre, Agg, Post>(
  preprocessor: GradientTransformation<Pre>,
  aggregator: GradientTransformation<Agg>,
  postprocessor: GradientTransformation<Post>,
  options: ProcessOptions = {},
): GradientTransformation<ProcessState<Pre, Agg, Post>> {
  const owner = 'process'
  checkTransformation(owner, 'preprocessor', preprocessor)
  checkTransformation(owner, 'aggregator', aggregator)
  checkTransformation(owner, 'postprocessor', postprocessor)
  const hasAux = checkBoolean(owner, 'options.aggregatorHasAux', options.aggregatorHasAux ?? false)
  return {
    init: (params) => [preprocessor.init(params), aggregator.init(params), postprocessor.init(params)] as const,
    update: <P extends PyTree>(grads: P, state: ProcessState<Pre, Agg, Post>, params?: P, extra?: ExtraArgs) => {
      const [pre, agg, post] = state
      // The per-element updates have a batch axis the params lack: only the postprocessor sees the params.
      const [perElt, nextPre] = preprocessor.update(grads, pre, undefined, extra)
      const [aggregated, nextAgg] = aggregator.update(perElt, agg, undefined, extra)
      const [avg, aux] = hasAux
        ? (aggregated as unknown as readonly [PyTree, ExtraArgs])
        : ([aggregated, {}] as readonly [PyTree, ExtraArgs])
      if (!readyIn(nextAgg)) return [tree.zerosLike(avg) as P, [nextPre, nextAgg, post] as const] as const
      const [updates, nextPost] = postprocessor.update(avg, post, params, { ...extra, ...aux })
      return [updates as P, [nextPre, nextAgg, nextPost] as const] as const
    },
  }
}
