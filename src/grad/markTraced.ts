import { DescentError } from '../core/errors'
import { type StorageMark, TRACED_STORAGE, type TracedBy } from '../core/tracedStorage'

/**
 * @internal The 'detachedLoss' error of `tensor(x.data)` on a value traced by a running transformation of `kind`.
 * It lives here, with the mark, rather than in core/tensor.ts that throws it: an app that never traces never has a
 * marked array, and its bundle does not carry the text.
 */
function refuse(kind: 'jvp' | 'vjp'): never {
  const by = kind === 'vjp' ? 'grad / valueAndGrad / vjp' : 'jvp / jacfwd / hessian (forward mode)'
  throw new DescentError(
    `tensor() was given the storage (x.data) of a value traced by ${by}: the new tensor holds x's numbers but is ` +
      'cut off from the graph, so everything computed from it gets a zero derivative without a word (the ' +
      'torch.tensor(x.numpy()) mistake). Fix: use x itself (ops.reshape(x, shape), ops.cast(x, dtype) if a new ' +
      'shape or dtype is what you need); for a constant copy on purpose, use stopGradient(x).',
    { code: 'detachedLoss' },
  )
}

/** @internal Marks `data` as handed out by the running transformation `by` (the latest one wins) and returns it. */
export function markTraced<T extends object>(data: T, by: TracedBy): T {
  const mark: StorageMark = { trace: new WeakRef(by), kind: by.kind, refuse }
  Object.defineProperty(data, TRACED_STORAGE, { value: mark, enumerable: false, configurable: true, writable: true })
  return data
}
