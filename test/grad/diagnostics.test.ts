import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  StructureError,
  type Tensor,
  grad,
  greater,
  hessian,
  jacfwd,
  jvp,
  matmul,
  mul,
  ops,
  randomNormal,
  prngKey,
  relu,
  reshape,
  softmaxCrossEntropy,
  square,
  stopGradient,
  sub,
  tensor,
  valueAndGrad,
  vjp,
} from '../../src/index'
import { valueAndGradImpl } from '../../src/grad/valueAndGrad'

/** The thrown error of `fn` (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): DescentError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DescentError)
    return e as DescentError
  }
  throw new Error('expected a throw')
}

describe('DescentError.code', () => {
  it('carries a stable code when given one, and none otherwise; subclasses keep working', () => {
    const e = new DescentError('boom', { code: 'nonFinite' })
    expect(e.code).toBe('nonFinite')
    expect(e.message).toBe('boom')
    expect(e.name).toBe('DescentError')
    expect(new DescentError('plain').code).toBeUndefined()
    const s = new StructureError('s', { code: 'disconnectedParam' })
    expect(s).toBeInstanceOf(DescentError)
    expect(s.code).toBe('disconnectedParam')
    expect(new StructureError('s').code).toBeUndefined()
    const h = new HyperparameterError('lr', { code: 'suspiciousHyperparameter' })
    expect(h instanceof DescentError && h instanceof RangeError).toBe(true)
    expect(h.code).toBe('suspiciousHyperparameter')
    const cause = new Error('inner')
    expect(new DescentError('outer', { cause }).cause).toBe(cause)
  })
})

describe('detachedLoss: a loss that reaches no differentiated leaf', () => {
  const w = tensor([1, 2, 3])

  it.each([
    ['item()', (x: Tensor) => tensor(ops.sum(square(x)).item())],
    ['toArray()', (x: Tensor) => tensor((square(x).toArray() as number[]).reduce((a, b) => a + b))],
    ['dataSync()', (x: Tensor) => tensor(Array.from(square(x).dataSync()).reduce((a, b) => a + b))],
  ])('%s on a traced value is refused at the call, saying it detaches and what to use', (reader, loss) => {
    const e = thrown(() => grad(loss)(w))
    expect(e.code).toBe('detachedLoss')
    expect(e.message).toContain(`${reader} was called on a value`)
    expect(e.message).toContain('detached from the graph')
    expect(e.message).toMatch(/Fix: keep the computation in descent ops/)
    expect(e.message).toContain(`stopGradient(x).${reader}`)
  })

  it('a loss that calls .item() and returns the number names the cause too', () => {
    const e = thrown(() => valueAndGrad((x: Tensor) => ops.sum(square(x)).item())(w))
    expect(e.code).toBe('detachedLoss')
    expect(e.message).toContain('item()')
  })

  it('a plain-number loss names the argument and the likely cause', () => {
    const e = thrown(() => grad((_x: Tensor) => 3)(w))
    expect(e.code).toBe('detachedLoss')
    expect(e.message).toContain('does not depend on args[0] at all')
    expect(e.message).toContain('plain JS number')
    expect(e.message).toContain('allowDetached: true')
  })

  it('a tensor rebuilt from the data (tensor(x.data)) names tensor(x.item()) as the likely cause', () => {
    // A copy of the storage (x.data.slice(), Array.from(x.data)) is plain numbers, so it is caught when grad returns.
    const e = thrown(() => grad((x: Tensor) => ops.sum(square(tensor(x.data.slice()))))(w))
    expect(e.code).toBe('detachedLoss')
    expect(e.message).toContain('args[0]')
    expect(e.message).toContain('tensor(x.item())')
    expect(e.message).toMatch(/Fix: compute the loss with descent ops/)
  })

  it('tensor(x.data) on a traced value is refused at the call, also when the loss still depends on x otherwise', () => {
    // Σx² + Σ(const(x)·x): the rebuilt half would silently lose its share of the gradient (2x + x instead of 2x + 2x).
    const partly = (x: Tensor) => ops.add(ops.sum(square(x)), ops.sum(ops.mul(tensor(x.data, x.shape), x)))
    for (const run of [() => grad(partly)(w), () => jvp(partly, [w], [tensor([1, 0, 0])])]) {
      const e = thrown(run)
      expect(e.code).toBe('detachedLoss')
      expect(e.message).toMatch(/^tensor\(\) was given the storage \(x\.data\) of a value traced by/)
      expect(e.message).toContain('Fix: use x itself')
      expect(e.message).toContain('stopGradient(x)')
    }
    // stopGradient is the way to a constant copy: d/dx (Σx² + Σ(c·x)) = 2x + c with c = x.
    const constant = (x: Tensor) => ops.add(ops.sum(square(x)), ops.sum(ops.mul(stopGradient(x), x)))
    expect(grad(constant)(w).toArray()).toEqual([3, 6, 9])
    // The storage of a traced value is only marked, never changed, and works again once the transformation returned.
    expect(Array.from(w.data)).toEqual([1, 2, 3])
    expect(tensor(w.data).toArray()).toEqual([1, 2, 3])
    let escaped: Tensor | null = null
    grad((x: Tensor) => {
      escaped = x
      return ops.sum(x)
    })(w)
    expect(tensor(escaped!.data, [3]).toArray()).toEqual([1, 2, 3])
    // Reading x.data for the numbers (logging) inside the trace is fine; only building a tensor from it is refused.
    let first = NaN
    expect(
      grad((x: Tensor) => {
        first = x.data[0]!
        return ops.sum(square(x))
      })(w).toArray(),
    ).toEqual([2, 4, 6])
    expect(first).toBe(1)
  })

  it('a loss entirely under stopGradient, or through comparisons only, is detached', () => {
    const e1 = thrown(() => grad((x: Tensor) => ops.sum(stopGradient(square(x))))(w))
    expect(e1.code).toBe('detachedLoss')
    expect(e1.message).toContain('stopGradient')
    const e2 = thrown(() => grad((x: Tensor) => ops.sum(greater(x, 2)))(w))
    expect(e2.code).toBe('detachedLoss')
    expect(e2.message).toContain('ops with no derivative (comparisons')
  })

  it('names every differentiated argument when none reaches the loss', () => {
    const e = thrown(() => grad((_a: Tensor, _b: Tensor) => tensor(1), { argnums: [0, 1] })(w, w))
    expect(e.message).toContain('args[0] and args[1]')
  })

  it('{ allowDetached: true } returns zeros of each shape, as JAX', () => {
    const g = grad((_x: Tensor) => tensor(3), { allowDetached: true })(w)
    expect(g.toArray()).toEqual([0, 0, 0])
    expect(grad((_x: number) => 3, { allowDetached: true })(2)).toBe(0)
  })

  it('stopGradient(x).item() reads a value on purpose, and the gradient is unchanged', () => {
    let seen = NaN
    const loss = (x: Tensor) => {
      seen = stopGradient(ops.sum(x)).item()
      return ops.sum(square(x))
    }
    expect(grad(loss)(w).toArray()).toEqual([2, 4, 6]) // d/dx Σx² = 2x
    expect(seen).toBe(6)
    // item() outside any transformation, and on a value after grad returned, still works.
    const [value] = valueAndGrad((x: Tensor) => ops.sum(square(x)))(w)
    expect((value as Tensor).item()).toBe(14)
  })

  it('a constant derivative inside the loss (grad of grad of a linear map) is not flagged', () => {
    expect(grad(grad((x: Tensor) => mul(3, x)))(tensor(2))).toMatchObject({ shape: [] })
    expect(grad(grad((x: Tensor) => mul(3, x)))(tensor(2)).item()).toBe(0)
    // A number argument of an inner grad keeps its dependence on the outer trace: d/dx (d/dy x·y) = 1.
    expect(grad((x: Tensor) => grad((y: number) => mul(x, y))(2) as unknown as Tensor)(tensor(3)).item()).toBe(1)
  })

  it('vjp of a value still reads values after it returned: only values traced by a running transformation are refused', () => {
    const [, vjpFn] = vjp((x: Tensor) => mul(x, x), w)
    expect(vjpFn(tensor([1, 1, 1]))[0].toArray()).toEqual([2, 4, 6])
  })
})

describe('detachedLoss in forward mode: item() / toArray() / dataSync() under jvp, jacfwd, hessian', () => {
  const w = tensor([1, 2, 3])
  const readers = [
    ['item()', (x: Tensor) => tensor(ops.sum(square(x)).item())],
    ['toArray()', (x: Tensor) => tensor((square(x).toArray() as number[]).reduce((a, b) => a + b))],
    ['dataSync()', (x: Tensor) => tensor(Array.from(square(x).dataSync()).reduce((a, b) => a + b))],
  ] as const

  it.each(readers)('%s under jvp and jacfwd: the same error as in reverse mode, naming forward mode', (reader, f) => {
    for (const run of [() => jvp(f, [w], [tensor([1, 0, 0])]), () => jacfwd(f)(w)]) {
      const e = thrown(run)
      expect(e.code).toBe('detachedLoss')
      expect(e.message).toContain(`${reader} was called on a value of shape [`)
      expect(e.message).toContain('forward mode')
      expect(e.message).toContain('detached from the graph')
      expect(e.message).toContain(`stopGradient(x).${reader}`)
    }
  })

  it('hessian: item() in the loss is refused; stopGradient(x).item() still reads a value on purpose', () => {
    let seen = NaN
    const logged = (x: Tensor) => {
      seen = stopGradient(ops.sum(x)).item()
      return ops.sum(square(x))
    }
    expect(hessian(logged)(w).toArray()).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ])
    expect(seen).toBe(6)
    // item() on the traced value itself (here for control flow) is refused at the call.
    const loss = (x: Tensor) => ops.mul(ops.sum(square(x)), tensor(ops.sum(x).item() === 0 ? 0 : 1))
    expect(thrown(() => hessian(loss)(w)).code).toBe('detachedLoss')
  })

  it('stopGradient(x).item() still reads a value on purpose under jvp, and the tangent is unchanged', () => {
    let seen = NaN
    const f = (x: Tensor) => {
      seen = stopGradient(ops.sum(x)).item()
      return ops.sum(square(x))
    }
    const [y, dy] = jvp(f, [w], [tensor([1, 1, 1])])
    expect([y.item(), dy.item(), seen]).toEqual([14, 12, 6]) // d/dt Σ(x + t)² = Σ2x = 12
  })
})

describe('disconnectedParam: params that never reach the loss while others do', () => {
  const params = { w: tensor([1, 2]), b: tensor(0.5), head: { unused: tensor([[1, 2, 3]]) }, extra: 4 }
  const loss = (p: typeof params) => ops.sum(square(mul(p.w, p.b)))

  it('valueAndGradImpl returns their key paths (named from argNames) without throwing', () => {
    const [value, g, , unused, warnings] = valueAndGradImpl('trainStep', loss, { argNames: ['params'] })(params)
    expect(unused).toEqual(['params.extra', 'params.head.unused'])
    expect(warnings).toEqual([])
    expect((value as Tensor).item()).toBeCloseTo(1.25, 6) // (1·0.5)² + (2·0.5)²
    expect((g as typeof params).head.unused.toArray()).toEqual([[0, 0, 0]])
    const [, , , unused2] = valueAndGradImpl('grad', loss, {})(params)
    expect(unused2).toEqual(['args[0].extra', 'args[0].head.unused'])
  })

  it('is empty when every leaf is used', () => {
    const [, , , unused] = valueAndGradImpl('grad', (p: { w: Tensor }) => ops.sum(p.w), {})({ w: tensor([1]) })
    expect(unused).toEqual([])
  })

  it('reportUnused: true throws a disconnectedParam DescentError listing every path and a fix', () => {
    const e = thrown(() => grad(loss, { reportUnused: true })(params))
    expect(e.code).toBe('disconnectedParam')
    expect(e.message).toContain('args[0].extra, args[0].head.unused')
    expect(e.message).toMatch(/Fix: use them in the loss/)
  })
})

describe('suspiciousBroadcast: predictions [n,1] − targets [n]', () => {
  const key = prngKey(7)
  const x = randomNormal(key, [64, 3])
  const targets = randomNormal(prngKey(8), [64])
  const params = { w: randomNormal(prngKey(9), [3, 1]) }
  const buggy = (p: typeof params) => ops.mean(square(sub(matmul(x, p.w), targets))) // [64,1] − [64] → [64,64]

  it('is recorded as a warning with the op, the shapes and a fix', () => {
    const [, , , , warnings] = valueAndGradImpl('trainStep', buggy, { argNames: ['params'] })(params)
    expect(warnings).toHaveLength(1)
    const w = warnings[0]!
    expect(w.code).toBe('suspiciousBroadcast')
    expect(w.severity).toBe('warning')
    expect(w.path).toBe('add (or sub)([64,1], [64])')
    expect(w.message).toContain('broadcasts to [64,64]')
    expect(w.fix).toContain('reshape(predictions, [64])')
  })

  it('JAX semantics by default (the [64,64] loss is differentiated); strictBroadcast throws at the op', () => {
    // The broadcast loss is mean over i,j of (pᵢ − tⱼ)²: d/dpᵢ = 2·(64·pᵢ − Σⱼ tⱼ) / 64².
    const g = grad(buggy)(params)
    const p = matmul(x, params.w).data
    const tSum = Array.from(targets.data).reduce((a, b) => a + b, 0)
    const dp = Array.from(p, (pi) => (2 * (64 * pi - tSum)) / 64 ** 2)
    for (let j = 0; j < 3; j++) {
      const expected = dp.reduce((s, d, i) => s + d * x.data[i * 3 + j]!, 0)
      expect(g.w.data[j]!).toBeCloseTo(expected, 4)
    }
    const e = thrown(() => grad(buggy, { strictBroadcast: true })(params))
    expect(e.code).toBe('suspiciousBroadcast')
    expect(e.message).toContain('[64,1] and [64]')
    expect(e.message).toContain('Fix:')
  })

  it('records the same op once per trace', () => {
    const twice = (p: typeof params) => ops.add(buggy(p), buggy(p))
    expect(valueAndGradImpl('grad', twice, {})(params)[4]).toHaveLength(1)
  })

  it('does not flag the fixed loss, an explicit outer product, scalars, or a constant-only broadcast', () => {
    const fixed = (p: typeof params) => ops.mean(square(sub(reshape(matmul(x, p.w), [64]), targets)))
    const outer = (v: Tensor) => ops.sum(mul(reshape(v, [4, 1]), reshape(v, [1, 4])))
    const scalarBias = (v: Tensor) => ops.sum(ops.add(reshape(v, [4, 1]), 2))
    const constants = (v: Tensor) => ops.add(ops.sum(v), ops.sum(sub(tensor([[1], [2]]), tensor([1, 2]))))
    const v = tensor([1, 2, 3, 4])
    expect(valueAndGradImpl('grad', fixed, {})(params)[4]).toEqual([])
    for (const f of [outer, scalarBias, constants]) expect(valueAndGradImpl('grad', f, {})(v)[4]).toEqual([])
  })

  it('no false alarm on an MLP with softmax cross-entropy: bias rows [b,10] + [10], every param used', () => {
    const b = 8
    const xs = randomNormal(prngKey(1), [b, 20])
    const labels = tensor(
      Array.from({ length: b }, (_, i) => Array.from({ length: 10 }, (_, c) => (c === i % 10 ? 1 : 0))),
    )
    const mlp = {
      w1: mul(randomNormal(prngKey(2), [20, 16]), 0.2),
      b1: tensor(new Float32Array(16)),
      w2: mul(randomNormal(prngKey(3), [16, 10]), 0.2),
      b2: tensor(new Float32Array(10)),
    }
    const loss = (p: typeof mlp) => {
      const h = relu(ops.add(matmul(xs, p.w1), p.b1))
      return ops.mean(softmaxCrossEntropy(ops.add(matmul(h, p.w2), p.b2), labels))
    }
    const [value, , , unused, warnings] = valueAndGradImpl('trainStep', loss, { argNames: ['params'] })(mlp)
    expect(warnings).toEqual([])
    expect(unused).toEqual([])
    expect(Number.isFinite((value as Tensor).item())).toBe(true)
    expect(() => grad(loss, { strictBroadcast: true, reportUnused: true })(mlp)).not.toThrow()
  })
})
