/**
 * @internal The numeric defaults of a transform factory, which {@link injectHyperparams} injects beside the values
 * the caller passed (optax binds the factory's signature with `apply_defaults()`; TypeScript keeps no defaults at run
 * time, so each factory declares its own here). `optionsIndex` is the position of the factory's options object.
 */
export interface HyperparamDefaults {
  readonly optionsIndex: number
  readonly values: { readonly [name: string]: number }
  /** The names of the positional numeric arguments, when the first is not the learning rate. */
  readonly positionalNames?: readonly (string | undefined)[]
  /**
   * The defaults of the positional numeric arguments, by position (`prodigy(learningRate = 1, …)`: `[1]`), injected
   * when the caller leaves them out, as optax's `apply_defaults()` does for `prodigy()`.
   */
  readonly positionalValues?: readonly (number | undefined)[]
}

const KEY: unique symbol = Symbol.for('descent.hyperparamDefaults')

type Declaration = readonly [
  optionsIndex: number,
  values: { readonly [name: string]: number },
  positionalNames?: readonly (string | undefined)[],
  positionalValues?: readonly (number | undefined)[],
]

/**
 * @internal Declares `factory`'s numeric defaults (once, where it is defined). Only hyperparameters that can change
 * between steps belong here: sizes that fix the state's shape (a memory size, a factoring threshold) stay out. The
 * arguments are stored as given and read into a {@link HyperparamDefaults} by {@link hyperparamDefaultsOf}, so that an
 * app that never calls injectHyperparams carries only this.
 */
export const withHyperparamDefaults = <F extends (...args: never[]) => unknown>(
  factory: F,
  ...declaration: Declaration
): F => Object.defineProperty(factory, KEY, { value: declaration }) // not enumerable, writable or configurable

/** @internal The defaults declared for `factory` (an empty record at index 0 when none were). */
export function hyperparamDefaultsOf(factory: unknown): HyperparamDefaults {
  const declared = typeof factory === 'function' ? (factory as { [KEY]?: Declaration })[KEY] : undefined
  if (declared === undefined) return { optionsIndex: 0, values: {} }
  const [optionsIndex, values, positionalNames, positionalValues] = declared
  return Object.freeze({
    optionsIndex,
    values: Object.freeze({ ...values }),
    ...(positionalNames === undefined ? {} : { positionalNames: Object.freeze([...positionalNames]) }),
    ...(positionalValues === undefined ? {} : { positionalValues: Object.freeze([...positionalValues]) }),
  })
}
