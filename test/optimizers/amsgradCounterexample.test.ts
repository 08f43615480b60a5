import { describe, expect, it } from 'vitest'
import { type GradientTransformation, adam, amsgrad, applyUpdates, tensor, tree } from '../../src/index'

/**
 * The counterexample of Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond" (Section 3, Theorem 1),
 * https://arxiv.org/abs/1904.09237: an online linear problem on F = [−1, 1] with
 *
 *   f_t(x) = C·x  if t mod 3 = 1,   f_t(x) = −x  otherwise,          C > 2,
 *
 * whose average loss (C − 2)/3·x is minimised at x = −1. With β₁ = 0, β₂ = 1/(1 + C²) and α_t = α/√t, Adam's
 * second moment forgets the rare large gradient C within one step, so the two −1 gradients push x up by more than
 * the C gradient pulls it down, and x drifts to +1, the worst point. AMSGrad keeps the maximum of v̂, so the steps on
 * the −1 gradients stay small and x goes to the optimum −1. Each step is projected back onto [−1, 1] by clipping.
 * (descent's Adam and AMSGrad bias-correct and add ε = 1e-8; with β₂ = 0.1 the correction is 1 within a few steps,
 * so the paper's argument applies unchanged.)
 */
const C = 3
const ALPHA = 0.5
const STEPS = 3 * 3000

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function play(opt: GradientTransformation<any>): { readonly final: number; readonly meanLastThird: number } {
  let x = tensor([0], 'float64')
  let state = opt.init(x)
  let sum = 0
  for (let k = 0; k < STEPS; k++) {
    const t = k + 1
    const g = tensor([t % 3 === 1 ? C : -1], 'float64')
    const [u, next] = opt.update(g, state, x)
    x = tree.clip(applyUpdates(x, u), -1, 1) // projection onto F = [−1, 1]
    state = next
    if (k >= (2 * STEPS) / 3) sum += x.item()
  }
  return { final: x.item(), meanLastThird: sum / (STEPS / 3) }
}

describe('AMSGrad counterexample (Reddi et al. 2018, Theorem 1)', () => {
  const schedule = (count: number) => ALPHA / Math.sqrt(count + 1) // α_t = α/√t with t = count + 1
  const options = { b1: 0, b2: 1 / (1 + C * C) }

  it('Adam converges to x = +1, the worst point of [−1, 1]', () => {
    const { final, meanLastThird } = play(adam(schedule, options))
    expect(final).toBeGreaterThan(0.95)
    expect(meanLastThird).toBeGreaterThan(0.95)
  })

  it('AMSGrad converges to the optimum x = −1', () => {
    const { final, meanLastThird } = play(amsgrad(schedule, options))
    expect(final).toBeLessThan(-0.95)
    expect(meanLastThird).toBeLessThan(-0.95)
  })

  it("the setup is the paper's: the average loss (C − 2)/3·x is minimised at −1, and β₂ = 1/(1 + C²) = 0.1", () => {
    expect(options.b2).toBeCloseTo(0.1, 15)
    const averageLoss = (x: number) => (C * x - x - x) / 3
    expect(averageLoss(-1)).toBeLessThan(averageLoss(1))
  })
})
