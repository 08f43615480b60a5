import { DescentError } from '../core/errors'
import { inheritNotes, withCode } from '../core/hyperparams'
import { isTensor } from '../core/tensor'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { checkTransformation } from './_internal/isTransformation'

/** A deep copy of a value as data: tensor and typed-array bytes copied, objects and arrays walked. */
type Snapshot =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly shape?: readonly number[] }
  | { readonly kind: 'array'; readonly items: readonly Snapshot[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Snapshot])[] }
  | { readonly kind: 'value'; readonly value: unknown }

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice()

function snapshot(x: unknown): Snapshot {
  if (isTensor(x)) return { kind: 'bytes', bytes: bytesOf(x.data), shape: [...x.shape] }
  if (ArrayBuffer.isView(x)) return { kind: 'bytes', bytes: bytesOf(x) }
  if (Array.isArray(x)) return { kind: 'array', items: x.map(snapshot) }
  if (typeof x === 'object' && x !== null) {
    return { kind: 'object', entries: Object.keys(x).map((k) => [k, snapshot((x as Record<string, unknown>)[k])]) }
  }
  return { kind: 'value', value: x }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i])

/** The first path at which `x` no longer matches `s`, with what changed; undefined when it matches. */
function firstChange(s: Snapshot, x: unknown, path: string): string | undefined {
  switch (s.kind) {
    case 'bytes': {
      const now = isTensor(x) ? x.data : ArrayBuffer.isView(x) ? x : undefined
      if (now === undefined) return `${path} (was a ${s.shape ? 'Tensor' : 'typed array'}, now ${String(x)})`
      if (s.shape && isTensor(x) && s.shape.join() !== x.shape.join()) return `${path} (its shape changed)`
      return sameBytes(s.bytes, bytesOf(now)) ? undefined : `${path} (its values were written in place)`
    }
    case 'array': {
      if (!Array.isArray(x) || x.length !== s.items.length) return `${path} (its length or kind changed)`
      for (let i = 0; i < s.items.length; i++) {
        const c = firstChange(s.items[i]!, x[i], `${path}[${i}]`)
        if (c !== undefined) return c
      }
      return undefined
    }
    case 'object': {
      if (typeof x !== 'object' || x === null) return `${path} (was an object, now ${String(x)})`
      const keys = Object.keys(x)
      const added = keys.find((k) => !s.entries.some(([e]) => e === k))
      if (added !== undefined || keys.length !== s.entries.length) {
        return `${path} (key ${added ?? s.entries.find(([e]) => !keys.includes(e))?.[0]} was added or removed)`
      }
      for (const [k, e] of s.entries) {
        const c = firstChange(e, (x as Record<string, unknown>)[k], `${path}.${k}`)
        if (c !== undefined) return c
      }
      return undefined
    }
    case 'value':
      return Object.is(s.value, x) ? undefined : `${path} (${String(s.value)} → ${String(x)})`
  }
}

const mutated = (where: string, fn: string): DescentError =>
  withCode(
    new DescentError(
      `strictPurity: the wrapped transform's ${fn} mutated its input at ${where}. A transform must leave updates, ` +
        `state and params as they were and return new values: the caller may still hold them (the previous step, a ` +
        `checkpoint, applyIfFinite's fallback), and in-place writes corrupt them silently. Fix: build the new state ` +
        `with tree.map / tree.add / tree.updateMoment (or spread a new object) instead of writing into the old one.`,
    ),
    'stateMutated',
  )

/**
 * A debug wrapper that detects a transform mutating its inputs: throws a `DescentError` with `code: 'stateMutated'`
 * naming the first path that changed (`state.mu.w`, `updates.layers[1].b`, `params.w`).
 *
 * Before each `init` and `update` call it copies the inputs (tensor bytes included), and after the call it compares
 * them. The results are those of `tx`, unchanged. Each call costs a copy and a comparison of every input, so use it in
 * tests and while debugging a custom transform, not in production training loops. A mutation is reported whether
 * it writes a tensor's storage, a number field (`state.count++`) or a key of a plain object.
 *
 * ```text
 * snap = copy(updates, state, params);  (u, s′) = tx.update(updates, state, params)
 * updates, state, params ≠ snap at path p  ⇒  throw DescentError { code: 'stateMutated' } naming p
 * ```
 *
 * @param tx - The transform to check.
 * @returns A transform with the same updates and states as `tx`, which throws on a mutation.
 * @throws DescentError (`code: 'stateMutated'`) from `init` or `update` when `tx` wrote into its inputs.
 * @example
 * import { DescentError, adam, strictPurity, tensor, type GradientTransformation } from 'descent'
 * const params = { w: tensor([1, 2]) }
 * const ok = strictPurity(adam(1e-3))
 * ok.update({ w: tensor([1, 1]) }, ok.init(params), params) // pure: no error
 * // A hand-written momentum that updates its buffer in place:
 * const leaky: GradientTransformation<{ v: Float64Array }> = {
 *   init: () => ({ v: new Float64Array(2) }),
 *   update: (u, s) => { s.v[0] = 0.9 * s.v[0]! + 1; return [u, s] },
 * }
 * let caught: unknown
 * try { const t = strictPurity(leaky); t.update(params, t.init(params)) } catch (e) { caught = e }
 * assert.ok(caught instanceof DescentError && caught.code === 'stateMutated')
 * assert.match(caught.message, /at state\.v/)
 * @see hyperparameterDiagnoses
 * @category transforms
 * @since 0.2.0
 */
export function strictPurity<S>(tx: GradientTransformation<S>): GradientTransformation<S> {
  checkTransformation('strictPurity', 'tx', tx)
  const check = (fn: string, inputs: readonly (readonly [string, unknown])[], run: () => unknown) => {
    const before = inputs.map(([name, v]) => [name, snapshot(v)] as const)
    const out = run()
    for (const [i, [name, s]] of before.entries()) {
      const where = firstChange(s, inputs[i]![1], name)
      if (where !== undefined) throw mutated(where, fn)
    }
    return out
  }
  return inheritNotes(
    {
      init: <P extends PyTree>(params: P) => check('init', [['params', params]], () => tx.init(params)) as S,
      update: <P extends PyTree>(updates: P, state: S, params?: P, extra?: ExtraArgs) =>
        check(
          'update',
          [
            ['updates', updates],
            ['state', state],
            ['params', params],
          ],
          () => tx.update(updates, state, params, extra),
        ) as readonly [P, S],
    },
    [tx],
  )
}
