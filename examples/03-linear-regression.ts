// The classic first example: fit y = w·x + b to noisy samples of y = 2x + 1 with plain SGD.
//
// The loop is written with trainStep, a pure reducer (state, batch) => [state, info]: it takes the loss's value and
// gradient (autodiff), runs the optimizer and applies the update, and reports what the step measured.
import assert from 'node:assert/strict'
import {
  add,
  initTrainState,
  mul,
  ops,
  prngKey,
  randomNormal,
  randomUniform,
  sgd,
  splitKey,
  square,
  sub,
  trainStep,
} from '../src/index'

// 200 points x ∈ [−1, 1), y = 2x + 1 + noise (σ = 0.1), all from one PRNG key, in float64.
const [kx, kNoise] = splitKey(prngKey(42))
const x = randomUniform(kx!, [200], { minval: -1, maxval: 1, dtype: 'float64' })
const y = add(add(mul(2, x), 1), randomNormal(kNoise!, [200], { stddev: 0.1, dtype: 'float64' }))

// Parameters are a pytree; number leaves are float64 scalars, and the gradient has numbers for them.
type Params = { readonly w: number; readonly b: number }
type Batch = { readonly x: typeof x; readonly y: typeof y }
const loss = (p: Params, batch: Batch) => ops.mean(square(sub(add(mul(p.w, batch.x), p.b), batch.y))) // mean squared error

const optimizer = sgd(0.1)
const step = trainStep(loss, optimizer)
const batch: Batch = { x, y } // full-batch gradient descent: every step sees all 200 points
const initial: Params = { w: 0, b: 0 }
let state = initTrainState(initial, optimizer)
while (state.step < 300) {
  const [next, info] = step(state, batch) // info.loss is the loss before this step's update
  state = next
  assert.deepStrictEqual(info.diagnoses, [], 'no step check fired')
  if (state.step === 1 || state.step % 50 === 0) {
    console.log(
      `step ${String(state.step).padStart(3)}: w = ${state.params.w.toFixed(4)}  b = ${state.params.b.toFixed(4)}  ` +
        `loss = ${info.loss.toExponential(3)}  ‖g‖ = ${info.gradNorm.toExponential(2)}`,
    )
  }
}
const params = state.params

// Compare with the closed-form least-squares fit: w* = cov(x, y) / var(x), b* = ȳ − w*·x̄.
const xs = x.dataSync()
const ys = y.dataSync()
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, t) => s + t, 0) / v.length
const [mx, my] = [mean(xs), mean(ys)]
const wStar = mean(Array.from(xs, (xi, i) => (xi - mx) * (ys[i]! - my))) / mean(Array.from(xs, (xi) => (xi - mx) ** 2))
const bStar = my - wStar * mx
console.log(`fit:           w = ${params.w.toFixed(4)}, b = ${params.b.toFixed(4)}`)
console.log(`least squares: w = ${wStar.toFixed(4)}, b = ${bStar.toFixed(4)}   (truth: w = 2, b = 1)`)

const reached = Math.abs(params.w - wStar) < 1e-4 && Math.abs(params.b - bStar) < 1e-4
assert.ok(reached, 'SGD should reach the least-squares fit')
assert.ok(Math.abs(params.w - 2) < 0.05, `w = ${params.w} should be ≈ 2`)
assert.ok(Math.abs(params.b - 1) < 0.05, `b = ${params.b} should be ≈ 1`)
