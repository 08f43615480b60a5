import { HyperparameterError } from '../../core/errors'
import { type PRNGKey, prngKey, randomBernoulli, randomNormal, splitKey } from '../../core/prng'
import * as tree from '../../core/tree'
import type { Leaf, PyTree } from '../../core/types'

/** An integer seed or a PRNGKey, checked; `owner` and `name` go into the error. */
export function checkKey(owner: string, name: string, key: unknown): PRNGKey {
  if (typeof key === 'number' && Number.isSafeInteger(key)) return prngKey(key)
  const ok = Array.isArray(key) && key.length === 2 && key.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
  if (!ok)
    throw new HyperparameterError(
      `${owner} ${name} must be an integer seed or a PRNGKey [uint32, uint32]; got ${String(key)}`,
    )
  return [key[0], key[1]] as PRNGKey
}

/** Random leaves with the structure, shapes and dtypes of `t`, one sub-key per leaf (numbers stay numbers). */
function randomLike<T extends PyTree>(key: PRNGKey, t: T, draw: (k: PRNGKey, l: Leaf) => Leaf): T {
  const keys = splitKey(key, Math.max(tree.leaves(t).length, 1))
  let i = 0
  return tree.map((l: Leaf) => draw(keys[i++]!, l), t)
}

/** Rademacher signs (±1 with probability ½ each). */
export const rademacherLike = <T extends PyTree>(key: PRNGKey, t: T): T =>
  randomLike(key, t, (k, l) => {
    const b = randomBernoulli(k, 0.5, typeof l === 'number' ? [] : l.shape, typeof l === 'number' ? 'float64' : l.dtype)
    const signs = tree.mapElementwise((x) => 2 * x - 1, b)
    return typeof l === 'number' ? signs.item() : signs
  })

/** Standard normal samples. */
export const normalLike = <T extends PyTree>(key: PRNGKey, t: T): T =>
  randomLike(key, t, (k, l) =>
    typeof l === 'number'
      ? randomNormal(k, [], { dtype: 'float64' }).item()
      : randomNormal(k, l.shape, { dtype: l.dtype }),
  )
