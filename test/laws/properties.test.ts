/**
 * Cross-cutting algebraic properties of the building blocks, over random pytrees (src/testing/arbitraries.ts, shipped as descent-ts/testing).
 */
import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  type GradientTransformation,
  type PyTree,
  addDecayedWeights,
  chain,
  clipByGlobalNorm,
  scale,
  tree,
} from '../../src/index'
import {
  float64 as arbFloat64,
  prefixMask as arbPrefixMask,
  pyTree as arbPyTree,
  treeLike as arbTreeLike,
  treePair as arbTreePair,
} from '../../src/testing/arbitraries'
import { expectSameStructure, expectTreesClose, expectTreesEqual } from '../_helpers/assertions'

/** Runs a transform's first update from its init on `params`. */
const firstUpdate = <S>(tx: GradientTransformation<S>, updates: PyTree, params: PyTree = updates) =>
  tx.update(updates, tx.init(params), params)[0]

describe('chain(scale(a), scale(b)) ≡ scale(a·b)', () => {
  // b·(a·g) and (a·b)·g each round twice, so they agree to a few ulps: |Δ| ≤ 2·2⁻⁵³·|a·b·g| per element.
  test.prop([arbPyTree({ dtype: 'float64' }), arbFloat64(), arbFloat64()])('on float64 trees', (g, a, b) => {
    const chained = firstUpdate(chain(scale(a), scale(b)), g)
    const once = firstUpdate(scale(a * b), g)
    expectSameStructure(chained, g)
    expectTreesClose(chained, once, { rtol: 1e-15, atol: 0 })
  })

  test.prop([arbPyTree({ dtype: 'float64' }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 })])(
    'bit-identical when a and b are powers of two (no rounding at all)',
    (g, i, j) => {
      const chained = firstUpdate(chain(scale(2 ** i), scale(2 ** j)), g)
      expectTreesEqual(chained, firstUpdate(scale(2 ** (i + j)), g))
    },
  )
})

describe('addDecayedWeights(0) is the identity', () => {
  test.prop([arbTreePair()])('a literal 0 returns the updates bit-identically', ([g, p]) => {
    expectTreesEqual(firstUpdate(addDecayedWeights(0), g, p), g)
    expectTreesEqual(firstUpdate(addDecayedWeights({ weightDecay: 0 }), g, p), g)
  })

  test.prop([arbPyTree().chain((p) => fc.tuple(arbTreeLike(p), fc.constant(p), arbPrefixMask(p)))])(
    'with a mask too',
    ([g, p, mask]) => {
      expectTreesEqual(firstUpdate(addDecayedWeights({ weightDecay: 0, mask }), g, p), g)
    },
  )

  test.prop([arbTreePair()])('a schedule that is always 0 gives equal values (g + 0·p; −0 may become +0)', ([g, p]) => {
    const tx = addDecayedWeights(() => 0)
    let state = tx.init(p)
    for (let t = 0; t < 3; t++) {
      const [u, next] = tx.update(g, state, p)
      expectTreesClose(u, g, { rtol: 0, atol: 0 })
      state = next
    }
  })
})

describe('clipByGlobalNorm', () => {
  const maxNorms = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 1e-3, max: 1e3, noNaN: true }))
  // Normal magnitudes, and wide ones (|x| up to 1e30, still finite in float32) whose squares need float64.
  const grads = fc.oneof(arbPyTree(), arbPyTree({ min: -1e30, max: 1e30 }))

  test.prop([grads, maxNorms])('‖clip(g)‖ ≤ maxNorm·(1 + 1e-6); g unchanged when ‖g‖ < maxNorm', (g, maxNorm) => {
    const u = firstUpdate(clipByGlobalNorm(maxNorm), g)
    expectSameStructure(u, g)
    const n = tree.norm(g)
    if (n < maxNorm) expectTreesEqual(u, g)
    else expect(tree.norm(u)).toBeLessThanOrEqual(maxNorm * (1 + 1e-6))
  })

  const positive = maxNorms.filter((m) => m > 0)
  test.prop([grads, positive])('direction preserved: clip(g) = min(1, maxNorm/‖g‖)·g', (g, maxNorm) => {
    const u = firstUpdate(clipByGlobalNorm(maxNorm), g)
    const n = tree.norm(g)
    fc.pre(n > 0)
    // the float64 recomputation, rounded to each leaf's dtype like the transform's output (float32 leaves: 1 ulp)
    expectTreesClose(u, tree.scale(Math.min(1, maxNorm / n), g), { rtol: 2.4e-7, atol: 0 })
    // and the cosine between u and g is 1
    expect(tree.vdot(u, g) / (tree.norm(u) * n)).toBeGreaterThan(1 - 1e-6)
  })

  test.prop([grads, maxNorms])('idempotent: clip(clip(g)) = clip(g)', (g, maxNorm) => {
    const once = firstUpdate(clipByGlobalNorm(maxNorm), g)
    const twice = firstUpdate(clipByGlobalNorm(maxNorm), once)
    // the first clip lands on ‖·‖ = maxNorm up to rounding, so the second one rescales by 1 ± a few ulps at most
    expectTreesClose(twice, once, { rtol: 4.8e-7, atol: 0 })
  })
})
