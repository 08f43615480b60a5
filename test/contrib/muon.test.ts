import { describe, expect, it } from 'vitest'
import { adamw, contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const [A, B, C] = [3.4445, -4.775, 2.0315]
/** The Newton–Schulz polynomial on one singular value, applied `k` times: what NS does to U·diag(s)·Vᵀ. */
const ns = (s: number, k = 5): number => {
  let x = s
  for (let i = 0; i < k; i++) x = A * x + B * x ** 3 + C * x ** 5
  return x
}
/**
 * The singular values after Muon's first Nesterov step on diag(s₁, s₂) with the defaults (β = 0.95, ε = 1e-8):
 * m̂ = β·(1−β)g/(1−β²) + (1−β)g/(1−β) = k·g with k = β/(1+β) + 1, then X₀ = m̂/(‖m̂‖_F + ε).
 */
const nesterovFirstStep = (s1: number, s2: number): readonly [number, number] => {
  const k = 0.95 / 1.95 + 1
  const n = k * Math.hypot(s1, s2) + 1e-8
  return [ns((k * s1) / n), ns((k * s2) / n)]
}
const rot = (a: number): number[][] => [
  [Math.cos(a), -Math.sin(a)],
  [Math.sin(a), Math.cos(a)],
]
const mm = (x: number[][], y: number[][]): number[][] =>
  x.map((r) => y[0]!.map((_, j) => r.reduce((s, v, k) => s + v * y[k]![j]!, 0)))
const tr = (x: number[][]): number[][] => x[0]!.map((_, j) => x.map((r) => r[j]!))

describe('scaleByMuon', () => {
  it('first step without Nesterov: U·p⁵(S/‖S‖)·Vᵀ, the NS polynomial on the singular values (float64)', () => {
    // g = U·diag(2, 1)·Vᵀ with rotations U, V; m̂₁ = g; X₀ = g/‖g‖_F, ‖g‖_F = √5.
    const U = rot(0.3)
    const V = rot(-1.1)
    const g = mm(
      mm(U, [
        [2, 0],
        [0, 1],
      ]),
      tr(V),
    )
    const tx = contrib.scaleByMuon({ nesterov: false, eps: 0 })
    const [u, s] = tx.update({ w: tensor(g, 'float64') }, tx.init({ w: tensor(g, 'float64') }))
    const expected = mm(
      mm(U, [
        [ns(2 / Math.sqrt(5)), 0],
        [0, ns(1 / Math.sqrt(5))],
      ]),
      tr(V),
    )
    near(u, { w: tensor(expected, 'float64') }, 1e-12)
    expect(s.count).toBe(1)
    near(
      s.mu,
      {
        w: tensor(
          g.map((r) => r.map((x) => 0.05 * x)),
          'float64',
        ),
      },
      1e-15,
    )
  })

  it('a tall matrix is orthogonalised through its transpose; the shape factor √(cols/rows) belongs to muon (optax 2edbcbe)', () => {
    const tall = [[1.5], [0], [0]] // rank one: X₀ = e₁, singular value 1
    const wide = [
      [0.5, 0, 0],
      [0, 0.25, 0],
    ]
    const tx = contrib.scaleByMuon({ nesterov: false, eps: 0 })
    const g = { tall: tensor(tall, 'float64'), wide: tensor(wide, 'float64') }
    const [u] = tx.update(g, tx.init(g))
    const n = Math.hypot(0.5, 0.25)
    near(
      u,
      {
        tall: tensor([[ns(1)], [0], [0]], 'float64'),
        wide: tensor(
          [
            [ns(0.5 / n), 0, 0],
            [0, ns(0.25 / n), 0],
          ],
          'float64',
        ),
      },
      1e-12,
    )
    // contrib.muon (learning rate 1) scales by √max(1, fan_out/fan_in): 1 for the 3×1, √(3/2) for the 2×3.
    const [um] = contrib.muon(1, { nesterov: false, eps: 0 }).update(g, contrib.muon(1).init(g), g)
    near(
      um,
      {
        tall: tensor([[-ns(1)], [0], [0]], 'float64'),
        wide: tensor(
          [
            [-Math.sqrt(1.5) * ns(0.5 / n), 0, 0],
            [0, -Math.sqrt(1.5) * ns(0.25 / n), 0],
          ],
          'float64',
        ),
      },
      1e-12,
    )
  })

  it('Nesterov (the default): m̂ = β·m/(1−β^{t+1}) + (1−β)·g/(1−β^t) before NS, over two steps', () => {
    const beta = 0.5
    const tx = contrib.scaleByMuon({ beta, eps: 0, nsSteps: 1 })
    const g1 = [[4]] // 1×1: NS on a scalar x/|x| = sign, so compare a different statistic: the sign and p(1)
    const g2 = [[-1]]
    const s0 = tx.init({ w: tensor(g1, 'float64') })
    const [, s1] = tx.update({ w: tensor(g1, 'float64') }, s0)
    const [u2, s2] = tx.update({ w: tensor(g2, 'float64') }, s1)
    // m₁ = 0.5·4 = 2, m₂ = 0.5·2 + 0.5·(−1) = 0.5; m̂₂ = 0.5·0.5/(1−0.125) + 0.5·(−1)/(1−0.25) = 2/7 − 2/3 < 0.
    expect((s2.mu as { w: ReturnType<typeof tensor> }).w.item()).toBeCloseTo(0.5, 15)
    expect(u2.w.item()).toBeCloseTo(-ns(1, 1), 12)
  })

  it('adaptive scales by ⟨m̂, O⟩_F', () => {
    const g = [
      [2, 0],
      [0, 1],
    ]
    const tx = contrib.scaleByMuon({ nesterov: false, eps: 0, adaptive: true })
    const [u] = tx.update({ w: tensor(g, 'float64') }, tx.init({ w: tensor(g, 'float64') }))
    const o1 = ns(2 / Math.sqrt(5))
    const o2 = ns(1 / Math.sqrt(5))
    const dot = 2 * o1 + o2
    near(
      u,
      {
        w: tensor(
          [
            [dot * o1, 0],
            [0, dot * o2],
          ],
          'float64',
        ),
      },
      1e-12,
    )
  })

  it('a leaf that is not a matrix throws, naming its path and muon', () => {
    const tx = contrib.scaleByMuon()
    const g = { layer: { b: tensor([1, 2]) } }
    expect(() => tx.update(g, tx.init(g))).toThrow(/updates\.layer\.b is shape \[2\], not a matrix.*contrib\.muon/)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => contrib.scaleByMuon({ beta: 1 })).toThrow('scaleByMuon options.beta must be in [0, 1); got 1')
    expect(() => contrib.scaleByMuon({ nsSteps: 0 })).toThrow(/nsSteps/)
    expect(() => contrib.scaleByMuon({ nsCoeffs: [1, 2] as never })).toThrow(/nsCoeffs/)
  })

  it('a list of coefficient triples runs one step per triple', () => {
    const tx = contrib.scaleByMuon({
      nesterov: false,
      eps: 0,
      nsCoeffs: [
        [2, 0, 0],
        [1, -0.5, 0],
      ],
    })
    const g = { w: tensor([[0.3]], 'float64') }
    const [u] = tx.update(g, tx.init(g))
    // x₀ = 1 → 2 → 2 − 0.5·8 = −2
    expect(u.w.item()).toBeCloseTo(-2, 12)
  })
})

describe('muon', () => {
  it('sends matrices to Muon and every other leaf to AdamW with the same learning rate', () => {
    const params = {
      W: tensor(
        [
          [1, 2],
          [3, 4],
        ],
        'float64',
      ),
      b: tensor([1, -1], 'float64'),
      s: 2,
    }
    const g = {
      W: tensor(
        [
          [2, 0],
          [0, 1],
        ],
        'float64',
      ),
      b: tensor([0.5, -3], 'float64'),
      s: 0.25,
    }
    const opt = contrib.muon(0.1)
    const [u] = opt.update(g, opt.init(params), params)
    const ref = adamw(0.1, { weightDecay: 0, nesterov: true })
    const [ua] = ref.update({ b: g.b, s: g.s }, ref.init({ b: params.b, s: params.s }), { b: params.b, s: params.s })
    near({ b: u.b, s: u.s }, ua, 1e-15)
    // Nesterov at step 1: m̂ = β·(1−β)g/(1−β²) + (1−β)g/(1−β) = g·(β/(1+β) + 1), a positive multiple of g.
    const [o1, o2] = nesterovFirstStep(2, 1)
    near(
      u.W,
      tensor(
        [
          [-0.1 * o1, 0],
          [0, -0.1 * o2],
        ],
        'float64',
      ),
      1e-12,
    )
  })

  it('weight decay applies to the matrices: −α·(O + λ·W)', () => {
    const params = {
      W: tensor(
        [
          [1, 0],
          [0, 1],
        ],
        'float64',
      ),
    }
    const g = {
      W: tensor(
        [
          [2, 0],
          [0, 1],
        ],
        'float64',
      ),
    }
    const opt = contrib.muon(0.1, { weightDecay: 0.5 })
    const [u] = opt.update(g, opt.init(params), params)
    const [o1, o2] = nesterovFirstStep(2, 1)
    near(
      u.W,
      tensor(
        [
          [-0.1 * (o1 + 0.5), 0],
          [0, -0.1 * (o2 + 0.5)],
        ],
        'float64',
      ),
      1e-12,
    )
  })

  it('converges on ½‖W − T‖² + ½‖b‖² with a decaying learning rate', () => {
    const T = tensor(
      [
        [1, -2, 0.5],
        [0.3, 1, -1],
      ],
      'float64',
    )
    const params = {
      W: tensor(
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
        'float64',
      ),
      b: tensor([1, -1], 'float64'),
    }
    const grad = (p: typeof params) => ({ W: tree.sub(p.W, T), b: p.b })
    const opt = contrib.muon((t) => 0.2 / (1 + 0.05 * t))
    const { params: out } = runSteps(opt, params, (p) => grad(p as typeof params), 400)
    const o = out as typeof params
    expect(tree.norm(tree.sub(o.W, T))).toBeLessThan(0.05)
    expect(tree.norm(o.b)).toBeLessThan(0.05)
  })
})
