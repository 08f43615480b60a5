import type { PyTree } from '../core/types'
import type { LookaheadParams } from './lookahead'

/**
 * Synchronised {@link lookahead} params: the same tree as both the fast and the slow params (optax's
 * `LookaheadParams.init_synced`).
 *
 * ```text
 * { fast: θ₀, slow: θ₀ }
 * ```
 *
 * @param params - The initial params.
 * @returns `{ fast: params, slow: params }`.
 * @example
 * import { lookaheadParams, tensor } from 'descent-ts'
 * const p = lookaheadParams({ w: tensor([1, 2]) })
 * assert.strictEqual(p.fast, p.slow)
 * @see lookahead
 * @category transforms
 * @since 0.1.0
 */
export const lookaheadParams = <P extends PyTree>(params: P): LookaheadParams<P> => ({ fast: params, slow: params })
