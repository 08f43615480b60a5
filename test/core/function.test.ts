import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { dual } from '../../src/index'

type Sub = { (a: number, b: number): number; (b: number): (a: number) => number }

describe('dual', () => {
  const sub: Sub = dual(
    (args) => args.length === 2,
    (a: number, b: number) => a - b,
  )

  test('data-first calls the body directly', () => {
    expect(sub(5, 2)).toBe(3)
  })

  test('data-last returns a function of the data, which comes first in the body', () => {
    const minus2 = sub(2)
    expect(typeof minus2).toBe('function')
    expect(minus2(5)).toBe(3)
  })

  test('isDataFirst sees the arguments as given', () => {
    const seen: unknown[][] = []
    const f: { (s: string, n: number, m: number): string; (n: number, m: number): (s: string) => string } = dual(
      (args) => {
        seen.push([...args])
        return typeof args[0] === 'string'
      },
      (s: string, n: number, m: number) => `${s}:${n}:${m}`,
    )
    expect(f('x', 1, 2)).toBe('x:1:2')
    expect(f(1, 2)('y')).toBe('y:1:2')
    expect(seen).toEqual([
      ['x', 1, 2],
      [1, 2],
    ])
  })

  test('the data-last form can be reused', () => {
    const minus1 = sub(1)
    expect([minus1(1), minus1(10), minus1(-1)]).toEqual([0, 9, -2])
  })

  test.prop([fc.double({ noNaN: true }), fc.double({ noNaN: true })])('both forms agree', (a, b) => {
    expect(sub(b)(a)).toBe(sub(a, b))
  })
})
