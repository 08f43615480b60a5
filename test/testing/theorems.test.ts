/**
 * The shipped theorems of descent-ts/testing, run against the optimizers they are about (≥ 200 problems each), and
 * against deliberately broken optimizers, which must fail with a readable counterexample.
 */
import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  adagrad,
  adam,
  amsgrad,
  chain,
  rmsprop,
  scaleByLearningRate,
  sgd,
  signSgd,
  stateless,
  tensor,
  tree,
} from '../../src/index'
import {
  type AnyTheorem,
  assertTheorem,
  fista,
  projectionBox,
  projectionL2Ball,
  theorems,
  verifyTheorem,
} from '../../src/testing/index'

const RUNS = Number(process.env.LAW_RUNS ?? 200)
const SEED = 20261121

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (k: any) => GradientTransformation<any>
const sq = Math.sqrt
const q = (k: { L: number; mu: number }) => (sq(k.L) - sq(k.mu)) / (sq(k.L) + sq(k.mu))

const rate = (alpha: number) => (c: number) => alpha / sq(c + 1)
/** x* of the chain function with 2k + 1 linked coordinates, shaped like the params. */
const chainXStar = (k: { k: number; d: number }): PyTree =>
  tensor(
    Float64Array.from({ length: k.d }, (_, i) => (i < 2 * k.k + 1 ? 1 - (i + 1) / (2 * k.k + 2) : 0)),
    [k.d],
    'float64',
  )

/** Each theorem, the optimizer it is about, and a slightly wrong one that must fail. */
const TABLE: readonly (readonly [AnyTheorem, string, Factory, string, Factory])[] = [
  [
    theorems.gdSmoothConvexTight,
    'sgd(h/L)',
    (k) => sgd(k.h / k.L),
    'sgd(0.5/L) against the h-bound',
    (k) => sgd(0.5 / k.L),
  ],
  [theorems.gdStronglyConvexContraction, 'sgd(γ)', (k) => sgd(k.gamma), 'sgd(−γ) (flipped sign)', (k) => sgd(-k.gamma)],
  [
    theorems.gdStronglyConvexRate,
    'sgd(2/(L+μ))',
    (k) => sgd(2 / (k.L + k.mu)),
    'sgd(−2/(L+μ)) (flipped sign)',
    (k) => sgd(-2 / (k.L + k.mu)),
  ],
  [
    theorems.nesterovConvex,
    'fista(1/L)',
    (k) => fista(1 / k.L),
    'constant momentum 0.5',
    (k) => sgd(1 / k.L, { momentum: 0.5, nesterov: true }),
  ],
  [
    theorems.nesterovStronglyConvex,
    'sgd(1/L, nesterov momentum (√L−√μ)/(√L+√μ))',
    (k) => sgd(1 / k.L, { momentum: q(k), nesterov: true }),
    'heavy-ball momentum instead of nesterov, β = 0.99',
    (k) => sgd(1 / k.L, { momentum: 0.99 }),
  ],
  [
    theorems.heavyBallQuadratic,
    'sgd(4/(√L+√μ)², { momentum: q² })',
    (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) ** 2 }),
    'momentum q instead of q²',
    (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) }),
  ],
  [theorems.gdNonconvex, 'sgd(h/L)', (k) => sgd(k.h / k.L), 'sgd(−h/L) (flipped sign)', (k) => sgd(-k.h / k.L)],
  [
    theorems.subgradientMethod,
    'sgd(R/(M√(n+1)))',
    (k) => sgd(k.R / (k.M * sq(k.n + 1))),
    'a ten times smaller step',
    (k) => sgd(k.R / (10 * k.M * sq(k.n + 1))),
  ],
  [
    theorems.onlineGradientDescent,
    'chain(sgd(D/(G√t)), projectionL2Ball(D/2))',
    (k) =>
      chain(
        sgd((c: number) => k.D / (k.G * sq(c + 1))),
        projectionL2Ball(k.radius),
      ),
    'a constant step 10·D/G',
    (k) => chain(sgd((10 * k.D) / k.G), projectionL2Ball(k.radius)),
  ],
  [
    theorems.adagradRegret,
    'chain(adagrad(η, { initialAccumulatorValue: δ², eps: 0 }), projectionBox)',
    (k) => chain(adagrad(k.eta, { initialAccumulatorValue: k.delta ** 2, eps: 0 }), projectionBox(k.lower, k.upper)),
    'the accumulated Σg² replaced by the current g² (sign descent)',
    (k) => chain(signSgd(k.eta), projectionBox(k.lower, k.upper)),
  ],
  [
    theorems.nesterovLowerBound,
    'sgd(1/L)',
    (k) => sgd(1 / k.L),
    'a cheating optimizer that knows x*',
    (k) => stateless((_g, params) => tree.sub(chainXStar(k), params as PyTree) as typeof _g),
  ],
  [
    theorems.amsgradRegret,
    'chain(amsgrad(α/√t, { b1: 0, b2, eps }), projectionBox)',
    (k) => chain(amsgrad(rate(k.alpha), { b1: 0, b2: k.b2, eps: k.eps }), projectionBox(k.lower, k.upper)),
    'adam (β₁ = 0): Reddi et al.’s counterexample',
    (k) => chain(adam(rate(k.alpha), { b1: 0, b2: k.b2, eps: k.eps }), projectionBox(k.lower, k.upper)),
  ],
  [
    theorems.heavyBallStronglyConvex,
    'sgd(h/L, { momentum: √((1 − hμ/L)(1 − h)) })',
    (k) => sgd(k.h / k.L, { momentum: sq((1 - (k.h * k.mu) / k.L) * (1 - k.h)) }),
    'Polyak’s quadratic tuning (Lessard et al.’s 3-cycle)',
    (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) ** 2 }),
  ],
]

describe.each(TABLE.map((r) => [r[0].name, ...r] as const))('%s', (_, theorem, good, optimizer, bad, broken) => {
  it(`holds for ${good} (${RUNS} problems)`, () => {
    const report = assertTheorem(theorem, optimizer, { numRuns: RUNS, seed: SEED })
    expect(report.tightest).toBeLessThanOrEqual(1)
  })
  it(`fails for ${bad}, with a readable counterexample`, () => {
    const result = verifyTheorem(theorem, broken, { numRuns: RUNS, seed: SEED })
    expect(result._tag).toBe('Left')
    if (result._tag === 'Left') {
      expect(result.left.message).toContain(theorem.name)
      expect(result.left.message).toMatch(/at step \d+: .* = /)
      expect(result.left.message).toMatch(/must be [≤≥] bound/)
      expect(result.left.message).toContain('problem: ')
      expect(result.left.check?.holds).toBe(false)
    }
  })
})

describe('nesterovLowerBound holds for every zero-respecting optimizer made of descent’s elementwise transforms', () => {
  const ZERO_RESPECTING: readonly (readonly [string, Factory])[] = [
    ['sgd(1/L, { momentum: 0.9, nesterov: true })', (k) => sgd(1 / k.L, { momentum: 0.9, nesterov: true })],
    ['fista(1/L)', (k) => fista(1 / k.L)],
    ['adam(0.1)', () => adam(0.1)],
    ['adagrad(0.5)', () => adagrad(0.5)],
    ['rmsprop(0.01, { momentum: 0.5 })', () => rmsprop(0.01, { momentum: 0.5 })],
    ['signSgd(0.1)', () => signSgd(0.1)],
    ['amsgrad(0.1)', () => amsgrad(0.1)],
  ]
  it.each(ZERO_RESPECTING)(`%s (${RUNS} problems)`, (_, optimizer) => {
    assertTheorem(theorems.nesterovLowerBound, optimizer, { numRuns: RUNS, seed: SEED })
  })
})

describe('the counterexamples name what broke', () => {
  /** AMSGrad (β₁ = 0) with its running max v̂_t = max(v̂_{t−1}, v_t) replaced by the current (bias-corrected) v_t. */
  const amsgradWithoutMax = (b2: number, eps: number): GradientTransformation<{ count: number; nu: PyTree }> => ({
    init: (params) => ({ count: 0, nu: tree.zerosLike(params) }),
    update: (g, state) => {
      const count = state.count + 1
      const nu = tree.mapElementwise((gi, v) => b2 * v + (1 - b2) * gi * gi, g, state.nu as typeof g)
      const u = tree.mapElementwise((gi, v) => gi / (sq(v / (1 - b2 ** count)) + eps), g, nu)
      return [u, { count, nu }] as const
    },
  })

  it('amsgradRegret fails for AMSGrad with the max replaced by the current ν, on Reddi et al.’s instance', () => {
    const r = verifyTheorem(
      theorems.amsgradRegret,
      (k) => chain(amsgradWithoutMax(k.b2, k.eps), scaleByLearningRate(rate(k.alpha)), projectionBox(k.lower, k.upper)),
      { numRuns: RUNS, seed: SEED },
    )
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') {
      expect(r.left.problem).toMatch(/^\{"online":reddi\(C=/)
      expect(r.left.check?.quantity).toBe('Regret_T')
      expect(r.left.check!.observed).toBeGreaterThan(r.left.check!.bound)
    }
  })

  it('onlineGradientDescent fails for OGD without the projection: an iterate leaves K', () => {
    const r = verifyTheorem(theorems.onlineGradientDescent, (k) => sgd((c: number) => k.D / (k.G * sq(c + 1))), {
      numRuns: RUNS,
      seed: SEED,
    })
    expect(r._tag === 'Left' && r.left.message).toMatch(/distance of x_t outside K = /)
  })

  it('heavyBallStronglyConvex: Polyak’s tuning ends on Lessard et al.’s 3-cycle {−1.8024, 2.1159, 0.6465}', () => {
    const r = verifyTheorem(
      theorems.heavyBallStronglyConvex,
      (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) ** 2 }),
      { numRuns: RUNS, seed: SEED },
    )
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') {
      const { check } = r.left
      expect(check!.observed / check!.bound).toBeGreaterThan(1)
      expect(r.left.problem).toMatch(/^lessard\(/)
    }
    // the cycle itself, on the unscaled function from x₀ = 3.2 (α = 1/9, β = 4/9)
    const dphi = (y: number) => (y < 1 ? 25 * y : y < 2 ? y + 24 : 25 * y - 24)
    const tx = sgd(1 / 9, { momentum: 4 / 9 })
    let x = tensor([3.2], 'float64')
    let state = tx.init(x)
    const last: number[] = []
    for (let t = 0; t < 600; t++) {
      const [u, next] = tx.update(tensor([dphi(x.item())], 'float64'), state, x)
      x = tensor([x.item() + u.item()], 'float64')
      state = next
      if (t >= 597) last.push(x.item())
    }
    const cycle = [...last].sort((a, b) => a - b)
    expect(cycle[0]).toBeCloseTo(-1.8024, 3)
    expect(cycle[1]).toBeCloseTo(0.6465, 3)
    expect(cycle[2]).toBeCloseTo(2.1159, 3)
  })
})
