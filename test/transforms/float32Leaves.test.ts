/**
 * float32Leaves: what the fused Adam kernel takes (the leaves of several trees of one structure, every leaf a float32
 * tensor of the first tree's leaf shape), found in one walk over all the trees; null whenever anything does not fit,
 * and the caller takes the general path.
 */
import { describe, expect, it } from 'vitest'
import { tensor } from '../../src/index'
import { float32Leaves } from '../../src/transforms/_internal/adamKernel'

const t = (n: number, dtype: 'float32' | 'float64' = 'float32') =>
  tensor(
    Array.from({ length: n }, (_, i) => i),
    [n],
    dtype,
  )

describe('float32Leaves', () => {
  it('the leaves of every tree in flattening order (sorted keys, arrays in order)', () => {
    const a = { w: t(3), b: [t(1), null, t(2)] }
    const b = { b: [t(1), null, t(2)], w: t(3) }
    const got = float32Leaves([a, b, a])
    expect(got).not.toBeNull()
    expect(got![0]).toEqual([a.b[0], a.b[2], a.w])
    expect(got![1]).toEqual([b.b[0], b.b[2], b.w])
    expect(got![2]![2]).toBe(a.w)
  })

  it.each([
    ['a float64 leaf in the first tree', [{ w: t(2, 'float64') }, { w: t(2) }]],
    ['a float64 leaf in a later tree', [{ w: t(2) }, { w: t(2) }, { w: t(2, 'float64') }]],
    [
      'a number leaf',
      [
        { w: t(2), s: 1 },
        { w: t(2), s: 1 },
      ],
    ],
    ['another shape in a later tree', [{ w: t(2) }, { w: t(3) }]],
    ['other keys', [{ w: t(2) }, { v: t(2) }]],
    ['another array length', [[t(2)], [t(2), t(2)]]],
    ['null against a leaf', [{ w: t(2) }, { w: null }]],
    ['no leaves at all', [{}, {}]],
  ])('null for %s', (_, trees) => {
    expect(float32Leaves(trees)).toBeNull()
  })
})
