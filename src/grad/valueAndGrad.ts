/**
 * `valueAndGrad`: the value of a scalar function and its gradient, by reverse mode.
 * @since 0.1.0
 */
import type { Diagnosis } from '../core/diagnosis'
import { DescentError } from '../core/errors'
import { type Tensor, full } from '../core/tensor'
import { keystr } from '../core/treeTraversal'
import { checkArgnums, clean, cotangentTrees, flattenArg, leafToTensor, rebuildEach } from './args'
import { checkScalar, vjpFlat } from './vjp'

/**
 * Options of {@link grad} and {@link valueAndGrad}.
 * @category grad
 * @since 0.1.0
 */
export interface GradOptions<N extends number | readonly number[] = number | readonly number[]> {
  /** Which positional argument(s) to differentiate; an array gives a tuple of gradients. @defaultValue 0 */
  readonly argnums?: N
  /** `f` returns `[loss, aux]`; aux is passed through undifferentiated. @defaultValue false */
  readonly hasAux?: boolean
  /**
   * Throw a 'disconnectedParam' DescentError listing the paths of differentiated leaves that do not reach the loss.
   * @defaultValue false
   */
  readonly reportUnused?: boolean
  /**
   * Return zero gradients when the loss does not depend on any differentiated leaf at all, as JAX does. By default
   * that is a 'detachedLoss' DescentError, because it is almost always a loss built from `item()` / `toArray()`
   * numbers or from constants. (Not checked when `f` itself runs a transformation, such as `grad` inside the loss,
   * whose result may be constant on purpose.)
   * @defaultValue false
   * @since 0.2.0
   */
  readonly allowDetached?: boolean
  /**
   * Throw a 'suspiciousBroadcast' DescentError at a binary op of the loss whose broadcast stretches each operand
   * along an axis the other has, with operands of different ranks (`[64,1] − [64]` → `[64,64]`). Without it the
   * op runs as NumPy broadcasting says (as JAX) and the train layer reports a warning.
   * @defaultValue false
   * @since 0.2.0
   */
  readonly strictBroadcast?: boolean
}

/**
 * The type of a gradient: the type of argument `N` of `A`, or a tuple of them when `N` is a tuple of indices.
 * @category grad
 * @since 0.1.0
 */
export type GradOf<A extends readonly unknown[], N> = N extends number
  ? A[N]
  : { -readonly [K in keyof N]: N[K] extends number ? A[N[K]] : never }

/** A scalar value: a 0-d tensor or a number. */
export type Scalar = Tensor | number

export type AnyFn = (...args: any[]) => unknown

/** @internal Options of {@link valueAndGradImpl}: the public ones plus how to name the arguments in paths. */
export interface ValueAndGradImplOptions extends GradOptions {
  /** The root name of each differentiated argument in paths and messages, in argnums order. @defaultValue args[i] */
  readonly argNames?: readonly string[]
}

/**
 * @internal What {@link valueAndGradImpl} returns: `[value, grads, aux, unused, warnings]`.
 * - `unused`: key paths (`args[0].w`, or `params.w` with `argNames: ['params']`) of the differentiated leaves that do
 *   not reach the loss (their gradient is zeros); the same frozen empty array when all do.
 * - `warnings`: 'suspiciousBroadcast' diagnoses recorded while tracing (severity 'warning', `path` the op and its
 *   shapes, e.g. `add (or sub)([64,1], [64])`); the same frozen empty array when there are none.
 */
export type ValueAndGradResult = readonly [
  value: Scalar,
  grads: unknown,
  aux: unknown,
  unused: readonly string[],
  warnings: readonly Diagnosis[],
]

const NONE: readonly string[] = Object.freeze([])

/** The likely cause of a loss that reaches no differentiated leaf, from what the loss is. */
const detachedCause = (loss: Scalar, traced: boolean): string =>
  typeof loss === 'number'
    ? 'The loss is a plain JS number, so it was computed from numbers read out of the arguments (x.item(), ' +
      'x.toArray(), x.data) or without them.'
    : traced
      ? 'The loss reaches them only through stopGradient or through ops with no derivative (comparisons, sign, ' +
        "where's condition)."
      : 'The loss tensor is not computed from them: it was built from numbers (tensor(x.item()), ' +
        'tensor(x.toArray()), tensor(x.data)), from constants only, or from stopGradient(x).'

/** @internal The shared implementation of grad, valueAndGrad and the train layer's trainStep. */
export function valueAndGradImpl(
  owner: string,
  f: AnyFn,
  options: ValueAndGradImplOptions,
): (...args: readonly unknown[]) => ValueAndGradResult {
  const { argnums = 0, hasAux = false, reportUnused = false, allowDetached = false, argNames } = options
  const traceOptions = { strictBroadcast: options.strictBroadcast === true }
  return (...args) => {
    const nums = checkArgnums(owner, argnums, args.length)
    const flats = nums.map((i, j) => flattenArg(args[i], argNames?.[j] ?? `args[${i}]`))
    const xs = flats.flatMap((ft) => ft.leaves.map(leafToTensor))
    const call = (...ys: Tensor[]): unknown => {
      const a = [...args]
      rebuildEach(flats, ys).forEach((t, j) => (a[nums[j]!] = t))
      return f(...a)
    }
    const pb = vjpFlat(call, xs, traceOptions)
    let lossRaw: unknown = pb.rawOut
    let aux: unknown = undefined
    if (hasAux) {
      if (!Array.isArray(pb.rawOut) || pb.rawOut.length !== 2) {
        throw new DescentError(`${owner}: with { hasAux: true } the function must return a pair [loss, aux].`)
      }
      lossRaw = pb.rawOut[0]
      aux = clean(pb.rawOut[1])
    }
    const loss = checkScalar(owner, lossRaw)
    const grads = typeof loss === 'number' ? xs.map(() => null) : pb.pullback([loss], [full([], 1, loss.dtype)])
    let unused = NONE
    if (grads.indexOf(null) >= 0) {
      const paths: string[] = []
      let k = 0
      flats.forEach((ft) => ft.paths.forEach((p) => grads[k++] === null && paths.push(keystr(p, ft.root))))
      unused = paths
      if (!allowDetached && !pb.nested && paths.length === xs.length && xs.length > 0) {
        const names = flats.map((ft) => ft.root).join(' and ')
        throw new DescentError(
          `${owner}: detachedLoss: the loss does not depend on ${names} at all, so every gradient would be zero ` +
            `(JAX returns zeros without a word). ${detachedCause(loss, pb.owns(lossRaw))} Fix: compute the loss ` +
            `with descent ops (ops.sum, mul, mean, ...) on the tensors of ${names}, never on numbers taken out of ` +
            'them; pass { allowDetached: true } if zero gradients are what you want.',
          { code: 'detachedLoss' },
        )
      }
      if (reportUnused) {
        throw new DescentError(
          `${owner}: disconnectedParam: ${paths.length} differentiated leaf/leaves do not reach the output, so ` +
            `their gradient is zero: ${paths.join(', ')}. Fix: use them in the loss, remove them from the ` +
            'arguments, or pass reportUnused: false.',
          { code: 'disconnectedParam' },
        )
      }
    }
    const trees = cotangentTrees(flats, grads)
    const value = typeof loss === 'number' ? loss : clean(loss)
    return [value, typeof argnums === 'number' ? trees[0] : trees, aux, unused, pb.warnings]
  }
}

/**
 * The value of a scalar function and its gradient with respect to the arguments chosen by `argnums`
 * (jax.value_and_grad), computed in one forward and one backward pass.
 *
 * Arguments are pytrees; the gradient has the structure of the differentiated argument (a tuple of them when
 * `argnums` is an array). Number leaves get number gradients (computed in float64). A leaf that does not reach the
 * loss gets zeros of its own shape, or a 'disconnectedParam' error listing its path with `{ reportUnused: true }`.
 * With `{ hasAux: true }`, `f` returns `[loss, aux]` and the result is `[[loss, aux], grads]`. A non-scalar loss is a
 * DescentError.
 *
 * Deviations from JAX, to make silent failures loud (each a DescentError with a `code`):
 * - a loss that reaches no differentiated leaf at all (a plain number, a tensor rebuilt from numbers, everything
 *   under stopGradient) is a 'detachedLoss' error naming the argument, where JAX returns zeros; `{ allowDetached:
 *   true }` restores JAX's zeros. It is not checked when `f` itself runs a transformation (`grad` inside the loss),
 *   whose result may be constant on purpose;
 * - `item()`, `toArray()` and `dataSync()` on a value being traced are a 'detachedLoss' error at the call: the numbers
 *   they return are cut off from the graph. `stopGradient(x).item()` reads a value on purpose;
 * - `{ strictBroadcast: true }` turns a suspicious broadcast (`[64,1] − [64]` → `[64,64]`, see {@link GradOptions})
 *   into a 'suspiciousBroadcast' error; without it the op follows NumPy broadcasting, as JAX.
 * ```text
 * valueAndGrad(f)(x) = (f(x), ∇ₓf(x))
 * ```
 * @returns a function of the same arguments as `f`, returning `[value, grads]` (or `[[value, aux], grads]`).
 * @example
 * import { ops, square, tensor, valueAndGrad } from 'descent-ts'
 * const loss = (p: { w: ReturnType<typeof tensor> }) => ops.sum(square(p.w))
 * const [value, g] = valueAndGrad(loss)({ w: tensor([1, 2]) })
 * assert.strictEqual((value as ReturnType<typeof tensor>).item(), 5)
 * assert.deepStrictEqual(g.w.toArray(), [2, 4])
 * const [[v2, aux], g2] = valueAndGrad((x: number) => [square(x), 'aux'] as const, { hasAux: true })(3)
 * assert.strictEqual((v2 as ReturnType<typeof tensor>).item(), 9)
 * assert.strictEqual(aux, 'aux')
 * assert.strictEqual(g2, 6)
 * @see {@link grad}, {@link vjp}
 * @category grad
 * @since 0.1.0
 */
export function valueAndGrad<
  F extends (...args: any[]) => readonly [Scalar, unknown],
  const N extends number | readonly number[] = 0,
>(
  f: F,
  options: GradOptions<N> & { readonly hasAux: true },
): (...args: Parameters<F>) => readonly [readonly [ReturnType<F>[0], ReturnType<F>[1]], GradOf<Parameters<F>, N>]
export function valueAndGrad<F extends (...args: any[]) => Scalar, const N extends number | readonly number[] = 0>(
  f: F,
  options?: GradOptions<N> & { readonly hasAux?: false },
): (...args: Parameters<F>) => readonly [ReturnType<F>, GradOf<Parameters<F>, N>]
export function valueAndGrad(
  f: AnyFn,
  options: GradOptions = {},
): (...args: readonly unknown[]) => readonly [unknown, unknown] {
  const impl = valueAndGradImpl('valueAndGrad', f, options)
  return (...args) => {
    const [value, grads, aux] = impl(...args)
    return options.hasAux ? [[value, aux], grads] : [value, grads]
  }
}
