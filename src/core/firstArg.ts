/**
 * @internal Splits the first argument of a factory that takes its main hyperparameter positionally or in an options
 * object (`scale(-0.1)` or `scale({ stepSize: -0.1 })`). Returns the options and the name to use in error messages
 * for the main hyperparameter (`stepSize` or `options.stepSize`).
 */
export function firstArg<O extends object, K extends keyof O & string>(
  arg: O | O[K],
  key: K,
  rest?: Omit<O, K>,
): readonly [options: O, name: string] {
  if (isOptionsObject(arg)) return [arg as O, `options.${key}`]
  return [{ ...rest, [key]: arg } as O, key]
}

/** @internal True for a plain options object (not a number, function, array or null). */
export const isOptionsObject = (x: unknown): x is object => typeof x === 'object' && x !== null && !Array.isArray(x)
