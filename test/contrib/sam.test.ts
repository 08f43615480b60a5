import { describe, expect, it } from 'vitest'
import { adam, applyUpdates, chain, contrib, sgd, tensor, tree } from '../../src/index'
import { near } from './_near'

const f64 = (x: number[]) => tensor(x, 'float64')
const a = [1, 4]
/** ∇ of f(x) = ½Σ aᵢxᵢ². */
const grad = (x: ReturnType<typeof f64>) => tree.mapElementwise((xi, ai) => ai * xi, x, f64(a))
const unit = (g: number[]) => g.map((v) => v / Math.hypot(...g))

describe('normalize', () => {
  it('divides by the global norm and leaves all-zero updates at zero', () => {
    const tx = contrib.normalize()
    near(tx.update({ a: f64([1, 2]), b: f64([2]) }, {})[0], { a: f64([1 / 3, 2 / 3]), b: f64([2 / 3]) }, 1e-15)
    near(tx.update(f64([0, 0]), {})[0], f64([0, 0]), 0)
  })
})

describe('sam', () => {
  const rho = 0.05
  const lr = 0.1
  const make = (o = {}) => contrib.sam(sgd(lr), chain(contrib.normalize(), sgd(rho)), o)

  it('syncPeriod 2: an ascent step of ρ·ĝ, then the outer step from the cached params with the perturbed gradient', () => {
    const opt = make()
    const x0 = f64([1, -2])
    const g0 = grad(x0)
    const [u1, s1] = opt.update(g0, opt.init(x0), x0)
    const x1 = applyUpdates(x0, u1)
    const d = unit(g0.toArray() as number[])
    near(x1, f64([1 + rho * d[0]!, -2 + rho * d[1]!]), 1e-15)
    expect(s1.stepsSinceSync).toBe(1)
    const g1 = grad(x1)
    const [u2, s2] = opt.update(g1, s1, x1)
    const [p, q] = g1.toArray() as number[]
    near(applyUpdates(x1, u2), f64([1 - lr * p!, -2 - lr * q!]), 1e-15)
    expect(s2.stepsSinceSync).toBe(0)
  })

  it('syncPeriod 3: two ascent steps (the adversarial optimizer keeps its state between them), then one outer step', () => {
    const opt = contrib.sam(sgd(lr), sgd(rho, { momentum: 0.5 }), { syncPeriod: 3 })
    const x0 = f64([1])
    const [u1, s1] = opt.update(f64([2]), opt.init(x0), x0)
    near(u1, f64([rho * 2]), 1e-15)
    const x1 = applyUpdates(x0, u1)
    const [u2, s2] = opt.update(f64([1]), s1, x1)
    near(u2, f64([rho * (1 + 0.5 * 2)]), 1e-15) // momentum trace 0.5·2 + 1
    const x2 = applyUpdates(x1, u2)
    const [u3, s3] = opt.update(f64([4]), s2, x2)
    near(applyUpdates(x2, u3), f64([1 - lr * 4]), 1e-15)
    // reset: the adversarial momentum starts again from 0
    const [u4] = opt.update(f64([2]), s3, applyUpdates(x2, u3))
    near(u4, f64([rho * 2]), 1e-15)
  })

  it('opaque mode does the ascent inside one call, with gradients from extra.gradFn', () => {
    const opt = make({ opaqueMode: true })
    const x0 = f64([1, -2])
    const g0 = grad(x0)
    const d = unit(g0.toArray() as number[])
    const xAdv = f64([1 + rho * d[0]!, -2 + rho * d[1]!])
    const [u, s] = opt.update(g0, opt.init(x0), x0, { gradFn: (p: ReturnType<typeof f64>) => grad(p) })
    const [p, q] = grad(xAdv).toArray() as number[]
    near(applyUpdates(x0, u), f64([1 - lr * p!, -2 - lr * q!]), 1e-15)
    expect(s.cache).toBeNull()
    expect(() => opt.update(g0, opt.init(x0), x0)).toThrow(/gradFn/)
  })

  it('converges on a quadratic (to within the ρ-neighbourhood SAM settles in)', () => {
    const opt = contrib.sam(adam(0.05), chain(contrib.normalize(), sgd(0.01)))
    let x = f64([1, -2])
    let s = opt.init(x)
    for (let t = 0; t < 600; t++) {
      const [u, next] = opt.update(grad(x), s, x)
      x = applyUpdates(x, u)
      s = next
    }
    expect(tree.norm(x)).toBeLessThan(0.05)
  })

  it('rejects invalid options', () => {
    expect(() => contrib.sam(sgd(0.1), sgd(0.1), { syncPeriod: 0 })).toThrow(/syncPeriod/)
    expect(() => contrib.sam(sgd(0.1), 3 as never)).toThrow(/advOptimizer/)
  })
})
