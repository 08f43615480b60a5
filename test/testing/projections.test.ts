import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type PyTree, chain, isTensor, sgd, tree } from '../../src/index'
import { arbitraries, projectionBox, projectionL2Ball } from '../../src/testing/index'

const SEED = 20261121
const trees = arbitraries.treePair({ dtype: 'float64', withNumbers: true })
const maxAbs = (t: PyTree) =>
  Math.max(0, ...tree.leaves(t).map((l) => (isTensor(l) ? tree.norm(l, { ord: Infinity }) : Math.abs(l))))

describe('projections', () => {
  it('projectionL2Ball: lands in the ball, fixes its points, is nonexpansive (the properties OGD’s proof uses)', () => {
    fc.assert(
      fc.property(trees, fc.double({ min: 0.01, max: 50, noNaN: true }), ([a, b], r) => {
        const P = projectionL2Ball(r).project
        const pa = P(a)
        expect(tree.norm(pa)).toBeLessThanOrEqual(r * (1 + 1e-15))
        if (tree.norm(a) <= r) expect(pa).toBe(a)
        expect(tree.norm(tree.sub(pa, P(b)))).toBeLessThanOrEqual(tree.norm(tree.sub(a, b)) * (1 + 1e-12) + 1e-12)
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('projectionBox: clips each coordinate, and in a chain makes the new params the projection of θ + u', () => {
    fc.assert(
      fc.property(trees, ([theta, g]) => {
        const box = projectionBox(-1, 2)
        expect(
          Math.max(...tree.leaves(box.project(g)).flatMap((l) => (isTensor(l) ? Array.from(l.data) : [l])), -1),
        ).toBeLessThanOrEqual(2)
        const tx = chain(sgd(0.5), box)
        const [u] = tx.update(g, tx.init(theta), theta)
        const next = tree.add(theta, u)
        const expected = box.project(tree.addScale(theta, -0.5, g))
        expect(maxAbs(tree.sub(next, expected))).toBeLessThanOrEqual(4 * 2 ** -52 * (maxAbs(theta) + maxAbs(g) + 2))
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('rejects a negative radius and an empty box, and needs the params in a chain', () => {
    expect(() => projectionL2Ball(-1)).toThrow(/radius must be ≥ 0/)
    expect(() => projectionBox(1, 0)).toThrow(/lower ≤ upper/)
    const box = projectionBox(0, 1)
    expect(() => box.update(1, box.init(1))).toThrow(/params/)
  })
})
