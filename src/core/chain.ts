import { StructureError } from './errors'
import { markFusible } from './fusion'
import { inheritNotes } from './hyperparams'
import { checkParams, slotShape, wrongState } from './stateCheck'
import { setOwn } from './treeTraversal'
import type { ExtraArgs, GradientTransformation, PyTree } from './types'

/**
 * The state type of a transform.
 * @category transforms
 * @since 0.1.0
 */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never

/**
 * Composes transforms left to right: the updates of one are the input of the next. The state is the tuple of the
 * parts' states; `params` and `extra` reach every part.
 * ```text
 * chain(t₁, …, tₙ).update(g) = tₙ.update(… t₁.update(g) …)
 * ```
 * @example
 * import { chain, scale, clipByGlobalNorm, tensor } from 'descent-ts'
 * const tx = chain(clipByGlobalNorm(1), scale(-0.1))
 * const params = { w: tensor([0, 0]) }
 * const [u, state] = tx.update({ w: tensor([3, 4]) }, tx.init(params), params)
 * assert.ok(Math.abs((u.w.toArray() as number[])[0]! + 0.06) < 1e-7)
 * assert.strictEqual(state.length, 2)
 * @category transforms
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function chain<const T extends readonly GradientTransformation<any>[]>(
  ...txs: T
): GradientTransformation<{ readonly [K in keyof T]: StateOf<T[K]> }> {
  type S = { readonly [K in keyof T]: StateOf<T[K]> }
  // The coarse shape of each part's state (its kind, and an object's keys), recorded from this chain's own states:
  // a state from another optimizer is refused naming both sides and the slot, before any part touches it.
  const shapes: (string | undefined)[] = []
  const expectedShape = (i: number, params: PyTree): string | undefined => {
    try {
      return slotShape(txs[i]!.init(params))
    } catch {
      return undefined
    }
  }
  return markFusible<GradientTransformation<S>>(
    {
      init: (params) => {
        checkParams('chain.init', params)
        return txs.map((tx, i) => {
          const s: unknown = tx.init(params)
          shapes[i] = slotShape(s)
          return s
        }) as unknown as S
      },
      update: <P extends PyTree>(updates: P, state: S, params?: P, extra?: ExtraArgs) => {
        const states = state as unknown as readonly unknown[]
        const p = params ?? updates
        if (!Array.isArray(states) || states.length !== txs.length) {
          const want = txs.map((_, i) => shapes[i] ?? expectedShape(i, p) ?? '?')
          const got = Array.isArray(states)
            ? `a ${states.length}-slot state [${states.map(slotShape).join(', ')}]`
            : slotShape(states)
          wrongState('chain', `expected this chain's ${txs.length}-slot state [${want.join(', ')}]; got ${got}.`)
        }
        // A plain loop, not forEach: forEach skips the holes of a sparse state array, which must be refused here.
        for (let i = 0; i < txs.length; i++) {
          const got = slotShape(states[i])
          if (got === shapes[i]) continue
          const want = expectedShape(i, p)
          if (want !== undefined && want !== got)
            wrongState('chain', `slot ${i} of the state should be ${want}; got ${got}.`)
          shapes[i] = want
        }
        let u = updates
        const next = txs.map((tx, i) => {
          const [ui, si] = tx.update(u, states[i], params, extra)
          u = ui
          return si
        })
        return [u, next as unknown as S] as const
      },
    },
    { kind: 'chain', parts: txs },
  )
}

/**
 * {@link chain} with named parts: the state is a record `{ name: state }` instead of a tuple.
 * @example
 * import { namedChain, scaleByAdam, scale, tensor } from 'descent-ts'
 * const tx = namedChain(['adam', scaleByAdam()], ['lr', scale(-1e-3)])
 * const state = tx.init({ w: tensor([1]) })
 * assert.strictEqual(state.adam.count, 0)
 * @category transforms
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function namedChain<const T extends readonly (readonly [string, GradientTransformation<any>])[]>(
  ...txs: T
): GradientTransformation<{ readonly [E in T[number] as E[0]]: StateOf<E[1]> }> {
  type S = { readonly [E in T[number] as E[0]]: StateOf<E[1]> }
  const names = txs.map(([n]) => n)
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup !== undefined) throw new RangeError(`namedChain names must be unique; "${dup}" appears twice`)
  // The parts' hyperparameter findings (eps = 0, lr < 0, ...) stay visible through the names.
  return inheritNotes(
    {
      init: (params) => Object.fromEntries(txs.map(([n, tx]) => [n, tx.init(params)])) as S,
      update: <P extends PyTree>(updates: P, state: S, params?: P, extra?: ExtraArgs) => {
        const states = state as unknown as Record<string, unknown>
        let u = updates
        const next: Record<string, unknown> = {}
        for (const [n, tx] of txs) {
          if (!(typeof states === 'object' && states !== null && Object.hasOwn(states, n))) {
            throw new StructureError(
              `namedChain: the state has no entry "${n}". Pass the state returned by this chain's init or update.`,
            )
          }
          const [ui, si] = tx.update(u, states[n], params, extra)
          u = ui
          setOwn(next, n, si)
        }
        return [u, next as S] as const
      },
    },
    txs.map(([, tx]) => tx),
  )
}
