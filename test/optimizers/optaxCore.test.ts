// adan, optimisticAdam(V2) and the linear-algebra utilities added for optax parity (issue 11).
import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  adan,
  applyUpdates,
  chain,
  addDecayedWeights,
  matrixInversePthRoot,
  nnls,
  optimisticAdam,
  optimisticAdamV2,
  powerIteration,
  scaleByAdam,
  scaleByAdan,
  scaleByLearningRate,
  scaleByOptimisticGradient,
  tensor,
  tree,
} from '../../src/index'
import { rng } from '../grad/_numeric'

const arr = (t: unknown) => Array.from((t as Tensor).data)

describe('scaleByAdan / adan', () => {
  it('follows the Adan recursion for three steps (float64, written out from the paper)', () => {
    const [b1, b2, b3, eps, epsRoot] = [0.9, 0.8, 0.7, 1e-3, 1e-4]
    const gs = [
      [1, -2],
      [0.5, 3],
      [-1, 0.25],
    ]
    const tx = scaleByAdan({ b1, b2, b3, eps, epsRoot })
    let s = tx.init(tensor([0, 0], 'float64'))
    const m = [0, 0]
    const v = [0, 0]
    const n = [0, 0]
    let prev = [0, 0]
    gs.forEach((g, k) => {
      const t = k + 1
      const want = g.map((gi, i) => {
        const d = k === 0 ? 0 : gi - prev[i]!
        m[i] = b1 * m[i]! + (1 - b1) * gi
        v[i] = b2 * v[i]! + (1 - b2) * d
        n[i] = b3 * n[i]! + (1 - b3) * (gi + (1 - b2) * d) ** 2
        const mh = m[i]! / (1 - b1 ** t)
        const vh = v[i]! / (1 - b2 ** t)
        const nh = n[i]! / (1 - b3 ** t)
        return (mh + (1 - b2) * vh) / (Math.sqrt(nh + epsRoot) + eps)
      })
      const [u, next] = tx.update(tensor(g, 'float64'), s)
      arr(u).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 14))
      expect(next.t).toBe(t)
      prev = g
      s = next
    })
    expect(() => scaleByAdan({ b3: 1 })).toThrow(/b3/)
    expect(() => tx.update(tensor([1, 2, 3], 'float64'), s)).toThrow(/shape/)
  })

  it('adan is its chain, with epsRoot 1e-8 and decoupled weight decay', () => {
    const p = { w: tensor([1, -1], 'float64') }
    const g = { w: tensor([0.5, -2], 'float64') }
    const a = adan(0.1, { weightDecay: 0.01 })
    const b = chain(scaleByAdan({ epsRoot: 1e-8 }), addDecayedWeights(0.01), scaleByLearningRate(0.1))
    let [sa, sb] = [a.init(p), b.init(p)]
    for (let i = 0; i < 3; i++) {
      const [ua, na] = a.update(g, sa, p)
      const [ub, nb] = b.update(g, sb, p)
      expect(arr(ua.w)).toEqual(arr(ub.w))
      ;[sa, sb] = [na, nb]
    }
  })
})

describe('optimisticAdam / optimisticAdamV2', () => {
  it('v1 is scaleByAdam(nesterov) → optimistic(α = η, β = optimism) → −1', () => {
    const p = tensor([0, 0], 'float64')
    const gs = [tensor([1, -2], 'float64'), tensor([0.5, 1], 'float64')]
    const a = optimisticAdam(0.05, { optimism: 0.2 })
    const b = chain(
      scaleByAdam({ nesterov: true }),
      scaleByOptimisticGradient({ alpha: 0.05, beta: 0.2 }),
      scaleByLearningRate(1),
    )
    let [sa, sb] = [a.init(p), b.init(p)]
    for (const g of gs) {
      const [ua, na] = a.update(g, sa, p)
      const [ub, nb] = b.update(g, sb, p)
      expect(arr(ua)).toEqual(arr(ub))
      ;[sa, sb] = [na, nb]
    }
  })

  it('v2 reproduces optax’s docstring run on the bilinear game xy (distances at steps 4ⁱ)', () => {
    const opt = optimisticAdamV2(1, { alpha: 1e-2, beta: 1 })
    let p = [1, 2]
    let s = opt.init(p)
    const distances: number[] = []
    for (let i = 0; i <= 1024; i++) {
      distances.push(Math.hypot(p[0]!, p[1]!))
      const [u, next] = opt.update([p[1]!, -p[0]!], s, p)
      p = applyUpdates(p, u)
      s = next
    }
    const printed = [2.243, 2.195, 2.161, 2.055, 0.796, 0.001]
    printed.forEach((d, i) => expect(distances[4 ** i]!).toBeCloseTo(d, 2))
  })
})

describe('powerIteration / matrixInversePthRoot / nnls', () => {
  const r = rng(77)
  const spd = (n: number) => {
    const b = Array.from({ length: n * n }, () => r() * 2 - 1)
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0
        for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!
        a[i * n + j] = s
      }
    return tensor(a, [n, n], 'float64')
  }
  const mm = (a: readonly number[], b: readonly number[], n: number) =>
    Array.from({ length: n * n }, (_, k) => {
      const [i, j] = [Math.floor(k / n), k % n]
      let s = 0
      for (let l = 0; l < n; l++) s += a[i * n + l]! * b[l * n + j]!
      return s
    })

  it('powerIteration finds the dominant eigenpair of a matrix and of a matrix-vector function on trees', () => {
    // eigenvalues of [[2, 1], [1, 2]]: 3 (1, 1)/√2 and 1
    const [lambda, v] = powerIteration(
      tensor(
        [
          [2, 1],
          [1, 2],
        ],
        'float64',
      ),
      { errorTolerance: 1e-12, numIters: 500 },
    )
    expect(lambda).toBeCloseTo(3, 10)
    expect(Math.abs(arr(v)[0]!)).toBeCloseTo(Math.SQRT1_2, 6)
    const [l2, v2] = powerIteration((t: { a: number; b: number }) => ({ a: 4 * t.a, b: -t.b }), { v0: { a: 1, b: 1 } })
    expect(l2).toBeCloseTo(4, 12)
    expect(Math.abs(v2.a)).toBeCloseTo(1, 12)
    expect(() => powerIteration((x: number) => x)).toThrow(/v0/)
  })

  it('matrixInversePthRoot: Rᵖ·(A + ridge) ≈ I for a random SPD matrix, p = 2 and 4', () => {
    for (const p of [2, 4]) {
      const a = spd(4)
      const [root, err] = matrixInversePthRoot(a, p, { ridgeEpsilon: 0, errorTolerance: 1e-10 })
      expect(err).toBeLessThan(1e-6)
      let pow = arr(root)
      for (let k = 1; k < p; k++) pow = mm(pow, arr(root), 4)
      const prod = mm(pow, arr(a), 4)
      prod.forEach((x, k) => expect(x).toBeCloseTo(k % 5 === 0 ? 1 : 0, 5))
    }
    expect(arr(matrixInversePthRoot(tensor([[9]], 'float64'), 2, { ridgeEpsilon: 0 })[0])[0]).toBeCloseTo(1 / 3, 15)
  })

  it('nnls satisfies the KKT conditions: x ≥ 0, ∇ = Aᵀ(Ax − b) ≥ 0, x·∇ = 0', () => {
    const [m, n] = [6, 4]
    const A = tensor(
      Array.from({ length: m * n }, () => r() * 2 - 1),
      [m, n],
      'float64',
    )
    const b = tensor(
      Array.from({ length: m }, () => r() * 2 - 1),
      [m],
      'float64',
    )
    const x = arr(nnls(A, b, 3000))
    const a = arr(A)
    const res = Array.from({ length: m }, (_, i) => x.reduce((s, xj, j) => s + a[i * n + j]! * xj, 0) - arr(b)[i]!)
    const g = Array.from({ length: n }, (_, j) => res.reduce((s, ri, i) => s + a[i * n + j]! * ri, 0))
    x.forEach((xj, j) => {
      expect(xj).toBeGreaterThanOrEqual(0)
      expect(g[j]!).toBeGreaterThan(-1e-7)
      expect(Math.abs(xj * g[j]!)).toBeLessThan(1e-7)
    })
    expect(() => nnls(A, tensor([1, 2], 'float64'), 10)).toThrow(/nnls/)
    expect(tree.allFinite(nnls(tensor([[0]], 'float64'), tensor([1], 'float64'), 5))).toBe(true)
  })
})
