/**
 * Makes a function callable data-first (`f(self, ...args)`) and data-last (`f(...args)(self)`), as Effect's `dual`.
 * `isDataFirst` decides from the arguments which form was used.
 * @example
 * import { dual } from 'descent-ts'
 * const add: { (a: number, b: number): number; (b: number): (a: number) => number } = dual(
 *   (args) => args.length === 2,
 *   (a: number, b: number) => a + b,
 * )
 * assert.strictEqual(add(1, 2), 3)
 * assert.strictEqual(add(2)(1), 3)
 * @category function
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dual<F extends (...args: any[]) => unknown>(
  isDataFirst: (args: readonly unknown[]) => boolean,
  body: (...args: any[]) => unknown,
): F {
  return function (...args: unknown[]) {
    if (isDataFirst(args)) return body(...args)
    return (self: unknown) => body(self, ...args)
  } as F
}
