import { expectTypeOf, test } from 'vitest'
import { type Interval, checkInRange } from '../../src/core/hyperparams'

// checkInRange's interval is a string literal in math notation; a malformed one is a compile error, not a run-time
// check (lo ≤ hi is checked over src by test/core/hyperparams.test.ts).
test('an interval is [ or (, two numbers or ±Infinity, ] or )', () => {
  expectTypeOf<'[0, 1)'>().toMatchTypeOf<Interval>()
  expectTypeOf<'(-Infinity, Infinity)'>().toMatchTypeOf<Interval>()
  expectTypeOf<'(1e-8, 0.5]'>().toMatchTypeOf<Interval>()
  // @ts-expect-error: no brackets
  checkInRange('o', 'n', 0.5, '0..1')
  // @ts-expect-error: no space after the comma
  checkInRange('o', 'n', 0.5, '[0,1]')
  // @ts-expect-error: not a number
  checkInRange('o', 'n', 0.5, '[0, one]')
  // @ts-expect-error: any string
  checkInRange('o', 'n', 0.5, '[0, 1]' as string)
})
