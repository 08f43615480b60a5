// The LR range test: sweep the learning rate of SGD exponentially over 100 steps on y = 2x + 1, read the suggestion,
// train with it (fit), and draw fit's history as an SVG. For this loss (mean squared error, x uniform in [−1, 1)) the
// Hessian is 2·E[(x, 1)(x, 1)ᵀ] ≈ diag(2/3, 2), so gradient descent is stable iff lr < 2/λ_max ≈ 1.
import assert from 'node:assert/strict'
import { add, fit, lossCurveSvg, lrFind, mul, ops, prngKey, randomUniform, sgd, square, sub } from '../src/index'

const x = randomUniform(prngKey(8), [200], { minval: -1, maxval: 1, dtype: 'float64' })
const y = add(mul(2, x), 1)
type Params = { readonly w: number; readonly b: number }
const loss = (p: Params) => ops.mean(square(sub(add(mul(p.w, x), p.b), y)))
const lambdaMax = Math.max(2, 2 * (ops.mean(square(x)) as { item(): number }).item()) // ≈ 2 (the bias direction)

const { lrs, losses, suggestion, diverged } = lrFind({
  loss,
  optimizer: (lr) => sgd(lr),
  params: { w: 0, b: 0 },
  data: [null],
})
console.log(`swept ${lrs.length} learning rates from ${lrs[0]} to ${lrs[lrs.length - 1]!.toPrecision(3)}`)
console.log(
  `smoothed loss ${losses[0]!.toFixed(3)} → min ${Math.min(...losses).toExponential(2)}; suggestion lr = ${suggestion}`,
)
assert.ok(diverged && lrs[lrs.length - 2]! > 2 / lambdaMax, 'divergence is detected past 2/λ_max')
assert.ok(suggestion !== null && suggestion < 2 / lambdaMax, 'the suggestion is in the stable range')

// Train with the suggestion: fit records the loss of every step in its history, which lossCurveSvg draws.
const initial: Params = { w: 0, b: 0 }
const { state, history } = fit({ loss, optimizer: sgd(suggestion), params: initial, data: [null], steps: 100 })
const { params } = state
const last = history.steps.at(-1)!
console.log(
  `after ${state.step} steps: w = ${params.w.toFixed(4)}, b = ${params.b.toFixed(4)}, loss ${last.loss.toExponential(2)}`,
)
assert.ok(Math.abs(params.w - 2) < 1e-2 && Math.abs(params.b - 1) < 1e-2)
assert.ok(history.steps.length === 100 && last.loss < 1e-3 * history.steps[0]!.loss)
const svg = lossCurveSvg(history, { logScale: true, title: 'SGD at the suggested lr' })
assert.ok(svg.startsWith('<?xml') && svg.includes('<polyline') && !svg.includes('NaN'))
console.log(`loss curve: an SVG document of ${svg.length} characters`)
