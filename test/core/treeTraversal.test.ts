import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { tree } from '../../src/index'

describe('keystr', () => {
  test('identifiers are joined with dots, indices in brackets', () => {
    expect(tree.keystr(['layers', 1, 'w'], 'params')).toBe('params.layers[1].w')
    expect(tree.keystr(['layers', 1, 'w'])).toBe('layers[1].w')
    expect(tree.keystr([0, 'a'])).toBe('[0].a')
    expect(tree.keystr([0, 1], 'x')).toBe('x[0][1]')
    expect(tree.keystr(['$x_1', '_y'], 'r')).toBe('r.$x_1._y')
  })

  test('other keys are quoted as JSON strings in brackets', () => {
    expect(tree.keystr(['odd key'])).toBe('["odd key"]')
    expect(tree.keystr(['1abc'], 'p')).toBe('p["1abc"]')
    expect(tree.keystr(['a"b'], 'p')).toBe('p["a\\"b"]')
    expect(tree.keystr(['a.b'], 'p')).toBe('p["a.b"]')
    expect(tree.keystr([''], 'p')).toBe('p[""]')
    expect(tree.keystr(['0'], 'p')).toBe('p["0"]')
  })

  test('the empty path is the root name, or (root)', () => {
    expect(tree.keystr([], 'params')).toBe('params')
    expect(tree.keystr([])).toBe('(root)')
  })

  const arbKey = fc.oneof(fc.nat({ max: 9 }), fc.string({ minLength: 1, maxLength: 6 }))
  test.prop([fc.array(arbKey, { minLength: 1, maxLength: 5 })])(
    'tree.get parses keystr back to the same path',
    (path) => {
      // build a tree that holds 42 at `path`
      const build = (i: number): unknown => {
        if (i === path.length) return 42
        const k = path[i]!
        if (typeof k === 'number') return Array.from({ length: k + 1 }, (_, j) => (j === k ? build(i + 1) : null))
        return { [k]: build(i + 1) }
      }
      const t = build(0) as never
      expect(tree.get(t, path)).toEqual({ _tag: 'Some', value: 42 })
      const s = tree.keystr(path)
      // keystr quotes every key that is not an identifier (brackets, quotes, dots, spaces, digits first), so the
      // string form must parse back to the same path
      expect(tree.get(t, s)).toEqual({ _tag: 'Some', value: 42 })
    },
  )
})
