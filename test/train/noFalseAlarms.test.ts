import { fc } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  type Diagnosis,
  type GradientTransformation,
  type Tensor,
  adam,
  batches,
  chain,
  diagnosesOf,
  fit,
  glorotUniform,
  healthCheck,
  heNormal,
  ops,
  prngKey,
  randomNormal,
  sgd,
  splitKey,
  tensor,
  zeros,
} from '../../src/index'
import type { SmoothProblem } from '../../src/testing/arbitraries'
import { type AnyTheorem, theorems } from '../../src/testing/index'
import { initMonitor, monitorStep } from '../../src/train/monitor'
import { DEFAULT_SEED } from '../_helpers/seed'

// Issue 9's "no false alarms": the GD theorems' problems (descent-ts/testing), run at the step sizes the theorems are
// about, through healthCheck with the loss passed as extra.value, and a healthy minibatched ReLU MLP whose inputs have
// always-zero features (as MNIST's border pixels) through fit, must produce no diagnosis at all.

type Factory = (k: Record<string, number>) => GradientTransformation<unknown>
const q = (k: Record<string, number>) => (Math.sqrt(k.L!) - Math.sqrt(k.mu!)) / (Math.sqrt(k.L!) + Math.sqrt(k.mu!))
const GD: readonly (readonly [AnyTheorem, string, Factory])[] = [
  [theorems.gdSmoothConvexTight, 'sgd(h/L)', (k) => sgd(k.h! / k.L!) as never],
  [theorems.gdStronglyConvexContraction, 'sgd(γ)', (k) => sgd(k.gamma!) as never],
  [theorems.gdStronglyConvexRate, 'sgd(2/(L+μ))', (k) => sgd(2 / (k.L! + k.mu!)) as never],
  [theorems.gdNonconvex, 'sgd(h/L)', (k) => sgd(k.h! / k.L!) as never],
  [
    theorems.nesterovStronglyConvex,
    'sgd(1/L, nesterov)',
    (k) => sgd(1 / k.L!, { momentum: q(k), nesterov: true }) as never,
  ],
  [
    theorems.heavyBallQuadratic,
    'sgd(4/(√L+√μ)², { momentum: q² })',
    (k) => sgd(4 / (Math.sqrt(k.L!) + Math.sqrt(k.mu!)) ** 2, { momentum: q(k) ** 2 }) as never,
  ],
]

/** chain(healthCheck(), tx), fed the loss as extra.value, keeping the last healthCheck state it returned. */
function watched(tx: GradientTransformation<unknown>, f: ((x: Float64Array) => number) | undefined) {
  const inner = chain(healthCheck(), tx)
  const seen: { last: Diagnosis[] } = { last: [] }
  const outer: GradientTransformation<unknown> = {
    init: (p) => inner.init(p),
    update: (u, s, p, extra) => {
      const value = f !== undefined && p !== undefined ? f(Float64Array.from((p as Tensor).data)) : undefined
      const [updates, next] = inner.update(u, s as never, p, value === undefined ? extra : { ...extra, value })
      seen.last = diagnosesOf(next[0])
      return [updates, next]
    },
  }
  return { outer, seen }
}

describe('no false alarms: the GD theorems’ problems through healthCheck', () => {
  it.each(GD.map(([t, name, make]) => [t.name, name, t, make] as const))('%s with %s', (_, __, t, make) => {
    const problems = fc.sample(t.problems as fc.Arbitrary<{ fn?: SmoothProblem }>, { numRuns: 12, seed: DEFAULT_SEED })
    for (const problem of problems) {
      const { outer, seen } = watched(make(t.constants(problem as never) as Record<string, number>), problem.fn?.f)
      const check = t.check(problem as never, outer)
      expect(check.holds).toBe(true)
      expect(seen.last).toEqual([])
    }
  })
})

describe('no false alarms: a healthy ReLU MLP through fit', () => {
  it('784-style inputs with always-zero features (zero rows of the first layer’s gradient), adam, 150 minibatch steps', () => {
    const [kx, ky, k1, k2] = splitKey(prngKey(3), 4) as [never, never, never, never]
    const n = 256
    // 40 features, the first 12 always 0 (MNIST's border pixels), labels from a linear rule on the others.
    const raw = randomNormal(kx, [n, 40])
    const mask = tensor(Array.from({ length: 40 }, (_, j) => (j < 12 ? 0 : 1)))
    const x = ops.mul(raw, mask)
    const scores = ops.matmul(x, randomNormal(ky, [40, 5])).toArray() as number[][]
    const labels = scores.map((row) => row.indexOf(Math.max(...row)))
    const y = tensor(
      labels.flatMap((c) => Array.from({ length: 5 }, (_, j) => (j === c ? 1 : 0))),
      [n, 5],
    )
    type P = { hidden: { w: Tensor; b: Tensor }; out: { w: Tensor; b: Tensor } }
    const loss = (p: P, b: { x: Tensor; y: Tensor }) => {
      const h = ops.relu(ops.add(ops.matmul(b.x, p.hidden.w), p.hidden.b))
      const logits = ops.add(ops.matmul(h, p.out.w), p.out.b)
      return ops.neg(ops.mean(ops.sum(ops.mul(ops.logSoftmax(logits, -1), b.y), { axis: 1 })))
    }
    const params: P = {
      hidden: { w: heNormal(k1, [40, 64]), b: zeros([64]) },
      out: { w: glorotUniform(k2, [64, 5]), b: zeros([5]) },
    }
    const seen: Diagnosis[] = []
    const run = fit({
      loss,
      optimizer: adam(1e-2),
      params,
      data: (_e, key) => batches({ x, y }, { batchSize: 32, key }),
      steps: 150,
      onDiagnosis: (d) => void seen.push(d),
    })
    expect(seen).toEqual([])
    expect(run.history.steps.at(-1)!.loss).toBeLessThan(0.5 * run.history.steps[0]!.loss)
    // The first layer's gradient has zero rows (the always-zero features) at every step: rows are not units.
    expect(run.diagnoses).toEqual([])
  })
})

describe('lossDiverging tells heavy ball’s peak effect from an unstable learning rate', () => {
  const feed = (losses: readonly number[]) => {
    let s = initMonitor()
    const out: Diagnosis[] = []
    losses.forEach((l, i) => {
      const [n, found] = monitorStep(s, l, i)
      s = n
      out.push(...found)
    })
    return out.map((d) => d.code)
  }
  it('(n+1)²·q²ⁿ (a rise of ~40× that fades, then convergence) is quiet; ×1.5 per step is diverging', () => {
    const q = 0.939 // κ = 1000
    const peak = Array.from({ length: 300 }, (_, n) => 50 * (n + 1) ** 2 * q ** (2 * n))
    expect(Math.max(...peak) / peak[0]!).toBeGreaterThan(30)
    expect(feed(peak)).toEqual([])
    expect(feed(Array.from({ length: 30 }, (_, n) => 50 * 1.5 ** n))).toEqual(['lossDiverging'])
  })
})
