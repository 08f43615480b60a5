/**
 * @internal The mark the autodiff core puts on the storage a traced value hands out through `data` while its
 * transformation runs (a non-enumerable symbol property of the typed array; values are never touched). `tensor()`
 * refuses a marked array while that transformation is still running: `tensor(x.data)` inside a loss builds a
 * constant with x's values, cut off from the graph, whose derivative is silently 0.
 */
export const TRACED_STORAGE = Symbol('descent.traced')

/** @internal The transformation that handed the storage out: its `active` flag and its kind. */
export interface TracedBy {
  readonly active: boolean
  readonly kind: 'jvp' | 'vjp'
}

/**
 * @internal What the mark holds. The error itself (`refuse`) comes with the mark from the autodiff core (grad/trace.ts),
 * so that its text is only in an app that traces: a marked array exists only there.
 */
export interface StorageMark {
  /** Weak, so that a param's storage does not keep a finished trace (and its tape) alive. */
  readonly trace: WeakRef<TracedBy>
  readonly kind: 'jvp' | 'vjp'
  /** Throws the 'detachedLoss' DescentError for storage handed out by a transformation of this kind. */
  readonly refuse: (kind: 'jvp' | 'vjp') => never
}

/** @internal Throws `detachedLoss` when `values` is the storage of a value traced by a transformation still running. */
export function checkNotTraced(values: unknown): void {
  const mark = (values as { [TRACED_STORAGE]?: StorageMark } | null | undefined)?.[TRACED_STORAGE]
  if (mark !== undefined && mark.trace.deref()?.active === true) mark.refuse(mark.kind)
}
