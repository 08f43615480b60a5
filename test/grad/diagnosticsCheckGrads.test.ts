import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  GradCheckError,
  GradFnCheckError,
  StructureError,
  type Tensor,
  checkGradFn,
  checkGradFnE,
  checkGrads,
  checkGradsE,
  customVjp,
  matmul,
  mul,
  ops,
  prngKey,
  randomNormal,
  square,
  tanh,
  tensor,
} from '../../src/index'

function caught<T extends Error>(fn: () => unknown): T {
  try {
    fn()
  } catch (e) {
    return e as T
  }
  throw new Error('expected a throw')
}

const w3 = tensor(3, 'float64')

describe('checkGrads picks the modes a function supports and says which it checked', () => {
  const right = customVjp(
    (w: Tensor) => mul(w, w),
    (w: Tensor) => [mul(w, w), w] as const,
    (w: Tensor, ct: Tensor) => [mul(ct, mul(2, w))],
  )
  const wrong = customVjp(
    (w: Tensor) => mul(w, w),
    (w: Tensor) => [mul(w, w), w] as const,
    (w: Tensor, ct: Tensor) => [mul(ct, w)], // d/dw w² = w: wrong, it is 2w
  )

  it('a customVjp function with default options: forward mode skipped, the reverse rule checked', () => {
    const report = checkGrads((w: Tensor) => right(w), [w3])
    expect(report.checked).toEqual(['rev'])
    expect(report.checks).toEqual(['VJP'])
    expect(report.skipped).toHaveLength(1)
    expect(report.skipped[0]!.check).toBe('JVP')
    expect(report.skipped[0]!.reason).toContain("can't apply forward-mode autodiff")
  })

  it('order 2: JVP of VJP (forward over reverse) still runs on a customVjp function', () => {
    const report = checkGrads((w: Tensor) => right(w), [w3], { order: 2 })
    expect(report.checked).toEqual(['rev'])
    expect(report.checks).toEqual(['VJP', 'JVP of VJP', 'VJP of VJP'])
  })

  it('a wrong customVjp rule with default options fails on the reverse rule, naming the path and the values', () => {
    const e = caught<GradCheckError>(() => checkGrads((w: Tensor) => wrong(w), [w3]))
    expect(e).toBeInstanceOf(GradCheckError)
    expect(e.code).toBe('wrongGradient')
    expect(e.mode).toBe('rev')
    expect(e.path).toBe('args[0]')
    expect(e.analytic).toBe(3) // the rule's w at w = 3
    expect(e.numeric).toBeCloseTo(6, 6) // 2w by central differences
    expect(e.message).toContain('How to fix')
  })

  it("asking for 'fwd' explicitly still fails on a customVjp function", () => {
    expect(() => checkGrads((w: Tensor) => right(w), [w3], { modes: ['fwd', 'rev'] })).toThrow(/customVjp/)
  })

  it('an ordinary function is checked in both modes; checkGradsE returns the report', () => {
    const f = (w: Tensor) => ops.sum(tanh(mul(w, w)))
    expect(checkGrads(f, [tensor([0.5, -1], 'float64')]).checked).toEqual(['fwd', 'rev'])
    const r = checkGradsE(f, [tensor([0.5, -1], 'float64')])
    expect(E.isRight(r) && r.right.checks).toEqual(['JVP', 'VJP'])
  })
})

describe('checkGradFn: a hand-written gradient against autodiff and float64 central differences', () => {
  it('d/dw w² = w is caught, naming the path, the two values and the relative error', () => {
    const e = caught<GradFnCheckError>(() =>
      checkGradFn(
        (w: Tensor) => mul(w, w),
        (w: Tensor) => w,
        [w3],
      ),
    )
    expect(e).toBeInstanceOf(GradFnCheckError)
    expect(e).toBeInstanceOf(DescentError)
    expect(e.code).toBe('wrongGradient')
    expect(e.path).toBe('args[0]')
    expect(e.handWritten).toBe(3)
    expect(e.reference).toBeCloseTo(6, 6) // 2w at w = 3
    expect(e.autodiff).toBe(6)
    expect(e.relativeError).toBeCloseTo(0.5, 6) // |3 − 6| / 6
    expect(e.message).toContain('gradFn gives 3 but central differences in float64')
    expect(e.message).toContain('relative error 0.5')
    expect(e.message).toContain('Fix: rederive ∂f/∂args[0]')
  })

  it('names the wrong entry of a pytree argument; the right gradient passes', () => {
    type P = { w: Tensor; b: number }
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      'float64',
    )
    const f = (p: P) => ops.sum(square(ops.add(matmul(x, p.w), p.b))) // Σ (Xw + b)²
    const right = (p: P) => {
      const r = ops.add(matmul(x, p.w), p.b) // residual, [3]
      return { w: mul(2, matmul(ops.transpose(x), r)), b: 2 * ops.sum(r).item() }
    }
    const wrongB = (p: P) => ({ ...right(p), b: right(p).b / 2 })
    const p: P = { w: tensor([0.5, -1], 'float64'), b: 0.25 }
    const report = checkGradFn(f, right, [p])
    expect(report.autodiff).toBe(true)
    expect(report.numericEntries).toBe(3)
    expect(report.maxRelativeError).toBeLessThan(1e-7)
    const e = caught<GradFnCheckError>(() => checkGradFn(f, wrongB, [p]))
    expect(e.path).toBe('args[0].b')
    expect(e.handWritten / e.reference).toBeCloseTo(0.5, 6)
  })

  it('checks the gradient of a function autodiff cannot differentiate (computed on plain numbers)', () => {
    const f = (w: Tensor) => w.item() ** 3
    expect(checkGradFn(f, (w: Tensor) => tensor(3 * w.item() ** 2, 'float64'), [tensor(2, 'float64')]).autodiff).toBe(
      false,
    )
    const e = caught<GradFnCheckError>(() => checkGradFn(f, (w: Tensor) => tensor(w.item() ** 2), [tensor(2)]))
    expect(e.handWritten).toBe(4)
    expect(e.reference).toBeCloseTo(12, 5)
    expect(e.autodiff).toBeNull()
    expect(e.message).toContain('autodiff cannot differentiate f')
  })

  it('finds one wrong entry of a leaf larger than maxEntries through autodiff', () => {
    const w = randomNormal(prngKey(3), [40], { dtype: 'float64' })
    const f = (v: Tensor) => ops.sum(square(v))
    const bad = (v: Tensor) =>
      tensor(
        Array.from(v.data, (x, i) => (i === 37 ? 0 : 2 * x)),
        'float64',
      )
    const e = caught<GradFnCheckError>(() => checkGradFn(f, bad, [w], { maxEntries: 4 }))
    expect(e.path).toBe('args[0]')
    expect(e.entry).toBe('[37]')
    expect(e.handWritten).toBe(0)
    expect(e.reference).toBeCloseTo(2 * w.data[37]!, 6)
  })

  it('float32 arguments use float32 tolerances, with the differences still taken in float64', () => {
    const f = (w: Tensor) => ops.sum(tanh(w))
    const right = (w: Tensor) => ops.sub(1, square(tanh(w)))
    expect(checkGradFn(f, right, [tensor([0.3, -0.7, 1.1])]).maxRelativeError).toBeLessThan(2e-3)
  })

  it('checkGradFnE returns Either; a result of the wrong structure is a StructureError', () => {
    const r = checkGradFnE(
      (w: Tensor) => mul(w, w),
      (w: Tensor) => w,
      [w3],
    )
    expect(E.isLeft(r) && r.left.code).toBe('wrongGradient')
    expect(
      E.isRight(
        checkGradFnE(
          (w: Tensor) => mul(w, w),
          (w: Tensor) => mul(2, w),
          [w3],
        ),
      ),
    ).toBe(true)
    expect(() =>
      checkGradFn(
        (p: { a: Tensor }) => ops.sum(p.a),
        () => ({ b: tensor(1) }),
        [{ a: w3 }],
      ),
    ).toThrow(StructureError)
  })
})
