import type { DiagnosisCode } from './diagnosis'

const DESCENT_ERROR = Symbol.for('descent.error')

/**
 * Options of the {@link DescentError} constructor.
 * @category errors
 * @since 0.2.0
 */
export interface DescentErrorOptions {
  /** The stable name of the failure mode, the same as a `Diagnosis`'s `code`. @defaultValue undefined */
  readonly code?: DiagnosisCode
  /** The error that caused this one (`Error.cause`). @defaultValue undefined */
  readonly cause?: unknown
}

// `cause` is set by Error itself (super(message, options)): an own, non-enumerable property, when `options` has one.
const setCode = (e: Error, options: DescentErrorOptions | undefined): void => {
  e.name = e.constructor.name
  Object.defineProperty(e, DESCENT_ERROR, { value: true })
  if (options?.code !== undefined) Object.defineProperty(e, 'code', { value: options.code, enumerable: true })
}

/**
 * Base class of every error descent throws on purpose.
 *
 * Messages name the pytree path involved (`params.layers[1].w`) and say how to fix the problem.
 * `HyperparameterError` extends `RangeError` (the house convention for bad options) and still answers
 * `instanceof DescentError`, so one `catch` can test for either. An error that is one of the failure modes of the
 * diagnostics carries its stable `code` (`'detachedLoss'`, `'wrongGradient'`, ...), the same string as a
 * `Diagnosis`'s, so code can branch on `e.code` instead of matching messages.
 *
 * @example
 * import { DescentError, grad, tensor, tree } from 'descent-ts'
 * let caught: unknown
 * try { tree.add({ w: tensor([1, 2]) }, { w: tensor([1, 2, 3]) }) } catch (e) { caught = e }
 * assert.ok(caught instanceof DescentError)
 * // A loss that does not depend on its argument at all is a 'detachedLoss':
 * try { grad((w: ReturnType<typeof tensor>) => tensor(3))(tensor(1)) } catch (e) { caught = e }
 * assert.ok(caught instanceof DescentError && caught.code === 'detachedLoss')
 * assert.strictEqual(new DescentError('m', { code: 'nonFinite' }).code, 'nonFinite')
 *
 * @category errors
 * @since 0.1.0
 */
export class DescentError extends Error {
  /** The stable name of the failure mode (as `Diagnosis.code`), when the error is one of them. @since 0.2.0 */
  declare readonly code?: DiagnosisCode
  // Subclasses keep ordinary prototype checks; only the base class also recognises HyperparameterError.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== DescentError) return super[Symbol.hasInstance](value)
    return (value as { [DESCENT_ERROR]?: true } | null | undefined)?.[DESCENT_ERROR] === true
  }
  constructor(message: string, options?: DescentErrorOptions) {
    super(message, options)
    setCode(this, options)
  }
}

/**
 * Two pytrees that must have the same structure do not: different keys, lengths, or leaf kinds.
 * @example
 * import { StructureError, tree } from 'descent-ts'
 * assert.throws(() => tree.add({ a: 1 }, { b: 1 }), StructureError)
 * @category errors
 * @since 0.1.0
 */
export class StructureError extends DescentError {}

/**
 * Two leaves at the same path have different shapes, or a tensor was built with a shape that does not fit its data.
 * @example
 * import { ShapeError, tree, tensor } from 'descent-ts'
 * assert.throws(() => tree.add(tensor([1, 2]), tensor([1, 2, 3])), ShapeError)
 * @category errors
 * @since 0.1.0
 */
export class ShapeError extends DescentError {}

/**
 * A dtype that descent does not support, or a dtype conflict that cannot be resolved.
 * @example
 * import { DTypeError, zeros } from 'descent-ts'
 * assert.throws(() => zeros([2], 'int32' as never), DTypeError)
 * @category errors
 * @since 0.1.0
 */
export class DTypeError extends DescentError {}

/**
 * A value inside a pytree that is neither a leaf (`Tensor`, `number`) nor a node (array, plain object, `null`).
 * @example
 * import { InvalidTreeError, tree } from 'descent-ts'
 * assert.throws(() => tree.leaves({ w: 'oops' } as never), InvalidTreeError)
 * @category errors
 * @since 0.1.0
 */
export class InvalidTreeError extends DescentError {}

/**
 * A non-finite value (NaN or ±Infinity) where the caller asked for finite values.
 * @example
 * import { NonFiniteError } from 'descent-ts'
 * assert.ok(new NonFiniteError('x') instanceof Error)
 * @category errors
 * @since 0.1.0
 */
export class NonFiniteError extends DescentError {}

/**
 * An invalid hyperparameter, thrown when a transform, optimizer or schedule is constructed (never during `update`).
 * It is a `RangeError` and also `instanceof DescentError`.
 * @example
 * import { HyperparameterError, DescentError, scaleByAdam } from 'descent-ts'
 * assert.throws(() => scaleByAdam({ b1: 1.2 }), /scaleByAdam options.b1 must be in \[0, 1\); got 1.2/)
 * let caught: unknown
 * try { scaleByAdam({ b1: 1.2 }) } catch (e) { caught = e }
 * assert.ok(caught instanceof HyperparameterError && caught instanceof RangeError && caught instanceof DescentError)
 * @category errors
 * @since 0.1.0
 */
export class HyperparameterError extends RangeError {
  /** The stable name of the failure mode (as `Diagnosis.code`), when given. @since 0.2.0 */
  declare readonly code?: DiagnosisCode
  constructor(message: string, options?: DescentErrorOptions) {
    super(message, options)
    setCode(this, options)
  }
}
