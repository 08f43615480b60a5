import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  chain,
  optimisticGradientDescent,
  scaleByLearningRate,
  scaleByOptimisticGradient,
} from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('optimisticGradientDescent', [
  {
    label: 'defaults (alpha 1, beta 1)',
    alias: (lr) => optimisticGradientDescent(lr),
    reference: (lr) => chain(scaleByOptimisticGradient(), scaleByLearningRate(lr)),
  },
  {
    label: 'alpha 0.7, beta 0.1',
    alias: (lr) => optimisticGradientDescent(lr, { alpha: 0.7, beta: 0.1 }),
    reference: (lr) => chain(scaleByOptimisticGradient({ alpha: 0.7, beta: 0.1 }), scaleByLearningRate(lr)),
  },
])

describe('optimisticGradientDescent', () => {
  it('converges on the bilinear game min_x max_y x·y, where gradient descent–ascent diverges', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const run = (opt: GradientTransformation<any>) => {
      let [x, y] = [1, 1]
      let state: unknown = opt.init([x, y])
      for (let i = 0; i < 3000; i++) {
        const [u, next] = (opt.update as (g: number[], s: unknown) => readonly [number[], unknown])([y, -x], state)
        ;[x, y] = [x + u[0]!, y + u[1]!]
        state = next
      }
      return Math.hypot(x, y)
    }
    expect(run(optimisticGradientDescent(0.1))).toBeLessThan(1e-4)
    expect(run(scaleByLearningRate(0.1))).toBeGreaterThan(10) // plain GDA: |z| grows by √(1 + 0.01) per step
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => optimisticGradientDescent(0.1, { alpha: NaN })).toThrow(/options\.alpha/)
    expect(() => optimisticGradientDescent(Number.NaN)).toThrow(/learningRate/)
  })
})
