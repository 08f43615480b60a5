import { describe, expect, test } from 'vitest'
import {
  DTypeError,
  DescentError,
  ShapeError,
  StructureError,
  scale,
  scaleByAdam,
  tensor,
  trace,
} from '../../src/index'
import { EMPTY_STATE_SPEC, type StateSpec, checkState } from '../../src/core/stateCheck'

const ADAM: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }
const g = { w: tensor([1, 2, 3]), b: 0.5 }
const adamState = () => ({ count: 0, mu: { w: tensor([0, 0, 0]), b: 0 }, nu: { w: tensor([0, 0, 0]), b: 0 } })

const thrown = (f: () => unknown): Error => {
  try {
    f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a throw')
}

describe('checkState', () => {
  test('accepts the state its spec describes, with updates and params of one structure', () => {
    expect(() => checkState('t', adamState(), ADAM, g, g)).not.toThrow()
    expect(() => checkState('t', {}, EMPTY_STATE_SPEC, g, g)).not.toThrow()
    expect(() => checkState('t', [{}, { count: 3 }], [{}, { count: 'count' }], g)).not.toThrow()
    expect(() =>
      checkState('t', { best: Infinity, snap: [1, null] }, { best: 'number', snap: 'pytree' }, g),
    ).not.toThrow()
    expect(() => checkState('t', { inner: 'anything at all' }, { inner: 'any' }, g)).not.toThrow()
  })

  test('a state of another transform names both what was expected and what was given', () => {
    const e = thrown(() => checkState('scaleByAdam', { trace: g }, ADAM, g))
    expect(e).toBeInstanceOf(StructureError)
    expect(e.message).toMatch(/^scaleByAdam: state should be \{count, mu, nu\} \(scaleByAdam's state\); got \{trace\}/)
    expect(e.message).toMatch(/another optimizer/)
  })

  test.each([
    ['undefined', undefined, /state should be \{count, mu, nu\}.*got undefined/],
    ['a number', 3, /got a number \(3\)/],
    ['{}', {}, /got \{\}/],
    ['a tuple', [{}, {}], /got an array of length 2/],
    ['a NaN count', { ...adamState(), count: NaN }, /state\.count should be a step count.*got a number \(NaN\)/],
    ['a negative count', { ...adamState(), count: -1 }, /state\.count should be a step count/],
  ])('refuses %s with the path and a fix', (_, s, re) => {
    const e = thrown(() => checkState('scaleByAdam', s, ADAM, g))
    expect(e).toBeInstanceOf(DescentError)
    expect(e.message).toMatch(re)
    expect(e.message).toMatch(/Pass the state returned by this transform's init or update/)
  })

  test('a nested slot that is wrong names its path and the whole state', () => {
    const e = thrown(() => checkState('w', [{}, { count: 'x' }], [{}, { count: 'count' }], g))
    expect(e.message).toMatch(
      /state\[1\]\.count should be a step count.*w's state is an array of length 2; given: an array of length 2/,
    )
  })

  test('tree slots must have the structure and shapes of the updates, named by path', () => {
    const extra = { ...g, zzz: tensor([1]) }
    expect(thrown(() => checkState('scaleByAdam', adamState(), ADAM, extra))).toBeInstanceOf(StructureError)
    expect(thrown(() => checkState('scaleByAdam', adamState(), ADAM, extra)).message).toMatch(/zzz/)
    const wrongShape = { ...g, w: tensor([1, 2]) }
    const e = thrown(() => checkState('scaleByAdam', adamState(), ADAM, wrongShape))
    expect(e).toBeInstanceOf(ShapeError)
    expect(e.message).toMatch(/^scaleByAdam: updates\.w: shape \[2\] vs state\.mu \[3\]/)
    const badLeaf = { ...adamState(), nu: { w: undefined, b: 0 } }
    expect(thrown(() => checkState('scaleByAdam', badLeaf, ADAM, g)).message).toMatch(/state\.nu\.w is undefined/)
  })

  test("'treeLike' slots need the structure only", () => {
    const spec: StateSpec = { v: 'treeLike' }
    expect(() => checkState('f', { v: { w: tensor([1]), b: 0 } }, spec, g)).not.toThrow()
    expect(thrown(() => checkState('f', { v: { w: tensor([1]) } }, spec, g)).message).toMatch(
      /^f: updates: updates has \{b, w\} but state\.v has \{w\}/,
    )
  })

  test('updates must have the structure of the params when they are given', () => {
    const e = thrown(() => checkState('scale', {}, EMPTY_STATE_SPEC, { ...g, zzz: 1 }, g))
    expect(e).toBeInstanceOf(StructureError)
    expect(e.message).toMatch(/^scale: .*zzz/)
    expect(thrown(() => checkState('scale', {}, EMPTY_STATE_SPEC, { ...g, b: true as never }, g)).message).toMatch(
      /updates\.b is a boolean/,
    )
  })

  test('dtype policy: a float64 update for float32 state is refused; float32 updates for float64 state are fine', () => {
    const g64 = { w: tensor([1, 2, 3], 'float64'), b: 0.5 }
    const e = thrown(() => checkState('scaleByAdam', adamState(), ADAM, g64))
    expect(e).toBeInstanceOf(DTypeError)
    expect(e.message).toMatch(/updates\.w is float64 but state\.mu\.w is float32.*tree\.cast\(grads, 'float32'\)/)
    const s64 = {
      count: 0,
      mu: { w: tensor([0, 0, 0], 'float64'), b: 0 },
      nu: { w: tensor([0, 0, 0], 'float64'), b: 0 },
    }
    expect(() => checkState('scaleByAdam', s64, ADAM, g)).not.toThrow()
    expect(() => checkState('scaleByAdam', s64, ADAM, g64)).not.toThrow()
  })

  test('custom checks', () => {
    const spec: StateSpec = { k: (v) => (v === 'ok' ? undefined : "the string 'ok'") }
    expect(() => checkState('c', { k: 'ok' }, spec, g)).not.toThrow()
    expect(thrown(() => checkState('c', { k: 1 }, spec, g)).message).toMatch(
      /state\.k should be the string 'ok'; got a number \(1\)/,
    )
  })
})

describe('transforms check their state with it', () => {
  const params = { w: tensor([1, 2, 3]), b: 0.5 }
  test('scaleByAdam refuses a trace state, a float64 gradient for float32 params, and keeps float32 state', () => {
    const tx = scaleByAdam()
    expect(() => tx.update(g, trace(0.9).init(params) as never, params)).toThrow(
      /scaleByAdam: state should be \{count, mu, nu\}/,
    )
    expect(() => tx.update({ ...g, w: tensor([1, 2, 3], 'float64') }, tx.init(params), params)).toThrow(DTypeError)
    const [, s] = tx.update(g, tx.init(params), params)
    expect((s.mu as unknown as { w: { dtype: string } }).w.dtype).toBe('float32')
  })
  test('trace refuses a state with the wrong keys; scale refuses a non-empty state and updates unlike the params', () => {
    expect(() => trace(0.9).update(g, { mu: g } as never, params)).toThrow(
      /trace: state should be \{trace\}.*got \{mu\}/,
    )
    expect(() => scale(2).update(g, { count: 0 } as never, params)).toThrow(
      /scale: state should be \{\}.*got \{count\}/,
    )
    expect(() => scale(2).update({ ...g, zzz: 1 } as never, {}, params)).toThrow(/scale: .*zzz/)
    expect(scale(2).update(g, {}, params)[0].b).toBe(1)
  })
})
