import * as E from 'fp-ts/Either'
import { describe, expect, test } from 'vitest'
import {
  DTypeError,
  DescentError,
  type GradientTransformation,
  HyperparameterError,
  NonFiniteError,
  type PyTree,
  ShapeError,
  StructureError,
  adafactor,
  adam,
  conditionallyTransform,
  grad,
  injectHyperparams,
  lbfgs,
  lookahead,
  lookaheadParams,
  masked,
  multiSteps,
  multiTransform,
  novograd,
  partition,
  scale,
  scaleByAdam,
  scaleByFactoredRms,
  scaleByLearningRate,
  scaleBySchedule,
  scaleBySm3,
  selectiveTransform,
  sgd,
  sm3,
  strictPurity,
  tensor,
  tree,
  zeros,
} from '../../src/index'

/**
 * One test per reproduction of issue 14 fixed in the transforms layer: each must end in a DescentError naming the
 * path (or the state) and never in a TypeError, an internal error, a stack overflow or a silent result.
 */

const thrown = (f: () => unknown): Error => {
  try {
    f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a throw, got a result')
}

/** The error of `f`, checked to be a DescentError (not a TypeError or RangeError) whose message matches `re`. */
function descentError(f: () => unknown, re: RegExp): Error {
  const e = thrown(f)
  expect(e, String(e)).toBeInstanceOf(DescentError)
  expect(e.message).toMatch(re)
  expect(e.message).not.toMatch(/internal|Cannot read|undefined \(reading/)
  return e
}

const params = { a: tensor([1, 2, 3]), b: tensor([[1, 2]]) }
const grads = { a: tensor([0.5, -1, 2]), b: tensor([[3, -4]]) }
const adamState = () => adam(1e-3).init(params)

describe('a state from another optimizer, or {}, names both sides (item 1)', () => {
  const labels = { a: 'x', b: 'y' } as const
  test.each([
    ['multiTransform', () => multiTransform({ x: scale(1), y: scale(2) }, labels)],
    ['partition', () => partition({ x: scale(1), y: scale(2) }, labels)],
    ['selectiveTransform', () => selectiveTransform(scaleByAdam(), { freezeMask: { a: true, b: false } })],
  ])('%s refuses adam state and {} with a StructureError, not a TypeError', (_, make) => {
    const tx = make()
    for (const s of [adamState(), {}]) {
      const e = descentError(() => tx.update(grads, s as never, params), /state.*should be .*; got /)
      expect(e).toBeInstanceOf(StructureError)
    }
  })

  test('injectHyperparams inside lookahead refuses a foreign fast state', () => {
    const tx = lookahead(injectHyperparams(adam)(1e-3), { syncPeriod: 2, slowStepSize: 0.5 })
    const p = lookaheadParams(params)
    const e = descentError(
      () => tx.update(grads, { fastState: adamState(), stepsSinceSync: 0 } as never, p as never),
      /injectHyperparams: state should be \{count, hyperparams, innerState\}.*got an array of length 2/,
    )
    expect(e).toBeInstanceOf(StructureError)
  })

  test('lookahead without { fast, slow } params says so', () => {
    const tx = lookahead(adam(1e-3), { syncPeriod: 2, slowStepSize: 0.5 })
    descentError(
      () => tx.update(grads, tx.init(lookaheadParams(params)), params as never),
      /params must be \{ fast, slow \}/,
    )
  })

  test.each([
    ['scale', () => scale(-1)],
    ['scaleBySchedule', () => scaleBySchedule((n) => 0.1 / (n + 1))],
    ['scaleByLearningRate', () => scaleByLearningRate(0.1)],
    ['scaleByLearningRate (schedule)', () => scaleByLearningRate((n: number) => 0.1 / (n + 1))],
  ])('%s refuses a foreign state instead of ignoring it', (_, make) => {
    descentError(() => make().update(grads, adamState() as never, params), /state should be .*got an array of length 2/)
  })

  test("novograd refuses adam's state, whose keys are its own ({count, mu, nu}) but whose nu holds tensors", () => {
    const tx = novograd(0.1)
    descentError(
      () => tx.update(grads, adamState() as never, params),
      /scaleByNovograd: state\.nu\.a should be a number/,
    )
  })

  test('conditionallyTransform(…).update(g, {}, p) is refused (it gave step NaN)', () => {
    const tx = conditionallyTransform(scaleByAdam(), (step) => step > 0)
    descentError(
      () => tx.update(grads, {} as never, params),
      /conditionallyTransform: state should be \{innerState, step\}/,
    )
  })

  test('masked(scaleByAdam(), true).update(g, {}) is refused (it was a TypeError)', () => {
    descentError(() => masked(scaleByAdam(), true).update(grads, {} as never), /masked: state should be \{innerState\}/)
  })

  test('multiSteps checks its inner state on the steps where the inner optimizer does not run', () => {
    const tx = multiSteps(adam(1e-3), 4)
    const s = tx.init(params)
    const wrong = { ...s, innerOptState: sgd(0.1, { momentum: 0.9 }).init(params) }
    descentError(() => tx.update(grads, wrong as never, params), /multiSteps: state\.innerOptState.*should be/)
    // The right state passes, step after step (the cached signature is the init's).
    let st = s
    for (let i = 0; i < 5; i++) st = tx.update(grads, st, params)[1]
    expect(st.gradientStep).toBe(1)
  })
})

describe('lbfgs, adafactor and sm3 check their own state shapes (item 1)', () => {
  test('lbfgs with a ring buffer of the wrong shape names it (it was silent)', () => {
    const tx = lbfgs()
    const s = tx.init(params) as unknown as [Record<string, PyTree>, ...unknown[]]
    const bad = [{ ...s[0], diffParamsMemory: { a: zeros([10, 2]), b: zeros([10, 1, 2]) } }, ...s.slice(1)]
    const e = descentError(
      () => tx.update(grads, bad as never, params, { value: 1, grad: grads, valueFn: () => 1 }),
      /state\.diffParamsMemory\.a should be of shape \[10,3\]/,
    )
    expect(e).toBeInstanceOf(ShapeError)
  })

  test('adafactor with an extra update key names the key (it was a TypeError)', () => {
    const tx = adafactor(0.1)
    descentError(() => tx.update({ ...grads, zzz: tensor([1]) } as never, tx.init(params), params), /zzz/)
  })

  test('scaleByFactoredRms names the state leaf of the wrong shape', () => {
    const big = { w: zeros([130, 129]) }
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 128 })
    const s = tx.init(big)
    // optax: v_row has the shape with the largest axis (d0, here 130) deleted, so [129].
    const bad = { ...s, vRow: { w: zeros([3]) } }
    descentError(() => tx.update(big, bad, big), /state\.vRow\.w should be of shape \[129\]/)
  })

  test('sm3: bad leaves, cycles and a wrong accumulator list name the path (it leaked "internal: cannot broadcast")', () => {
    const tx = sm3(0.1)
    const s = tx.init(params)
    descentError(() => tx.update({ ...grads, a: undefined } as never, s, params), /updates\.a is undefined/)
    const loop: Record<string, unknown> = { x: 1 }
    loop.self = loop
    descentError(() => tx.init({ ...params, c: loop } as never), /params\.c\.self .*cycle/)
    const inner = (s as unknown as [{ mu: { b: unknown[] } }])[0]
    const badMu = [
      { ...inner, mu: { ...(inner.mu as object), b: [zeros([1]), zeros([3])] } },
      ...(s as unknown as unknown[]).slice(1),
    ]
    const e = descentError(
      () => tx.update(grads, badMu as never, params),
      /scaleBySm3: state\.mu\.b should be the list of accumulators \[\[1\], \[2\]\]/,
    )
    expect(e).toBeInstanceOf(ShapeError)
  })

  test('sm3 and strictPurity handle a tree 10,000 deep (they overflowed the stack)', () => {
    let p: PyTree = tensor([2])
    let g: PyTree = tensor([4])
    for (let i = 0; i < 10_000; i++) {
      p = { d: p }
      g = { d: g }
    }
    const tx = scaleBySm3({ b1: 0 })
    // First step, b1 = 0: v = g², u = g/√(v + ε) = g/|g| (ε = 1e-8 only moves the 8th digit).
    let u: PyTree = tx.update(g, tx.init(p), p)[0]
    for (let i = 0; i < 10_000; i++) u = (u as { d: PyTree }).d
    expect(((u as ReturnType<typeof tensor>).toArray() as number[])[0]).toBeCloseTo(1, 6)
    const pure = strictPurity(sgd(0.5))
    let v: PyTree = pure.update(g, pure.init(p), p)[0]
    for (let i = 0; i < 10_000; i++) v = (v as { d: PyTree }).d
    expect((v as ReturnType<typeof tensor>).toArray()).toEqual([-2]) // −0.5 · 4
  })

  test('strictPurity refuses cyclic inputs with the path instead of overflowing', () => {
    const loop: Record<string, unknown> = { x: 1 }
    loop.self = loop
    const tx = strictPurity(sgd(0.1))
    descentError(() => tx.init({ w: loop } as never), /cycle/)
    descentError(() => tx.update({ w: loop } as never, tx.init({ w: { x: 1, self: 1 } } as never)), /cycle|should be/)
  })
})

describe('dtype policy: float32 state is never promoted (item 2)', () => {
  test.each([
    ['adam (fused kernel path)', () => adam(1e-3)],
    ['sgd momentum', () => sgd(0.1, { momentum: 0.9 })],
    ['sm3', () => sm3(0.1)],
  ])('%s refuses a float64 gradient for float32 params, naming the path and the cast', (_, make) => {
    const tx = make() as GradientTransformation<unknown>
    const g64 = { ...grads, a: tensor([0.5, -1, 2], 'float64') }
    const e = descentError(
      () => tx.update(g64, tx.init(params), params),
      /updates\.a is float64 but state\..*float32.*tree\.cast/,
    )
    expect(e).toBeInstanceOf(DTypeError)
    // The cast the message asks for works, and the state stays float32.
    const [, s] = tx.update(tree.cast(g64, 'float32'), tx.init(params), params)
    for (const l of tree.leaves(s as never)) if (typeof l !== 'number') expect(l.dtype).toBe('float32')
  })

  test('float64 params keep a float64 state, and float32 gradients are welcome there', () => {
    const p64 = tree.cast(params, 'float64')
    const tx = adam(1e-3)
    const [u, s] = tx.update(grads, tx.init(p64), p64)
    expect((s[0] as unknown as { mu: { a: { dtype: string } } }).mu.a.dtype).toBe('float64')
    // First Adam step: u = −lr·g/(|g| + ε) = −1e-3·sign(g).
    expect(Array.from(u.a.toArray() as number[]).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([-0.001, 0.001, -0.001])
  })
})

describe('grad and NaN params (item 3)', () => {
  test('grad refuses a loss that only looks like a tensor (_tag alone), saying it looks serialised', () => {
    const fake = JSON.parse(JSON.stringify(tensor(3))) as ReturnType<typeof tensor>
    descentError(
      () => grad((_x: ReturnType<typeof tensor>) => fake)(tensor(1)),
      /_tag 'Tensor' that is not a descent Tensor \(a serialised tensor\?\)/,
    )
  })

  test.each([
    ['adam', () => adam(1e-3)],
    ['scale (stateless)', () => scale(-1)],
    ['scaleBySchedule', () => scaleBySchedule(() => 0.1)],
    ['masked', () => masked(adam(1e-3), { a: false, b: true })],
  ])('%s: a NaN param at init is a NonFiniteError naming the path and element', (_, make) => {
    const bad = { ...params, a: tensor([1, NaN, 3]) }
    const e = descentError(() => make().init(bad), /params\.a \(element 1\) is NaN/)
    expect(e).toBeInstanceOf(NonFiniteError)
    expect((e as DescentError).code).toBe('nonFinite')
    descentError(() => make().init({ ...params, c: -Infinity } as never), /params\.c is -Infinity/)
  })
})

describe('booleans, Either edges, hyperparameter names, holes (item 4)', () => {
  test('a boolean leaf keeps its path, in updates and in params', () => {
    const tx = adam(1e-3)
    descentError(() => tx.update({ ...grads, a: true } as never, tx.init(params), params), /updates\.a is a boolean/)
    descentError(() => tx.init({ ...params, a: true } as never), /params\.a is a boolean/)
  })

  test('validateE and unflattenE only ever put DescentErrors in Left', () => {
    const hostile = Object.defineProperty({}, 'w', {
      enumerable: true,
      get: () => {
        throw new TypeError('boom')
      },
    })
    const v = tree.validateE(hostile as never)
    expect(E.isLeft(v) && v.left instanceof DescentError).toBe(true)
    const u = tree.unflattenE({ bogus: true } as never, [1])
    expect(E.isLeft(u) && u.left instanceof DescentError).toBe(true)
  })

  test('sgd blames momentum, nesterov and adafactor multiplyByParameterScale by their own names', () => {
    expect(() => sgd(0.1, { momentum: 1.5 })).toThrow(/^sgd options\.momentum must be in \[0, 1\); got 1\.5/)
    expect(thrown(() => sgd(0.1, { momentum: 1.5 })).message).not.toMatch(/trace/)
    expect(() => sgd(0.1, { momentum: 0.9, nesterov: 'yes' as never })).toThrow(
      /^sgd options\.nesterov must be true or false/,
    )
    expect(() => sgd(0.1, { nesterov: 1 as never })).toThrow(HyperparameterError)
    expect(() => adafactor(0.1, { multiplyByParameterScale: 'x' as never })).toThrow(
      /^adafactor options\.multiplyByParameterScale must be true or false/,
    )
  })

  test('sparse array holes are refused with their path, in params and in updates', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holey = [1, , 3] as never
    descentError(() => sgd(0.1).init({ w: holey }), /params\.w\[1\] is a hole/)
    const tx = sgd(0.1)
    descentError(
      () => tx.update({ w: holey }, tx.init({ w: [1, 2, 3] }), { w: [1, 2, 3] }),
      /updates\.w\[1\] is a hole/,
    )
  })
})

describe('valid edge inputs are accepted and correct (item 5)', () => {
  test('empty trees: {}, [] and null give empty updates and a count that moves', () => {
    for (const empty of [{}, [], null] as PyTree[]) {
      const tx = adam(0.1)
      const [u, s] = tx.update(empty, tx.init(empty), empty)
      expect(u).toEqual(empty)
      expect((s[0] as { count: number }).count).toBe(1)
    }
  })

  test('zero-size tensors keep their shape through adam, sm3 and adafactor', () => {
    const p = { w: zeros([0, 3]), v: zeros([4, 0]) }
    const txs = [adam(0.1), sm3(0.1), adafactor(0.1), sgd(0.1, { momentum: 0.9 })] as GradientTransformation<unknown>[]
    for (const tx of txs) {
      const [u] = tx.update(p, tx.init(p), p)
      expect([u.w.shape, u.v.shape]).toEqual([
        [0, 3],
        [4, 0],
      ])
    }
  })

  test('odd keys are data: __proto__, constructor, prototype, dots, spaces and the empty key', () => {
    const keys = ['__proto__', 'constructor', 'prototype', 'a.b', 'two words', '', 'ключ']
    const make = (v: number): PyTree => {
      const o: Record<string, PyTree> = {}
      keys.forEach((k, i) => Object.defineProperty(o, k, { value: v * (i + 1), enumerable: true, writable: true }))
      return o
    }
    const p = make(1)
    const g = make(2)
    const tx = sgd(0.5)
    const [u] = tx.update(g, tx.init(p), p)
    // u = −0.5·g = −(i + 1) for the i-th key; nothing inherited, no prototype changed.
    keys.forEach((k, i) => {
      expect(Object.hasOwn(u as object, k)).toBe(true)
      expect((u as Record<string, number>)[k]).toBe(-(i + 1))
    })
    expect(Object.getPrototypeOf(u)).toBe(Object.prototype)
  })
})
