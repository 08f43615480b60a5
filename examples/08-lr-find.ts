// The LR range test: sweep the learning rate of SGD exponentially over 100 steps on y = 2x + 1, read the suggestion,
// train with it, and draw the training loss as an SVG. For this loss (mean squared error, x uniform in [−1, 1)) the
// Hessian is 2·E[(x, 1)(x, 1)ᵀ] ≈ diag(2/3, 2), so gradient descent is stable iff lr < 2/λ_max ≈ 1.
import assert from 'node:assert/strict'
import {
  add,
  applyUpdates,
  lossCurveSvg,
  lrFind,
  mul,
  ops,
  prngKey,
  randomUniform,
  sgd,
  square,
  sub,
  valueAndGrad,
} from '../src/index'

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

// Train with the suggestion and keep a History for the plot.
const opt = sgd(suggestion)
let params: Params = { w: 0, b: 0 }
let state = opt.init(params)
const steps = []
for (let step = 0; step < 100; step++) {
  const [value, g] = valueAndGrad(loss)(params)
  steps.push({ step, epoch: 0, loss: (value as { item(): number }).item(), gradNorm: 0, updateNorm: 0, paramNorm: 0 })
  const [u, next] = opt.update(g, state, params)
  params = applyUpdates(params, u)
  state = next
}
console.log(
  `after 100 steps: w = ${params.w.toFixed(4)}, b = ${params.b.toFixed(4)}, loss ${steps[99]!.loss.toExponential(2)}`,
)
assert.ok(Math.abs(params.w - 2) < 1e-2 && Math.abs(params.b - 1) < 1e-2)
const svg = lossCurveSvg({ steps, epochs: [] }, { logScale: true, title: 'SGD at the suggested lr' })
assert.ok(svg.startsWith('<?xml') && svg.includes('<polyline') && !svg.includes('NaN'))
console.log(`loss curve: an SVG document of ${svg.length} characters`)
