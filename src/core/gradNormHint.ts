import type { ExtraArgs, PyTree } from './types'

/**
 * @internal The key of {@link ExtraArgs} under which trainStep passes ‖extra.grad‖₂, which it has measured already
 * (gradStats, for its checks), so that a transform taking the global norm of that same tree (clipByGlobalNorm first
 * in a chain) does not sum it a second time. A symbol: no user's extra argument sets it by accident, and transforms
 * that do not know it never see it.
 */
export const GRAD_NORM = Symbol('descent.gradNorm')

/**
 * @internal ‖updates‖₂ as measured by the caller (see {@link GRAD_NORM}) when `updates` is `extra.grad` itself and
 * the caller passed a norm that is not +∞ (an overflowed sum, which globalNorm recomputes by rescaling); else
 * undefined. It is tree.norm of the same tree, so the same bits as computing it again.
 */
export function knownNorm(updates: PyTree, extra: ExtraArgs | undefined): number | undefined {
  if (extra === undefined || extra.grad !== updates) return undefined
  const n = (extra as { readonly [GRAD_NORM]?: unknown })[GRAD_NORM]
  return typeof n === 'number' && n !== Infinity ? n : undefined
}
