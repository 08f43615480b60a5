import { describe, expect, it } from 'vitest'
import {
  adam,
  chain,
  DescentError,
  sgd,
  strictPurity,
  tensor,
  type GradientTransformation,
  type PyTree,
  type Tensor,
} from '../../src/index'
import { hyperparameterDiagnoses } from '../../src/transforms/hyperparameterDiagnoses'

const caught = (f: () => unknown): DescentError & { code?: string } => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(DescentError)
    return e as DescentError & { code?: string }
  }
  throw new Error('expected a DescentError')
}

const params = { w: tensor([1, 2]), b: 0.5 }
const grads = { w: tensor([0.1, -0.2]), b: 0.3 }

describe('strictPurity', () => {
  it('gives the same updates and states as the transform it wraps', () => {
    const tx = adam(1e-2)
    const checked = strictPurity(tx)
    let [s1, s2] = [tx.init(params), checked.init(params)]
    for (let t = 0; t < 3; t++) {
      const [u1, n1] = tx.update(grads, s1, params)
      const [u2, n2] = checked.update(grads, s2, params)
      expect(u2).toEqual(u1)
      expect(n2).toEqual(n1)
      ;[s1, s2] = [n1, n2]
    }
  })

  it('a custom momentum that writes its state tensor in place: stateMutated naming state.v.w', () => {
    // The mistake: reusing the state's storage to save an allocation.
    const inPlace: GradientTransformation<{ v: { w: Tensor } }> = {
      init: () => ({ v: { w: tensor([0, 0]) } }),
      update: (u, s) => {
        const g = (u as { w: Tensor }).w.data
        s.v.w.data.forEach((x, i) => (s.v.w.data[i] = 0.9 * x + g[i]!))
        return [u, s]
      },
    }
    const tx = strictPurity(inPlace)
    const e = caught(() => tx.update(grads, tx.init(params), params))
    expect(e.code).toBe('stateMutated')
    expect(e.message).toMatch(/mutated its input at state\.v\.w \(its values were written in place\)/)
    expect(e.message).toMatch(/Fix: build the new state/)
  })

  it('a count incremented in place, an updates tensor overwritten, params changed, a key added', () => {
    const counter: GradientTransformation<{ count: number }> = {
      init: () => ({ count: 0 }),
      update: (u, s) => {
        s.count++
        return [u, s]
      },
    }
    const t1 = strictPurity(counter)
    expect(caught(() => t1.update(grads, t1.init(params))).message).toMatch(/at state\.count \(0 → 1\)/)

    const scaleInPlace: GradientTransformation<null> = {
      init: () => null,
      update: (u, s) => {
        ;(u as { w: Tensor }).w.data[1] = 0
        return [u, s]
      },
    }
    const t2 = strictPurity(scaleInPlace)
    // inside a chain, scaleInPlace writes into sgd's fresh output, not into the caller's: no error
    const inChain = strictPurity(chain(sgd(0.1), scaleInPlace))
    inChain.update({ w: tensor([1, 2]), b: 0 }, inChain.init(params))
    const e2 = caught(() => t2.update({ w: tensor([1, 2]), b: 0 }, t2.init(params)))
    expect(e2.code).toBe('stateMutated')
    expect(e2.message).toMatch(/at updates\.w/)

    const touchesParams: GradientTransformation<null> = {
      init: (p) => {
        ;(p as Record<string, PyTree>)['extra'] = 1
        return null
      },
      update: (u, s, p) => {
        ;(p as { w: Tensor }).w.data[0] = 9
        return [u, s]
      },
    }
    const t3 = strictPurity(touchesParams)
    expect(caught(() => t3.init({ w: tensor([1]) })).message).toMatch(/init mutated its input at params \(key extra/)
    expect(caught(() => t3.update({ w: tensor([0]) }, null, { w: tensor([1]) })).message).toMatch(/at params\.w/)
  })

  it('no false alarm on every pure transform, and keeps the hyperparameter warnings', () => {
    const tx = strictPurity(chain(adam(1e-3), sgd(0.1, { momentum: 0.9 })))
    let s = tx.init(params)
    for (let t = 0; t < 3; t++) s = tx.update(grads, s, params)[1]
    expect(hyperparameterDiagnoses(strictPurity(sgd(-1)))[0]?.message).toMatch(/learningRate = -1/)
    expect(() => strictPurity({} as never)).toThrow(/strictPurity tx must be a GradientTransformation/)
  })
})
