import { DescentError } from './errors'

/**
 * @internal The mark the autodiff core puts on the storage a traced value hands out through `data` while its
 * transformation runs (a non-enumerable symbol property of the typed array; values are never touched). `tensor()`
 * refuses a marked array while that transformation is still running: `tensor(x.data)` inside a loss builds a
 * constant with x's values, cut off from the graph, whose derivative is silently 0.
 */
export const TRACED_STORAGE = Symbol('descent.tracedStorage')

/** @internal The transformation that handed the storage out: its `active` flag and its kind. */
export interface TracedBy {
  readonly active: boolean
  readonly kind: 'jvp' | 'vjp'
}

interface Mark {
  /** Weak, so that a param's storage does not keep a finished trace (and its tape) alive. */
  readonly trace: WeakRef<TracedBy>
  readonly kind: 'jvp' | 'vjp'
}

/** @internal Marks `data` as handed out by the running transformation `by` (the latest one wins) and returns it. */
export function markTraced<T extends object>(data: T, by: TracedBy): T {
  const mark: Mark = { trace: new WeakRef(by), kind: by.kind }
  Object.defineProperty(data, TRACED_STORAGE, { value: mark, enumerable: false, configurable: true, writable: true })
  return data
}

/** @internal Throws `detachedLoss` when `values` is the storage of a value traced by a transformation still running. */
export function checkNotTraced(values: unknown): void {
  if (typeof values !== 'object' || values === null) return
  const mark = (values as { [TRACED_STORAGE]?: Mark })[TRACED_STORAGE]
  if (mark === undefined || mark.trace.deref()?.active !== true) return
  const by = mark.kind === 'vjp' ? 'grad / valueAndGrad / vjp' : 'jvp / jacfwd / hessian (forward mode)'
  throw new DescentError(
    `tensor() was given the storage (x.data) of a value traced by ${by}: the new tensor holds x's numbers but is ` +
      'cut off from the graph, so everything computed from it gets a zero derivative without a word (the ' +
      'torch.tensor(x.numpy()) mistake). Fix: use x itself (ops.reshape(x, shape), ops.cast(x, dtype) if a new ' +
      'shape or dtype is what you need); for a constant copy on purpose, use stopGradient(x).',
    { code: 'detachedLoss' },
  )
}
