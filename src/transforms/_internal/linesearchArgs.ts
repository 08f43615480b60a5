import { DescentError } from '../../core/errors'
import { isTensor } from '../../core/tensor'
import type { ExtraArgs, PyTree } from '../../core/types'
import { valueAndGrad } from '../../grad/valueAndGrad'

/** @internal The loss and its gradient at a point, as a line search needs them. */
export type ValueAndGradFn = (params: PyTree) => readonly [value: number, grad: PyTree]

/** @internal What a line search reads from the extra arguments of `update`. */
export interface LinesearchArgs {
  readonly value: number
  readonly grad: PyTree
  readonly valueAndGradFn: ValueAndGradFn
  /** The loss alone (no gradient work when the caller gave `valueFn`). */
  readonly valueFn: (params: PyTree) => number
}

const HOW =
  'call update(updates, state, params, { value, grad, valueFn }) with the loss and its gradient at params and the ' +
  'loss as a function of params (written with ops so that it can be differentiated), or pass ' +
  '{ value, grad, valueAndGradFn } with a function returning [loss, gradient]'

/** @internal A scalar loss (number or 0-d tensor) as a number, or undefined. */
function scalarOf(x: unknown): number | undefined {
  if (typeof x === 'number') return x
  if (isTensor(x) && x.size === 1) return x.data[0]
  return undefined
}

/**
 * @internal Reads `value`, `grad` and `valueAndGradFn` (or `valueFn`, differentiated with {@link valueAndGrad}) from
 * the extra arguments, with an error naming what to pass when one is missing.
 */
export function linesearchArgs(owner: string, extra: ExtraArgs | undefined): LinesearchArgs {
  const value = scalarOf(extra?.value)
  if (value === undefined) {
    throw new DescentError(`${owner} needs the loss at params: ${HOW}; got value = ${String(extra?.value)}`)
  }
  const grad = extra?.grad
  if (grad === undefined) {
    throw new DescentError(`${owner} needs the gradient of the loss at params: ${HOW}; got grad = undefined`)
  }
  const given = extra?.['valueAndGradFn']
  if (typeof given === 'function') {
    const f = given as (p: PyTree) => readonly [unknown, PyTree]
    const valueAndGradFn: ValueAndGradFn = (p) => {
      const [v, g] = f(p)
      const n = scalarOf(v)
      if (n === undefined) throw new DescentError(`${owner}: valueAndGradFn must return [loss, gradient]`)
      return [n, g]
    }
    return { value, grad, valueAndGradFn, valueFn: (p) => valueAndGradFn(p)[0] }
  }
  const valueFn = extra?.valueFn as unknown
  if (typeof valueFn !== 'function') {
    throw new DescentError(`${owner} needs the loss as a function of params to evaluate trial steps: ${HOW}`)
  }
  const vg = valueAndGrad(valueFn as (p: PyTree) => number)
  return {
    value,
    grad,
    valueAndGradFn: (p) => {
      const [v, g] = vg(p)
      if (typeof v === 'number') {
        throw new DescentError(
          `${owner}: valueFn returned a plain number while being differentiated, so its gradient would be zero; ` +
            'write it with ops (ops.sum, ops.square, ...) on the params it is given, or pass ' +
            '{ valueAndGradFn } with a hand-written gradient',
        )
      }
      return [scalarOf(v) ?? NaN, g as PyTree]
    },
    valueFn: (p) => {
      const n = scalarOf((valueFn as (q: PyTree) => unknown)(p))
      if (n === undefined) throw new DescentError(`${owner}: valueFn must return the loss as a number or 0-d tensor`)
      return n
    },
  }
}
