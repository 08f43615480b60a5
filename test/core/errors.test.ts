import { describe, expect, test } from 'vitest'
import {
  DTypeError,
  DescentError,
  HyperparameterError,
  InvalidTreeError,
  NonFiniteError,
  ShapeError,
  StructureError,
  tensor,
  tree,
} from '../../src/index'

const subclasses = [StructureError, ShapeError, DTypeError, InvalidTreeError, NonFiniteError] as const

describe('DescentError and its subclasses', () => {
  const cases = subclasses.map((C) => [C.name, C] as const)
  test.each(cases)('%s is an Error and a DescentError, named after its class', (name, C) => {
    const e = new C('the message')
    expect(e).toBeInstanceOf(Error)
    expect(e).toBeInstanceOf(DescentError)
    expect(e).toBeInstanceOf(C)
    expect(e instanceof RangeError).toBe(false)
    expect(e.name).toBe(name)
    expect(e.message).toBe('the message')
    expect(String(e)).toBe(`${name}: the message`)
    expect(typeof e.stack).toBe('string')
  })

  test('DescentError itself', () => {
    const e = new DescentError('m')
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('DescentError')
    expect(e instanceof StructureError).toBe(false)
  })

  test('subclasses are distinct: StructureError is not a ShapeError, and so on', () => {
    for (const A of subclasses) {
      for (const B of subclasses) {
        expect(new A('x') instanceof B).toBe(A === B)
      }
    }
    expect(new StructureError('x') instanceof ShapeError).toBe(false)
    expect(new ShapeError('x') instanceof StructureError).toBe(false)
  })

  test('ordinary errors and other values are not DescentErrors', () => {
    expect(new Error('x') instanceof DescentError).toBe(false)
    expect(new RangeError('x') instanceof DescentError).toBe(false)
    expect(new TypeError('x') instanceof DescentError).toBe(false)
    expect(({ message: 'x' } as unknown) instanceof DescentError).toBe(false)
    expect((null as unknown) instanceof DescentError).toBe(false)
    expect(('x' as unknown) instanceof DescentError).toBe(false)
  })
})

describe('HyperparameterError', () => {
  test('is a RangeError, an Error and a DescentError', () => {
    const e = new HyperparameterError('scaleByAdam options.b1 must be in [0, 1); got 1.2')
    expect(e).toBeInstanceOf(HyperparameterError)
    expect(e).toBeInstanceOf(RangeError)
    expect(e).toBeInstanceOf(Error)
    expect(e instanceof DescentError).toBe(true)
    expect(e.name).toBe('HyperparameterError')
    expect(String(e)).toBe('HyperparameterError: scaleByAdam options.b1 must be in [0, 1); got 1.2')
  })

  test('is none of the other DescentError subclasses, and they are not HyperparameterErrors', () => {
    const e = new HyperparameterError('x')
    for (const C of subclasses) expect(e instanceof C).toBe(false)
    for (const C of subclasses) expect(new C('x') instanceof HyperparameterError).toBe(false)
    expect(new RangeError('x') instanceof HyperparameterError).toBe(false)
  })
})

describe('errors thrown by the library', () => {
  test('one catch of DescentError sees structure and shape errors', () => {
    const catchIt = (f: () => unknown): unknown => {
      try {
        f()
      } catch (e) {
        return e
      }
      return undefined
    }
    const shape = catchIt(() => tree.add({ w: tensor([1, 2]) }, { w: tensor([1, 2, 3]) }))
    expect(shape).toBeInstanceOf(ShapeError)
    expect(shape instanceof DescentError).toBe(true)
    const structure = catchIt(() => tree.add({ a: 1 }, { b: 1 } as never))
    expect(structure).toBeInstanceOf(StructureError)
    expect(structure instanceof DescentError).toBe(true)
    const invalid = catchIt(() => tree.leaves({ w: 'oops' } as never))
    expect(invalid).toBeInstanceOf(InvalidTreeError)
  })
})
