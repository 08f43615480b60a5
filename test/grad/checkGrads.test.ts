import * as E from 'fp-ts/Either'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  GradCheckError,
  HyperparameterError,
  type Tensor,
  add,
  checkGrads,
  checkGradsE,
  customJvp,
  customVjp,
  exp,
  matmul,
  mul,
  ops,
  prngKey,
  sin,
  stopGradient,
  tanh,
  tensor,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

type DType = 'float32' | 'float64'
type Params = { readonly w: Tensor }

const W = [0.5, -1, 2]
const params = (dtype: DType): Params => ({ w: tensor(W, dtype) })

// d/dw w² = 2w. The wrong rules below use w, so ∂/∂w_k Σ w² is w_k by the rule but 2·w_k numerically; the worst
// entry is the largest |w_k|: w_2 = 2, analytic 2, numerical 4.
const vjpSquare = (factor: number) =>
  customVjp(
    (w) => mul(w, w),
    (w) => [mul(w, w), w] as const,
    (w, ct) => [mul(ct, mul(factor, w))],
  )
const jvpSquare = (factor: number) =>
  customJvp(
    (w) => mul(w, w),
    ([w], [t]) => [mul(w!, w!), mul(mul(factor, w!), t!)],
  )

const caught = (body: () => void): GradCheckError => {
  try {
    body()
  } catch (e) {
    if (e instanceof GradCheckError) return e
    throw e
  }
  throw new Error('expected a GradCheckError')
}

describe('checkGrads passes correct derivatives', () => {
  // f(p, b) = Σ tanh(W·x + b)·sin(x) over a pytree with a matrix, a vector and a number leaf.
  const f = (p: { readonly m: Tensor; readonly x: Tensor }, b: number) =>
    ops.sum(mul(tanh(add(matmul(p.m, p.x), b)), sin(p.x)))
  const args = (dtype: DType) =>
    [
      {
        m: tensor(
          [
            [0.3, -0.2, 0.1],
            [0.5, 0.4, -0.7],
            [0.2, 0.9, 0.3],
          ],
          dtype,
        ),
        x: tensor([0.4, -0.8, 1.1], dtype),
      },
      0.3,
    ] as const

  it.each([1, 2, 3])('float64, both modes, order %i', (order) => {
    expect(() => checkGrads(f, [...args('float64')], { order })).not.toThrow()
  })

  // The number b makes the output float64, but float32 arguments make the check use float32's tolerance.
  it('float32, both modes, order 1 with JAX default tolerances (2e-3, eps 1e-4)', () => {
    expect(() => checkGrads(f, [...args('float32')])).not.toThrow()
  })

  it('float32, order 2: the second level needs looser tolerances (float32 rounding / ε² grows with each level)', () => {
    expect(() => checkGrads(f, [...args('float32')], { order: 2, atol: 1e-2, rtol: 1e-2 })).not.toThrow()
  })

  it.each([['fwd'], ['rev']] as const)('only mode %s', (mode) => {
    expect(() => checkGrads(f, [...args('float64')], { order: 2, modes: [mode] })).not.toThrow()
  })

  it('vector outputs and pytree outputs', () => {
    const g = (x: Tensor) => ({ a: exp(x), b: [mul(x, x), ops.sum(sin(x))] })
    expect(() => checkGrads(g, [tensor([0.1, -0.5, 0.9], 'float64')], { order: 2 })).not.toThrow()
  })

  it('right rules pass: customVjp (2w) in reverse mode, customJvp (2w) in both modes, orders 1 and 2', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const tol = dtype === 'float32' ? { atol: 1e-2, rtol: 1e-2 } : {}
      const sv = vjpSquare(2)
      const sj = jvpSquare(2)
      expect(() => checkGrads((p: Params) => ops.sum(sv(p.w)), [params(dtype)], { modes: ['rev'] })).not.toThrow()
      expect(() =>
        checkGrads((p: Params) => ops.sum(sv(p.w)), [params(dtype)], { modes: ['rev'], order: 2, ...tol }),
      ).not.toThrow()
      expect(() => checkGrads((p: Params) => ops.sum(sj(p.w)), [params(dtype)])).not.toThrow()
      expect(() => checkGrads((p: Params) => ops.sum(sj(p.w)), [params(dtype)], { order: 2, ...tol })).not.toThrow()
    }
  })

  // Random smooth functions f(x) = Σ a·tanh(x ⊙ u + v)·exp(−x²/4) at random points, float64, order 2.
  const vec = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 })
  test.prop([vec, vec, vec, fc.double({ min: -2, max: 2, noNaN: true })], { numRuns: 15 })(
    'random smooth functions pass at order 2 (float64)',
    (x, u, v, a) => {
      const [ut, vt] = [tensor(u, 'float64'), tensor(v, 'float64')]
      const g = (y: Tensor) => mul(a, ops.sum(mul(tanh(add(mul(y, ut), vt)), exp(mul(-0.25, mul(y, y))))))
      expect(() => checkGrads(g, [tensor(x, 'float64')], { order: 2 })).not.toThrow()
    },
  )

  it('does not modify its arguments', () => {
    const a = args('float64')
    expectInputsUnchanged(() => checkGrads(f, [...a], { order: 2 }), a[0].m, a[0].x)
  })
})

describe('checkGrads catches wrong hand-written gradients (d/dw w² = w)', () => {
  it.each(['float64', 'float32'] as const)('customVjp, rev, %s: args[0].w, analytic 2, numerical 4', (dtype) => {
    const sq = vjpSquare(1)
    const e = caught(() => checkGrads((p: Params) => ops.sum(sq(p.w)), [params(dtype)], { modes: ['rev'] }))
    expect(e).toBeInstanceOf(DescentError)
    expect(e.name).toBe('GradCheckError')
    expect([e.mode, e.order, e.check, e.path]).toEqual(['rev', 1, 'cotangent', 'args[0].w'])
    expect(e.analytic).toBe(2)
    expect(e.numeric).toBeCloseTo(4, dtype === 'float64' ? 8 : 1)
    expect(e.message).toContain('VJP check (reverse mode, order 1)')
    expect(e.message).toContain('∂output/∂args[0].w[2] is 2 by vjp')
    expect(e.message).toContain('How to fix')
    expect(e.message).toContain('customVjp')
  })

  it.each(['float64', 'float32'] as const)('customJvp, both modes, %s: forward fails first, reverse too', (dtype) => {
    const sq = jvpSquare(1)
    const g = (p: Params) => ops.sum(sq(p.w))
    const fwd = caught(() => checkGrads(g, [params(dtype)]))
    expect([fwd.mode, fwd.order, fwd.check, fwd.path]).toEqual(['fwd', 1, 'tangent', 'args[0].w'])
    expect(fwd.analytic).toBe(2)
    expect(fwd.numeric).toBeCloseTo(4, dtype === 'float64' ? 8 : 1)
    expect(fwd.message).toContain('JVP check (forward mode, order 1) failed for args[0].w')
    expect(fwd.message).toContain('∂output/∂args[0].w[2] is 2 by jvp')
    const rev = caught(() => checkGrads(g, [params(dtype)], { modes: ['rev'] }))
    expect([rev.mode, rev.path, rev.analytic]).toEqual(['rev', 'args[0].w', 2])
  })

  it('order 2 fails the same way at its first level', () => {
    const sq = jvpSquare(1)
    const e = caught(() => checkGrads((p: Params) => ops.sum(sq(p.w)), [params('float64')], { order: 2 }))
    expect([e.mode, e.order]).toEqual(['fwd', 1])
  })

  it('picks the wrong argument among several, with a random cotangent for vector outputs', () => {
    // f(a, p) = a·p.w ⊙ p.w: only p.w goes through the wrong rule.
    const sq = vjpSquare(1)
    const f = (a: Tensor, p: Params) => mul(a, sq(p.w))
    const e = caught(() => checkGrads(f, [tensor(1.5, 'float64'), params('float64')], { modes: ['rev'] }))
    expect(e.path).toBe('args[1].w')
    expect(e.message).toContain('∂⟨c, output⟩ (c a random cotangent)/∂args[1].w[')
    // For a random cotangent c the rule gives c_k·a·w_k and the truth is 2·c_k·a·w_k.
    expect(e.numeric / e.analytic).toBeCloseTo(2, 6)
  })

  it('a rule that is right at order 1 but not differentiable (host arithmetic) fails at order 2, VJP of VJP', () => {
    // bwd computes 2·w·ct on the host, so its own derivative is 0; f_vjp(x) = 2x·x² has derivative 6x² = 13.5 at 1.5.
    // (It reads `.data`: `.item()` on a traced value is refused outright, see the last lines.)
    const sq = customVjp(
      (w) => mul(w, w),
      (w) => [mul(w, w), w] as const,
      (w, ct) => [tensor(2 * w.data[0]! * ct.data[0]!, 'float64')],
    )
    const f = (x: number) => sq(x)
    expect(() => checkGrads(f, [1.5], { modes: ['rev'] })).not.toThrow()
    const e = caught(() => checkGrads(f, [1.5], { modes: ['rev'], order: 2 }))
    expect([e.mode, e.order, e.path, e.analytic]).toEqual(['rev', 2, 'args[0]', 0])
    expect(e.numeric).toBeCloseTo(13.5, 6)
    expect(e.message).toContain('VJP of VJP check (reverse mode, order 2)')
    expect(e.message).toContain('order-1 checks passed')
    // The same rule written with item() is stopped at the item() call, as a 'detachedLoss' DescentError.
    const sqItem = customVjp(
      (w) => mul(w, w),
      (w) => [mul(w, w), w] as const,
      (w, ct) => [tensor(2 * w.item() * ct.item(), 'float64')],
    )
    expect(() => checkGrads((x: number) => sqItem(x), [1.5], { modes: ['rev'] })).not.toThrow()
    expect(() => checkGrads((x: number) => sqItem(x), [1.5], { modes: ['rev'], order: 2 })).toThrow(
      expect.objectContaining({ code: 'detachedLoss', message: expect.stringContaining('stopGradient(x).item()') }),
    )
  })

  it('forward mode at order 2 names the argument as primal or tangent of the inner jvp', () => {
    // The tangent is cut off by stopGradient, so the tangent output does not depend on t: JVP of JVP fails on t.
    const sq = customJvp(
      (w) => mul(w, w),
      ([w], [t]) => [mul(w!, w!), mul(mul(2, w!), stopGradient(t!))],
    )
    const f = (x: number) => sq(x)
    expect(() => checkGrads(f, [1.5], { modes: ['fwd'] })).not.toThrow()
    const e = caught(() => checkGrads(f, [1.5], { modes: ['fwd'], order: 2 }))
    expect([e.mode, e.order, e.path]).toEqual(['fwd', 2, 'args[0] (as tangent)'])
    expect(e.message).toContain('JVP of JVP check (forward mode, order 2)')
    expect(e.message).toContain('∂output[1]/∂args[0] (as tangent) is 0 by jvp')
    // The same rule reading the tangent on the host (t.item()) is stopped at the item() call, as in reverse mode.
    const sqItem = customJvp(
      (w) => mul(w, w),
      ([w], [t]) => [mul(w!, w!), mul(mul(2, w!), tensor(t!.item(), 'float64'))],
    )
    expect(() => checkGrads((x: number) => sqItem(x), [1.5], { modes: ['fwd'] })).not.toThrow()
    expect(() => checkGrads((x: number) => sqItem(x), [1.5], { modes: ['fwd'], order: 2 })).toThrow(
      expect.objectContaining({ code: 'detachedLoss', message: expect.stringContaining('forward mode') }),
    )
  })

  it('a wrong primal in a customJvp rule is reported as a primal mismatch on the output', () => {
    const sq = customJvp(
      (w) => mul(w, w),
      ([w], [t]) => [mul(3, mul(w!, w!)), mul(mul(2, w!), t!)],
    )
    const e = caught(() => checkGrads((w: Tensor) => sq(w), [tensor([1, 2], 'float64')]))
    expect([e.mode, e.check, e.path, e.analytic, e.numeric]).toEqual(['fwd', 'primal', 'output[1]', 12, 4])
  })

  it('customVjp has no forward mode: asked for explicitly, a DescentError from jvp, not a GradCheckError', () => {
    const sq = vjpSquare(2)
    const both = { modes: ['fwd', 'rev'] as const }
    expect(() => checkGrads((w: Tensor) => sq(w), [tensor([1], 'float64')], both)).toThrow(/forward-mode/)
    expect(() => checkGrads((w: Tensor) => sq(w), [tensor([1], 'float64')], both)).not.toThrow(GradCheckError)
    // With the default modes the forward check is skipped and the reverse rule (right: 2w) is checked.
    expect(checkGrads((w: Tensor) => sq(w), [tensor([1], 'float64')]).checked).toEqual(['rev'])
  })
})

describe('tolerances (JAX: |a − n| ≤ atol·size + rtol·size·|n|, per output leaf)', () => {
  // An elementwise identity whose rule is off by a relative 3e-5: above the float64 tolerance 1e-5 for one element,
  // within it for a leaf of 8 elements (3e-5 ≤ 1e-5·8·(1 + 1/|n|)).
  const id = customJvp(
    (x) => x,
    ([x], [t]) => [x!, mul(1 + 3e-5, t!)],
  )

  it('a relative error of 3e-5 fails for one element and passes for eight', () => {
    expect(() => checkGrads((x: Tensor) => id(x), [tensor([1], 'float64')], { modes: ['fwd'] })).toThrow(GradCheckError)
    const eight: [Tensor] = [tensor([1, 2, 3, 4, 5, 6, 7, 8], 'float64')]
    expect(() => checkGrads((x: Tensor) => id(x), eight, { modes: ['fwd'] })).not.toThrow()
  })

  it('atol and rtol as numbers or per dtype', () => {
    const one: [Tensor] = [tensor([1], 'float64')]
    expect(() => checkGrads((x: Tensor) => id(x), one, { modes: ['fwd'], atol: 1e-4, rtol: 1e-4 })).not.toThrow()
    const perDType = { atol: { float64: 1e-4 }, rtol: { float64: 1e-4 } }
    expect(() => checkGrads((x: Tensor) => id(x), one, { modes: ['fwd'], ...perDType })).not.toThrow()
    expect(() =>
      checkGrads((x: Tensor) => id(x), one, { modes: ['fwd'], atol: { float32: 1 }, rtol: { float32: 1 } }),
    ).toThrow(GradCheckError)
  })

  it('the same key gives the same result; the key is an option', () => {
    const sq = jvpSquare(1)
    const g = (w: Tensor) => ops.sum(sq(w))
    const run = (seed: number) =>
      caught(() => checkGrads(g, [tensor(W, 'float64')], { modes: ['rev'], key: prngKey(seed) }))
    expect(run(3).message).toBe(run(3).message)
    expect(run(4).message).not.toBe(run(3).message)
  })
})

describe('checkGradsE', () => {
  it('Right for correct derivatives, Left(GradCheckError) for wrong ones', () => {
    const ok = checkGradsE((w: Tensor) => ops.sum(mul(w, w)), [tensor(W, 'float64')], { order: 2 })
    expect(ok).toEqual(
      E.right({
        checked: ['fwd', 'rev'],
        checks: ['JVP', 'JVP of JVP', 'VJP of JVP', 'VJP', 'JVP of VJP', 'VJP of VJP'],
        skipped: [],
      }),
    )
    const sq = vjpSquare(1)
    const r = checkGradsE((p: Params) => ops.sum(sq(p.w)), [params('float64')], { modes: ['rev'] })
    expect(E.isLeft(r) && r.left instanceof GradCheckError && r.left.path === 'args[0].w').toBe(true)
  })

  it('still throws errors that are not gradient mismatches', () => {
    expect(() => checkGradsE((w: Tensor) => w, [tensor([1])], { order: 0 })).toThrow(HyperparameterError)
  })
})

describe('invalid options', () => {
  const f = (w: Tensor) => ops.sum(w)
  const x = [tensor([1])] as [Tensor]
  it.each([
    [{ order: 0 }, 'checkGrads options.order must be in [1, Infinity); got 0'],
    [{ order: 1.5 }, 'checkGrads options.order must be an integer in [1, Infinity); got 1.5'],
    [{ modes: [] }, "checkGrads options.modes must be a non-empty array of 'fwd' and 'rev'; got []"],
    [{ modes: ['lin'] }, 'checkGrads options.modes must be a non-empty array'],
    [{ eps: 0 }, 'checkGrads options.eps must be in (0, Infinity); got 0'],
    [{ atol: -1 }, 'checkGrads options.atol must be in [0, Infinity); got -1'],
    [{ rtol: { float16: 1 } }, 'checkGrads options.rtol must be a number or { float32?, float64? }'],
  ])('%j', (options, message) => {
    expect(() => checkGrads(f, x, options as never)).toThrow(HyperparameterError)
    expect(() => checkGrads(f, x, options as never)).toThrow(message)
  })

  it('args must be an array', () => {
    expect(() => checkGrads(f, tensor([1]) as never)).toThrow(/args must be an array/)
  })
})

describe('full: true (PyTorch gradcheck: every Jacobian entry)', () => {
  // f(x) = (x₀·x₁, sin(x₂)): J = [[x₁, x₀, 0], [0, 0, cos(x₂)]], 6 entries, each compared.
  const f = (x: Tensor) =>
    ops.concat([mul(ops.slice(x, [0], [1]), ops.slice(x, [1], [1])), sin(ops.slice(x, [2], [1]))])
  const x: [Tensor] = [tensor([0.5, -1.5, 0.3], 'float64')]

  it('passes correct Jacobians, orders 1 and 2, both modes', () => {
    expect(() => checkGrads(f, x, { full: true })).not.toThrow()
    expect(() => checkGrads(f, x, { full: true, order: 2 })).not.toThrow()
  })

  it.each(['fwd', 'rev'] as const)('%s: names the wrong Jacobian entry, ∂output[1]/∂args[0][1]', (mode) => {
    // rule for w² uses w: ∂(w²)/∂w_1 = w_1 = −1.5 by the rule, 2·w_1 = −3 numerically (the largest error).
    const sq = jvpSquare(1)
    const e = caught(() => checkGrads((w: Tensor) => sq(w), x, { full: true, modes: [mode] }))
    expect([e.mode, e.path, e.analytic]).toEqual([mode, 'args[0]', -1.5])
    expect(e.numeric).toBeCloseTo(-3, 8)
    expect(e.message).toContain(`∂output[1]/∂args[0][1] is -1.5 by ${mode === 'fwd' ? 'jvp' : 'vjp'}`)
    expect(e.message).toContain('the Jacobian by')
  })

  it('rejects a non-boolean', () => {
    expect(() => checkGrads(f, x, { full: 1 as never })).toThrow('checkGrads options.full must be true or false; got 1')
  })
})
