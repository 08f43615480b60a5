import { DescentError } from '../core/errors'
import { inheritNotes, withCode } from '../core/hyperparams'
import { isTensor } from '../core/tensor'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { checkTransformation } from './_internal/isTransformation'

/**
 * A deep copy of a value as data, one record per node in depth-first order: tensor and typed-array bytes copied,
 * objects and arrays walked with an explicit stack (no recursion limit). An object met a second time (a shared
 * subtree, or a cycle) is recorded by identity and not walked again, so cyclic inputs cannot loop.
 */
interface Rec {
  /** The index of the parent record (-1 for the root) and the key under it: the path is built only for a message. */
  readonly parent: number
  readonly key: string
  readonly kind: 'bytes' | 'array' | 'object' | 'value' | 'seen'
  readonly value: unknown
  readonly bytes?: Uint8Array
  readonly shape?: readonly number[]
  readonly keys?: readonly string[]
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice()

function snapshot(root: unknown, name: string): Rec[] {
  const out: Rec[] = []
  const seen = new Set<object>()
  const stack: (readonly [unknown, number, string])[] = [[root, -1, name]]
  while (stack.length > 0) {
    const [x, parent, key] = stack.pop()!
    const path = { parent, key }
    const me = out.length
    if (isTensor(x)) out.push({ ...path, kind: 'bytes', value: x, bytes: bytesOf(x.data), shape: [...x.shape] })
    else if (ArrayBuffer.isView(x)) out.push({ ...path, kind: 'bytes', value: x, bytes: bytesOf(x) })
    else if (typeof x === 'object' && x !== null) {
      if (seen.has(x)) {
        out.push({ ...path, kind: 'seen', value: x })
        continue
      }
      seen.add(x)
      if (Array.isArray(x)) {
        out.push({ ...path, kind: 'array', value: x, keys: x.map((_, i) => String(i)) })
        for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], me, `[${i}]`])
      } else {
        const keys = Object.keys(x)
        out.push({ ...path, kind: 'object', value: x, keys })
        for (let i = keys.length - 1; i >= 0; i--)
          stack.push([(x as Record<string, unknown>)[keys[i]!], me, `.${keys[i]}`])
      }
    } else out.push({ ...path, kind: 'value', value: x })
  }
  return out
}

function pathOf(recs: readonly Rec[], i: number): string {
  const keys: string[] = []
  for (let j = i; j >= 0; j = recs[j]!.parent) keys.push(recs[j]!.key)
  return keys.reverse().join('')
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i])

/** The first node at which `now` (a snapshot taken after the call) no longer matches `before`, with what changed. */
function firstChange(before: readonly Rec[], now: readonly Rec[]): string | undefined {
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!
    const b = now[i]
    const path = (): string => pathOf(before, i)
    if (b === undefined || b.key !== a.key) return `${path()} (its structure changed)`
    switch (a.kind) {
      case 'bytes':
        if (b.kind !== 'bytes') return `${path()} (was a ${a.shape ? 'Tensor' : 'typed array'}, now ${String(b.value)})`
        if (a.shape && b.shape && a.shape.join() !== b.shape.join()) return `${path()} (its shape changed)`
        if (!sameBytes(a.bytes!, b.bytes!)) return `${path()} (its values were written in place)`
        break
      case 'array':
        if (b.kind !== 'array' || b.keys!.length !== a.keys!.length) return `${path()} (its length or kind changed)`
        break
      case 'object': {
        if (b.kind !== 'object') return `${path()} (was an object, now ${String(b.value)})`
        const keys = b.keys!
        const added = keys.find((k) => !a.keys!.includes(k))
        if (added !== undefined || keys.length !== a.keys!.length) {
          return `${path()} (key ${added ?? a.keys!.find((k) => !keys.includes(k))} was added or removed)`
        }
        break
      }
      case 'seen':
        if (b.kind !== 'seen' || b.value !== a.value) return `${path()} (its structure changed)`
        break
      case 'value':
        if (!Object.is(a.value, b.value)) return `${path()} (${String(a.value)} → ${String(b.value)})`
    }
  }
  return undefined
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
 * import { DescentError, adam, strictPurity, tensor, type GradientTransformation } from 'descent-ts'
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
    const before = inputs.map(([name, v]) => snapshot(v, name))
    const out = run()
    for (const [i, [name, v]] of inputs.entries()) {
      const where = firstChange(before[i]!, snapshot(v, name))
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
