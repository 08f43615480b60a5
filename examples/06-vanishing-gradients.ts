// Vanishing gradients, measured: per-layer gradient norms of a deep sigmoid MLP versus a relu MLP with He init.
//
// Backprop multiplies the gradient by Wᵀ·diag(σ'(z)) at every layer, and σ' ≤ 1/4: with weights of unit gain
// (lecunNormal: Var W = 1/fanIn) the gradient shrinks by roughly 4× or more per layer, so after 10 layers the first
// layer learns thousands of times slower than the last. relu (derivative 0 or 1) with heNormal (Var W = 2/fanIn)
// keeps the backward signal's scale, and the per-layer norms stay within one order of magnitude.
import assert from 'node:assert/strict'
import {
  type PRNGKey,
  type Tensor,
  add,
  grad,
  heNormal,
  lecunNormal,
  matmul,
  ops,
  prngKey,
  randomNormal,
  randomUniform,
  relu,
  sigmoid,
  softmaxCrossEntropyWithIntegerLabels,
  splitKey,
  tree,
  zeros,
} from '../src/index'

const DEPTH = 10
const WIDTH = 64
const BATCH = 128
const CLASSES = 10

type Layer = { readonly w: Tensor; readonly b: Tensor }
type Init = (key: PRNGKey, shape: readonly number[]) => Tensor

const [dataKey, labelKey, initKey] = splitKey(prngKey(7), 3) as [PRNGKey, PRNGKey, PRNGKey]
const x = randomNormal(dataKey, [BATCH, WIDTH])
const labels = Array.from(randomUniform(labelKey, [BATCH], { dtype: 'float64' }).dataSync(), (u) =>
  Math.floor(u * CLASSES),
)

/** DEPTH dense layers: DEPTH − 1 hidden layers of WIDTH → WIDTH and an output layer WIDTH → CLASSES. */
const makeLayers = (init: Init): Layer[] =>
  splitKey(initKey, DEPTH).map((key, i) => {
    const out = i === DEPTH - 1 ? CLASSES : WIDTH
    return { w: init(key, [WIDTH, out]), b: zeros([out]) }
  })

const lossOf = (activation: (z: Tensor) => Tensor) => (layers: Layer[]) => {
  let h = x
  layers.forEach((layer, i) => {
    const z = add(matmul(h, layer.w), layer.b)
    h = i === DEPTH - 1 ? z : activation(z)
  })
  return ops.mean(softmaxCrossEntropyWithIntegerLabels(h, labels))
}

/** ‖∂L/∂(W, b)‖₂ of every layer, first to last. */
const layerNorms = (activation: (z: Tensor) => Tensor, init: Init): number[] =>
  grad(lossOf(activation))(makeLayers(init)).map((g) => tree.norm(g))

const sigmoidNorms = layerNorms(sigmoid, lecunNormal)
const reluNorms = layerNorms(relu, heNormal)

console.log(`gradient norm per layer, ${DEPTH}-layer MLP (width ${WIDTH}), cross-entropy on a batch of ${BATCH}\n`)
console.log('layer   sigmoid + lecunNormal   relu + heNormal   sigmoid norm (log scale, # = ⅓ decade)')
for (let i = 0; i < DEPTH; i++) {
  const bar = '#'.repeat(Math.max(0, Math.round(20 + 3 * Math.log10(sigmoidNorms[i]!))))
  console.log(
    `${String(i + 1).padStart(5)}   ${sigmoidNorms[i]!.toExponential(2).padStart(21)}   ` +
      `${reluNorms[i]!.toExponential(2).padStart(15)}   ${bar}`,
  )
}
const ratio = (norms: number[]) => norms[0]! / norms[DEPTH - 1]!
const r = { sigmoid: ratio(sigmoidNorms).toExponential(2), relu: ratio(reluNorms).toFixed(2) }
console.log(`\nfirst / last layer: sigmoid ${r.sigmoid}, relu ${r.relu}`)

assert.ok(ratio(sigmoidNorms) < 1e-3, "sigmoid: the first layer's gradient should be < 1e-3 × the last's")
for (let i = 0; i < DEPTH - 1; i++) {
  assert.ok(sigmoidNorms[i]! < sigmoidNorms[i + 1]!, 'sigmoid: norms should grow from the input to the output')
}
assert.ok(ratio(reluNorms) > 0.1 && ratio(reluNorms) < 10, 'relu + He init: norms within an order of magnitude')
