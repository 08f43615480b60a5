// Compare the classic optimizers on two hard problems: the Rosenbrock function and an ill-conditioned least-squares
// problem (condition number 1e3, built from a fixed PRNG key). Prints the loss after N steps for each optimizer.
import assert from 'node:assert/strict'
import {
  type GradientTransformation,
  type PRNGKey,
  type Tensor,
  adagrad,
  adam,
  adamw,
  applyUpdates,
  prngKey,
  randomNormal,
  rmsprop,
  sgd,
  splitKey,
  tensor,
} from '../src/index'

interface Problem {
  readonly name: string
  readonly steps: number
  readonly x0: Tensor
  readonly loss: (x: Tensor) => number
  readonly grad: (x: Tensor) => Tensor
}

// ---- Rosenbrock: f(x, y) = (1 − x)² + 100·(y − x²)², minimum 0 at (1, 1), started at (0, 0) as in optax's tests.
const rosenbrock: Problem = {
  name: 'Rosenbrock',
  steps: 2000,
  x0: tensor([0, 0]),
  loss: ({ data: [x = 0, y = 0] }) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  grad: ({ data: [x = 0, y = 0] }) => tensor([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]),
}

// ---- Least squares: f(x) = ½‖A·x − b‖² with A = H₁·diag(σ)·H₂ (m×n), H₁ and H₂ random Householder reflections, and
// σ log-spaced so that the Hessian AᵀA has eigenvalues from 1 down to 1/κ. b = A·x*, so the minimum is 0 at x*.
const m = 40
const n = 20
const kappa = 1e3
const [k1, k2, k3] = splitKey(prngKey(0), 3) as [PRNGKey, PRNGKey, PRNGKey]
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, ai, i) => s + ai * b[i]!, 0)
const reflect = (v: Float64Array) => (x: ArrayLike<number>) => {
  const s = (2 * dot(v, x)) / dot(v, v)
  return Float64Array.from(x, (xi, i) => xi - s * v[i]!)
}
const normal = (key: PRNGKey, size: number) => Float64Array.from(randomNormal(key, [size], { dtype: 'float64' }).data)
const h1 = reflect(normal(k1, m))
const h2 = reflect(normal(k2, n))
const sigma = Array.from({ length: n }, (_, i) => kappa ** (-i / (2 * (n - 1))))
// Column j of A is H₁·[σ ⊙ H₂·e_j; 0]; stored row-major.
const columns = Array.from({ length: n }, (_, j) => {
  const hv = h2(Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)))
  return h1(Array.from({ length: m }, (_, i) => (i < n ? sigma[i]! * hv[i]! : 0)))
})
const a = Float64Array.from({ length: m * n }, (_, k) => columns[k % n]![Math.floor(k / n)]!)
const matVec = (x: ArrayLike<number>) =>
  Float64Array.from({ length: m }, (_, i) => dot(a.subarray(i * n, (i + 1) * n), x))
const b = matVec(normal(k3, n))
const residual = (x: Tensor) => matVec(x.data).map((ri, i) => ri - b[i]!)
const leastSquares: Problem = {
  name: 'least squares',
  steps: 1000,
  x0: tensor(new Array<number>(n).fill(0), 'float64'),
  loss: (x) => 0.5 * dot(residual(x), residual(x)),
  grad: (x) => {
    const r = residual(x)
    return tensor(
      Array.from({ length: n }, (_, j) => dot(columns[j]!, r)),
      'float64',
    ) // Aᵀ·r
  },
}

// ---- The optimizers, with a learning rate per problem (the sgd family needs lr < 2/L: L ≈ 1000 for Rosenbrock near
// its minimum, L = 1 for the least squares).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (lr: number) => GradientTransformation<any>
const optimizers: readonly (readonly [string, Factory, number, number])[] = [
  ['sgd', (lr) => sgd(lr), 1e-3, 1],
  ['momentum', (lr) => sgd(lr, { momentum: 0.9 }), 1e-3, 0.3],
  ['nesterov', (lr) => sgd(lr, { momentum: 0.9, nesterov: true }), 1e-3, 0.3],
  ['rmsprop', (lr) => rmsprop(lr), 1e-3, 3e-3],
  ['adagrad', (lr) => adagrad(lr), 0.1, 1],
  ['adam', (lr) => adam(lr), 0.1, 0.1],
  ['adamw', (lr) => adamw(lr, { weightDecay: 1e-4 }), 0.1, 0.1],
]

function minimise(opt: GradientTransformation<unknown>, problem: Problem): number {
  let x = problem.x0
  let state = opt.init(x)
  for (let step = 0; step < problem.steps; step++) {
    const [updates, next] = opt.update(problem.grad(x), state, x)
    x = applyUpdates(x, updates)
    state = next
  }
  return problem.loss(x)
}

const problems = [rosenbrock, leastSquares]
const results = optimizers.map(([name, make, ...lrs]) => ({
  name,
  lrs,
  losses: problems.map((p, i) => minimise(make(lrs[i]!), p)),
}))

console.log(`loss after N steps (least squares: n = ${n}, m = ${m}, Hessian condition number ${kappa})`)
const cell = (s: string, width = 12) => s.padStart(width)
console.log(''.padEnd(10) + problems.map((p) => cell(`${p.name}, N = ${p.steps}`, 28)).join(''))
console.log('optimizer'.padEnd(10) + problems.map(() => cell('lr', 16) + cell('loss')).join(''))
console.log('(start)'.padEnd(10) + problems.map((p) => cell('', 16) + cell(p.loss(p.x0).toExponential(2))).join(''))
for (const r of results) {
  const row = r.losses.map((l, i) => cell(String(r.lrs[i]), 16) + cell(l.toExponential(2)))
  console.log(r.name.padEnd(10) + row.join(''))
}
problems.forEach((p, i) => {
  for (const r of results) assert.ok(r.losses[i]! < p.loss(p.x0), `${r.name} did not decrease the ${p.name} loss`)
  const best = Math.min(...results.map((r) => r.losses[i]!))
  assert.ok(best < 1e-6, `the best loss on ${p.name} is ${best}; expected below 1e-6`)
})
