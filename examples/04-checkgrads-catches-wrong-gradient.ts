// A hand-written gradient with a bug, caught by checkGrads before it silently ruins a training run.
//
// customVjp lets you give your own reverse-mode rule. Here the rule for w² says d/dw w² = w (forgetting the 2).
// Training with it would still "work" (the gradient points the right way), just wrongly scaled; checkGrads compares
// the rule with central differences of the function itself and names the offending argument.
import assert from 'node:assert/strict'
import { GradCheckError, checkGrads, customVjp, mul, ops, tensor } from '../src/index'

// w ↦ w² with a wrong backward pass: the cotangent times w (the correct rule is the cotangent times 2w).
const squareWrong = customVjp(
  (w) => mul(w, w),
  (w) => [mul(w, w), w] as const, // forward: value and residual w
  (w, ct) => [mul(ct, w)], // BUG: should be mul(ct, mul(2, w))
)
// The same function with the correct rule.
const squareRight = customVjp(
  (w) => mul(w, w),
  (w) => [mul(w, w), w] as const,
  (w, ct) => [mul(ct, mul(2, w))],
)

type Params = { readonly w: ReturnType<typeof tensor> }
const lossWith = (square: (w: ReturnType<typeof tensor>) => ReturnType<typeof tensor>) => (p: Params) =>
  ops.sum(square(p.w))
const params: Params = { w: tensor([0.5, -1, 2], 'float64') }

// customVjp has no forward mode (as jax.custom_vjp), so check reverse mode only.
let caught: unknown
try {
  checkGrads(lossWith(squareWrong), [params], { modes: ['rev'] })
} catch (e) {
  caught = e
}
assert.ok(caught instanceof GradCheckError, 'checkGrads should throw a GradCheckError for the wrong rule')
console.log('wrong rule d/dw w² = w  →  checkGrads throws:\n')
console.log(`  ${caught.message.split('\n').join('\n  ')}\n`)
console.log(`  path: ${caught.path}, analytic: ${caught.analytic}, numeric: ${caught.numeric}`)
assert.match(caught.path, /args\[0\]\.w/)

checkGrads(lossWith(squareRight), [params], { modes: ['rev'], order: 2 }) // passes: no throw
console.log('\nright rule d/dw w² = 2w  →  checkGrads passes (reverse mode, orders 1 and 2)')
