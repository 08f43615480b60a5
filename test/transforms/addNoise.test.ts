import { describe, expect, it } from 'vitest'
import { HyperparameterError, addNoise, prngKey, randomNormal, splitKey, tensor, type PRNGKey } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('addNoise', () => {
  it('adds √(η/tᵞ)·N(0,1) drawn from the split key, one sub-key per leaf (golden, 3 steps)', () => {
    // Independent recomputation of the key schedule: (key', sample) = split(key); leaf keys = split(sample, 2).
    const eta = 0.5
    const gamma = 0.55
    const tx = addNoise(eta, gamma, { key: 3 })
    const g = { a: tensor([1, -2, 3], 'float64'), b: tensor([[0.5]], 'float64') }
    let state = tx.init(g)
    let key: PRNGKey = prngKey(3)
    for (let t = 1; t <= 3; t++) {
      const [next, sample] = splitKey(key) as [PRNGKey, PRNGKey]
      const [ka, kb] = splitKey(sample, 2) as [PRNGKey, PRNGKey]
      const sd = Math.sqrt(eta / t ** gamma)
      const na = randomNormal(ka, [3], { dtype: 'float64' }).dataSync()
      const nb = randomNormal(kb, [1, 1], { dtype: 'float64' }).dataSync()
      const [u, s] = tx.update(g, state)
      expectTreesClose(
        u,
        {
          a: tensor(
            [1, -2, 3].map((x, i) => x + sd * na[i]!),
            'float64',
          ),
          b: tensor([[0.5 + sd * nb[0]!]], 'float64'),
        },
        { rtol: 1e-15, atol: 1e-15 },
      )
      expect(s).toEqual({ count: t, rngKey: next })
      state = s
      key = next
    }
  })

  it('eta 0 adds nothing; numbers get float64 noise; dtypes kept; inputs unchanged', () => {
    const g = { w: tensor([1e30, 0, -1]), n: 2 }
    const s = addNoise({ eta: 0, gamma: 1 }).init(g)
    const [u] = expectInputsUnchanged(() => addNoise({ eta: 0, gamma: 1 }).update(g, s), g, s)
    expect(u.w.toArray()).toEqual([Math.fround(1e30), 0, -1])
    expect(u.n).toBe(2)
    const [v] = addNoise({ eta: 1, gamma: 0 }).update(g, s)
    expect(v.w.dtype).toBe('float32')
    expect(typeof v.n).toBe('number')
    expect(v.n).not.toBe(2)
  })

  it('has the right variance and a default key of 0', () => {
    const tx = addNoise({ eta: 4, gamma: 1 })
    expect(tx.init(null)).toEqual({ count: 0, rngKey: prngKey(0) })
    // Step 2: variance 4/2 = 2.
    const zero = tensor(new Float64Array(20000), [20000])
    const [, s1] = tx.update([zero], tx.init([zero]))
    const [u] = tx.update([zero], s1)
    const xs = u[0]!.dataSync()
    const variance = Array.from(xs).reduce((a, x) => a + x * x, 0) / xs.length
    expect(Math.abs(variance - 2)).toBeLessThan(0.1)
  })

  it('rejects invalid hyperparameters and keys', () => {
    expect(() => addNoise(-1, 0.5)).toThrow('addNoise eta must be in [0, Infinity); got -1')
    expect(() => addNoise({ eta: 1, gamma: NaN })).toThrow('addNoise options.gamma must be in [0, Infinity); got NaN')
    expect(() => addNoise({ eta: 1, gamma: 1, key: 0.5 })).toThrow(HyperparameterError)
    expect(() => addNoise({ eta: 1, gamma: 1, key: [1, -1] as unknown as PRNGKey })).toThrow(HyperparameterError)
  })
})
