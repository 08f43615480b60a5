import { describe, expect, it } from 'vitest'
import {
  type Accumulator,
  type Tensor,
  ShapeError,
  grad,
  microGrad,
  microVmap,
  microbatch,
  norm,
  ones,
  ops,
  tensor,
  zeros,
} from '../../src/index'

const f64 = (x: number[] | number[][]) => tensor(x, 'float64')
const arr = (t: unknown) => (t as Tensor).toArray()

describe('microVmap (optax.microbatching.micro_vmap)', () => {
  it("optax's docstring: x ↦ x² over arange(8), concat by default", () => {
    const sq = microVmap((x: Tensor) => ops.mul(x, x))
    expect(arr(sq(tensor([0, 1, 2, 3, 4, 5, 6, 7])))).toEqual([0, 1, 4, 9, 16, 25, 36, 49])
  })

  it('sum, mean and runningMean reduce over the batch; a tree of types is a prefix of the output', () => {
    const x = f64([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ])
    const f = (row: Tensor) => ({ s: ops.sum(row), row: ops.mul(row, 10) })
    const out = microVmap(f, 0, { microbatchSize: 2, accumulator: { s: 'sum', row: 'concat' } })(x) as {
      s: Tensor
      row: Tensor
    }
    expect(out.s.item()).toBe(36)
    expect(arr(out.row)).toEqual([
      [10, 20],
      [30, 40],
      [50, 60],
      [70, 80],
    ])
    for (const accumulator of ['mean', 'runningMean'] as const) {
      const m = microVmap((row: Tensor) => row, 0, { accumulator })(x)
      expect(arr(m)).toEqual([4, 5].map((v) => expect.closeTo(v, 12)))
    }
  })

  it('maps only the arguments with an axis; other arguments are passed whole; axis 1 works', () => {
    const w = f64([1, -1])
    const x = f64([
      [1, 3, 5],
      [2, 4, 6],
    ]) // examples along axis 1: [1, 2], [3, 4], [5, 6]
    const dotw = microVmap((p: Tensor, col: Tensor) => ops.sum(ops.mul(p, col)), [null, 1])
    expect(arr(dotw(w, x))).toEqual([-1, -1, -1])
  })

  it('is differentiable: ∇ of the summed per-example losses equals ∇ of the batch loss', () => {
    const x = f64([1, 2, 3])
    const perExample = (p: Tensor) =>
      microVmap((xi: Tensor) => ops.square(ops.sub(ops.mul(p, xi), 1)), 0, { accumulator: 'sum' })(x) as Tensor
    const g = grad(perExample)(tensor(0.5, 'float64'))
    // d/dp Σ (p·xᵢ − 1)² = Σ 2xᵢ(p·xᵢ − 1) = 2·(1·(−0.5) + 2·0 + 3·0.5) = 2
    expect(g.item()).toBeCloseTo(2, 12)
  })

  it('refuses unequal batch sizes, a microbatch size that does not divide the batch, and unknown types', () => {
    const two = microVmap((a: Tensor, b: Tensor) => ops.add(a, b))
    expect(() => two(f64([1, 2]), f64([1, 2, 3]))).toThrow(/equal-size batch axes/)
    expect(() => microVmap((a: Tensor) => a, 0, { microbatchSize: 4 })(f64([1, 2, 3]))).toThrow(ShapeError)
    expect(() => microVmap((a: Tensor) => a, 0, { accumulator: 'max' as never })(f64([1, 2]))).toThrow(
      /accumulation type/,
    )
  })
})

describe('microGrad (optax.microbatching.micro_grad)', () => {
  // optax's docstring example (see https://arxiv.org/abs/2510.00236).
  const meanSquaredLoss = (params: Tensor, features: Tensor, targets: Tensor) =>
    ops.mul(0.5, ops.mean(ops.square(ops.sub(ops.matmul(features, params), targets))))
  const features = ones([4, 1])
  const targets = tensor([0, 2, 4, 6])

  it("optax's docstring: mean of (g, g²), per-example values and norms", () => {
    const [result, aux] = microGrad(meanSquaredLoss, {
      argnums: 0,
      batchArgnums: [1, 2],
      accumulator: 'mean',
      transformFn: (g) => [g, ops.square(g as Tensor)],
      metricsFn: (g) => norm(g as Tensor),
    })(zeros([1]), features, targets)
    const [g, g2] = result as [Tensor, Tensor]
    expect(arr(g)).toEqual([-3])
    expect(arr(g2)).toEqual([14])
    expect(arr(aux.values)).toEqual([0, 2, 8, 18])
    expect(arr(aux.metrics)).toEqual([0, 2, 4, 6])
    expect(aux.aux).toBeNull()
  })

  it('sums by default (the batch gradient of the summed loss), with and without the batch axis', () => {
    const [sum] = microGrad(meanSquaredLoss, { batchArgnums: [1, 2], microbatchSize: 2 })(zeros([1]), features, targets)
    expect(arr(sum)).toEqual([-12])
    // keepBatchDim false: each example is [1] features and a scalar target
    const single = (p: Tensor, x: Tensor, y: Tensor) => ops.mul(0.5, ops.square(ops.sub(ops.dot(x, p), y)))
    const [s2] = microGrad(single, { batchArgnums: [1, 2], keepBatchDim: false })(zeros([1]), features, targets)
    expect(arr(s2)).toEqual([-12])
  })

  it('clips per-example gradients before summing (DP-SGD), concat keeps them per example, aux is stacked', () => {
    const withAux = (p: Tensor, x: Tensor, y: Tensor) => [meanSquaredLoss(p, x, y), ops.sum(y)] as const
    const clip = (g: unknown) => {
      const t = g as Tensor
      const n = Math.abs(t.data[0]!)
      return n > 3 ? ops.mul(t, 3 / n) : t
    }
    const run = (accumulator: 'sum' | 'concat') =>
      microGrad(withAux, { hasAux: true, batchArgnums: [1, 2], transformFn: clip, accumulator })(
        zeros([1]),
        features,
        targets,
      )
    const [clipped, aux] = run('sum')
    expect(arr(clipped)).toEqual([-(0 + 2 + 3 + 3)])
    expect(arr(aux.aux)).toEqual([0, 2, 4, 6])
    expect(arr(run('concat')[0])).toEqual([[0], [-2], [-3], [-3]])
  })

  it('refuses a batch argument index that does not exist', () => {
    expect(() => microGrad(meanSquaredLoss, { batchArgnums: 5 })(zeros([1]), features, targets)).toThrow(/batchArgnums/)
  })
})

describe('custom Accumulators (optax.microbatching.Accumulator)', () => {
  /** Records every call, so the test sees optax's program: c = init(x₀); c = update(c, xᵢ, i) …; finalize(c). */
  const recorder = () => {
    const calls: string[] = []
    const acc: Accumulator<number[]> = {
      init: () => (calls.push('init'), []),
      update: (c, x, i) => (calls.push(`update ${i}`), [...c, ...Array.from((x as Tensor).data)]),
      finalize: (c) => (calls.push('finalize'), tensor(c, 'float64')),
      aggregate: (xs) => (calls.push(`aggregate [${(xs as Tensor).shape}]`), ops.sum(xs as Tensor, 0)),
    }
    return { calls, acc }
  }

  it('microbatch folds the microbatch results (F-order split: microbatch a holds a, a + k, …)', () => {
    const { calls, acc } = recorder()
    const f = microbatch((x: Tensor) => ops.sum(x, { axis: 0, keepDims: true }), 0, 2, acc)
    // k = 3 microbatches of 2: {1, 4}, {2, 5}, {3, 6}
    expect(arr(f(f64([1, 2, 3, 4, 5, 6])))).toEqual([5, 7, 9])
    expect(calls).toEqual(['init', 'update 0', 'update 1', 'update 2', 'finalize'])
  })

  it('microVmap aggregates each microbatch of stacked per-example outputs, then folds; a tree mixes kinds', () => {
    const { calls, acc } = recorder()
    const f = microVmap((x: Tensor) => ({ sq: ops.mul(x, x), id: x }), 0, {
      microbatchSize: 2,
      accumulator: { sq: acc, id: 'sum' },
    })
    const out = f(f64([1, 2, 3, 4])) as { sq: Tensor; id: Tensor }
    // microbatches {1, 3} and {2, 4}: Σx² = 10 and 20
    expect(arr(out.sq)).toEqual([10, 20])
    expect(out.id.item()).toBe(10)
    expect(calls).toEqual(['aggregate [2]', 'aggregate [2]', 'init', 'update 0', 'update 1', 'finalize'])
  })

  it('microGrad accepts one for the transformed gradients', () => {
    const { acc } = recorder()
    const loss = (p: Tensor, x: Tensor) => ops.sum(ops.mul(p, x))
    const [g] = microGrad(loss, { accumulator: acc, microbatchSize: 1 })(f64([0]), f64([[1], [2], [3]]))
    // per-example gradients x = [1], [2], [3]; microbatches of one example each
    expect(arr(g)).toEqual([1, 2, 3])
  })
})
