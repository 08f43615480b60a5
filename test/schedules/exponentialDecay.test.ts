import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, exponentialDecay } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('exponentialDecay', () => {
  it('decays continuously by decayRate every transitionSteps steps', () => {
    // s(t) = 1·0.5^(t/10)
    const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })
    expect(s(0)).toBe(1)
    expect(s(5)).toBeCloseTo(Math.SQRT1_2, 15)
    expect(s(10)).toBe(0.5)
    expect(s(15)).toBeCloseTo(0.5 * Math.SQRT1_2, 15)
    expect(s(30)).toBe(0.125)
  })

  it('holds initValue until transitionBegin', () => {
    // B = 5: s(t) = 2 for t ≤ 5, then 2·0.5^((t − 5)/10)
    const s = exponentialDecay({ initValue: 2, transitionSteps: 10, decayRate: 0.5, transitionBegin: 5 })
    expect([0, 3, 5].map(s)).toEqual([2, 2, 2])
    expect(s(15)).toBe(1)
    expect(s(25)).toBe(0.5)
  })

  it('decays in steps with staircase (StepLR)', () => {
    // s(t) = 1·0.5^⌊t/10⌋
    const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, staircase: true })
    expect([0, 9, 9.99, 10, 19, 20, 35].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.125])
  })

  it('grows when decayRate > 1', () => {
    const s = exponentialDecay({ initValue: 1, transitionSteps: 2, decayRate: 3 })
    expect(s(4)).toBe(9) // 3^(4/2)
  })

  it('clips at endValue: a floor when decayRate < 1, a ceiling otherwise, even before transitionBegin', () => {
    const floor = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, endValue: 0.3 })
    expect([0, 10, 20, 100].map(floor)).toEqual([1, 0.5, 0.3, 0.3]) // 0.25 and below are raised to 0.3
    const ceiling = exponentialDecay({ initValue: 1, transitionSteps: 1, decayRate: 2, endValue: 3 })
    expect([0, 1, 2, 10].map(ceiling)).toEqual([1, 2, 3, 3]) // 4 and above are lowered to 3
    // optax applies the bound before transitionBegin too: max(1, 2) = 2 at every step.
    const early = exponentialDecay({
      initValue: 1,
      transitionSteps: 10,
      decayRate: 0.5,
      transitionBegin: 100,
      endValue: 2,
    })
    expect([0, 50, 100].map(early)).toEqual([2, 2, 2])
  })

  it('is the constant initValue when transitionSteps ≤ 0 or decayRate = 0, ignoring endValue (as optax)', () => {
    for (const s of [
      exponentialDecay({ initValue: 0.7, transitionSteps: 0, decayRate: 0.5, endValue: 1 }),
      exponentialDecay({ initValue: 0.7, transitionSteps: -3, decayRate: 0.5 }),
      exponentialDecay({ initValue: 0.7, transitionSteps: 10, decayRate: 0, endValue: 1 }),
    ]) {
      expect([0, 10, 1000].map(s)).toEqual([0.7, 0.7, 0.7])
    }
  })

  it('treats a negative transitionBegin as 0 (as optax)', () => {
    const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, transitionBegin: -20 })
    expect(s(0)).toBe(1)
    expect(s(10)).toBe(0.5)
  })

  it('rejects invalid options, naming them', () => {
    const ok = { initValue: 1, transitionSteps: 10, decayRate: 0.5 }
    expectHyperparameterError(
      () => exponentialDecay({ ...ok, decayRate: -0.5 }),
      'exponentialDecay options.decayRate must be in [0, Infinity); got -0.5',
    )
    expectHyperparameterError(
      () => exponentialDecay({ ...ok, staircase: 'yes' as never }),
      'exponentialDecay options.staircase must be true or false; got "yes"',
    )
    expectHyperparameterError(
      () => exponentialDecay({ ...ok, endValue: NaN }),
      'exponentialDecay options.endValue must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => exponentialDecay({ ...ok, transitionSteps: Infinity }),
      'exponentialDecay options.transitionSteps must be in (-Infinity, Infinity); got Infinity',
    )
    expectHyperparameterError(
      () => exponentialDecay({ initValue: 1, transitionSteps: 10 } as never),
      'exponentialDecay options.decayRate must be in [0, Infinity); got undefined',
    )
  })

  test.prop([
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.integer({ min: 1, max: 1000 }),
    fc.double({ min: 0.5, max: 1.5, noNaN: true }).filter((r) => r !== 0),
    fc.integer({ min: 0, max: 100_000 }),
  ])('with staircase equals a float64 StepLR reference init·rate^⌊count/T⌋', (initValue, T, decayRate, count) => {
    const s = exponentialDecay({ initValue, transitionSteps: T, decayRate, staircase: true })
    const epochs = Number(BigInt(count) / BigInt(T)) // integer division, as PyTorch's `last_epoch // step_size`
    const expected = initValue * Math.pow(decayRate, epochs)
    // Overflow (rate > 1, many epochs) gives ±Infinity, or NaN for initValue 0, in both: compare those exactly.
    if (Number.isFinite(expected)) expect(Math.abs(s(count) - expected)).toBeLessThanOrEqual(1e-15 * Math.abs(expected))
    else expect(s(count)).toBe(expected)
  })

  test.prop([
    fc.double({ min: 1e-3, max: 10, noNaN: true }),
    fc.integer({ min: 1, max: 100 }),
    fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    fc.double({ min: 0, max: 1e4, noNaN: true }),
    fc.double({ min: 0, max: 1e4, noNaN: true }),
  ])(
    'without staircase is non-increasing for 0 < decayRate < 1 and positive initValue',
    (initValue, T, decayRate, a, b) => {
      const s = exponentialDecay({ initValue, transitionSteps: T, decayRate })
      const [lo, hi] = a <= b ? [a, b] : [b, a]
      expect(s(hi)).toBeLessThanOrEqual(s(lo))
    },
  )
})
