import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, piecewiseConstantSchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('piecewiseConstantSchedule', () => {
  it('multiplies in each scale from its boundary on (optax docstring case)', () => {
    // v = 1; ×0.1 from step 100; ×0.01 from step 200.
    const s = piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 100: 0.1, 200: 0.01 } })
    expect(s(0)).toBe(1)
    expect(s(50)).toBe(1)
    expect(s(99)).toBe(1)
    expect(s(99.5)).toBe(1)
    expect(s(100)).toBe(0.1) // a boundary is inclusive: t ≥ b
    expect(s(150)).toBe(0.1)
    expect(s(200)).toBe(0.1 * 0.01)
    expect(s(250)).toBeCloseTo(0.001, 17)
    expect(s(1e9)).toBe(0.1 * 0.01)
  })

  it('accepts the initial value positionally and the boundaries as pairs, in any order', () => {
    const a = piecewiseConstantSchedule(2, {
      boundariesAndScales: [
        [30, 0.5],
        [10, 0.5],
      ],
    })
    const b = piecewiseConstantSchedule({ initValue: 2, boundariesAndScales: { 30: 0.5, 10: 0.5 } })
    for (const t of [0, 9, 10, 29, 30, 100]) expect(a(t)).toBe(b(t))
    expect([0, 10, 30].map(a)).toEqual([2, 1, 0.5])
  })

  it('is constant without boundaries, and handles a zero scale and repeated boundaries', () => {
    expect(piecewiseConstantSchedule(0.3)(1000)).toBe(0.3)
    expect(piecewiseConstantSchedule({ initValue: 0.3, boundariesAndScales: {} })(1000)).toBe(0.3)
    const zero = piecewiseConstantSchedule(1, { boundariesAndScales: { 5: 0 } })
    expect([zero(4), zero(5), zero(6)]).toEqual([1, 0, 0])
    const twice = piecewiseConstantSchedule(1, {
      boundariesAndScales: [
        [5, 0.5],
        [5, 0.5],
      ],
    })
    expect([twice(4), twice(5)]).toEqual([1, 0.25])
    // Scales above 1 raise the value.
    expect(piecewiseConstantSchedule(1, { boundariesAndScales: { 3: 4 } })(3)).toBe(4)
  })

  it('rejects negative scales and malformed boundaries, naming them', () => {
    expectHyperparameterError(
      () => piecewiseConstantSchedule(1, { boundariesAndScales: { 100: -0.5 } }),
      'piecewiseConstantSchedule options.boundariesAndScales[100] must be in [0, Infinity); got -0.5',
    )
    expectHyperparameterError(
      () =>
        piecewiseConstantSchedule(1, {
          boundariesAndScales: [
            [10, 0.5],
            [20, -1],
          ],
        }),
      'piecewiseConstantSchedule options.boundariesAndScales[1][1] must be in [0, Infinity); got -1',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule(1, { boundariesAndScales: [[NaN, 0.5]] }),
      'piecewiseConstantSchedule options.boundariesAndScales[0][0] must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule(1, { boundariesAndScales: { abc: 0.5 } as never }),
      'piecewiseConstantSchedule options.boundariesAndScales key "abc" must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule(1, { boundariesAndScales: [[10]] as never }),
      'piecewiseConstantSchedule options.boundariesAndScales[0] must be a [step, scale] pair; got [10]',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule(1, { boundariesAndScales: 5 as never }),
      'piecewiseConstantSchedule options.boundariesAndScales must be a record { step: scale } or a list of',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule(NaN),
      'piecewiseConstantSchedule initValue must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => piecewiseConstantSchedule({ initValue: Infinity }),
      'piecewiseConstantSchedule options.initValue must be in (-Infinity, Infinity); got Infinity',
    )
  })

  test.prop([
    fc.double({ min: -100, max: 100, noNaN: true }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 4, noNaN: true })), { maxLength: 6 }),
    fc.integer({ min: -10, max: 1200 }),
  ])('equals initValue times the product of the scales whose boundary has been reached', (initValue, pairs, count) => {
    const s = piecewiseConstantSchedule(initValue, { boundariesAndScales: pairs })
    const reached = pairs.filter(([b]) => b <= count)
    const expected = reached.reduce((p, [, f]) => p * f, 1) * initValue
    expect(Math.abs(s(count) - expected)).toBeLessThanOrEqual(1e-13 * Math.abs(expected) + 1e-300)
  })
})
