/**
 * Increments a step count without overflowing (optax.safe_increment): the count stops at the largest integer a
 * float64 holds exactly, 2⁵³ − 1, instead of losing integer precision.
 * ```text
 * safeIncrement(c) = c < 2⁵³ − 1 ? c + 1 : 2⁵³ − 1
 * ```
 * @returns the next count.
 * @example
 * import { safeIncrement } from 'descent-ts'
 * assert.strictEqual(safeIncrement(41), 42)
 * assert.strictEqual(safeIncrement(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER)
 * @see safeInt32Increment
 * @category core
 * @since 0.2.0
 */
export const safeIncrement = (count: number): number => (count < Number.MAX_SAFE_INTEGER ? count + 1 : count)

/**
 * Increments an int32 step count without wrapping around (optax.safe_int32_increment): it stops at 2³¹ − 1, for counts
 * shared with int32 code (checkpoints read by JAX).
 * ```text
 * safeInt32Increment(c) = c < 2³¹ − 1 ? c + 1 : 2³¹ − 1
 * ```
 * @returns the next count.
 * @example
 * import { safeInt32Increment } from 'descent-ts'
 * assert.strictEqual(safeInt32Increment(2 ** 31 - 1), 2 ** 31 - 1)
 * @see safeIncrement
 * @category core
 * @since 0.2.0
 */
export const safeInt32Increment = (count: number): number => (count < 2 ** 31 - 1 ? count + 1 : 2 ** 31 - 1)
