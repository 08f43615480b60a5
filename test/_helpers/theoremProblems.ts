/**
 * The convergence theorems of gradient descent as properties of `sgd(η)` on random float64 problems, and their
 * problem generators. Run with hand-written gradients by test/laws/convergenceTheorems.test.ts and with gradients
 * from `grad` by test/laws/convergenceTheoremsGrad.test.ts. The optimizer only sees the gradients as a pytree
 * `{ x: float64 tensor }`.
 *
 * Floating point. Each bound gets a relative slack of 1e-9 and an absolute floor for rounding: the iterates live near
 * magnitude M = ‖x*‖∞ + ‖x₀ − x*‖∞ and every step rounds them by a few ulps of M, so after T steps they are only
 * known to δ = T·(n + 4)·u·(1 + M) per coordinate (u = 2⁻⁵³, the step's matrix–vector product has n terms).
 * For the quadratics, the computed A = Q·diag(λ)·Qᵀ has eigenvalues within ~n·u·L of λ (Weyl), so the contraction
 * factor of theorem (2) is taken as 1 − μ/L + 8(n + 1)·u.
 */
import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { type GradientTransformation, type Tensor, applyUpdates, sgd, tensor } from '../../src/index'

export const U = 2 ** -53
export type Vec = Float64Array
export type Problem = {
  readonly n: number
  readonly f: (x: Vec) => number
  readonly grad: (x: Vec) => Vec
}

const optimizer = (eta: number) => sgd(eta) as GradientTransformation<unknown>

/** Runs T steps of the optimizer from x₀ and returns x₀, x₁, …, x_T. */
export function iterates(tx: GradientTransformation<unknown>, problem: Problem, x0: Vec, T: number): Vec[] {
  let params: { readonly x: Tensor } = { x: tensor(x0, [x0.length], 'float64') }
  let state = tx.init(params)
  const xs: Vec[] = [params.x.dataSync() as Vec]
  for (let t = 0; t < T; t++) {
    const g = { x: tensor(problem.grad(params.x.data as Vec), [problem.n], 'float64') }
    const [u, next] = tx.update(g, state, params)
    params = applyUpdates(params, u)
    state = next
    expect(params.x.dtype).toBe('float64')
    xs.push(params.x.dataSync() as Vec)
  }
  return xs
}

// ---- small dense linear algebra in float64 ----------------------------------------------------------------------

export const dot = (a: Vec, b: Vec) => a.reduce((s, ai, i) => s + ai * b[i]!, 0)
export const sub = (a: Vec, b: Vec) => a.map((ai, i) => ai - b[i]!)
export const norm2 = (a: Vec) => dot(a, a)
export const normInf = (a: Vec) => a.reduce((m, ai) => Math.max(m, Math.abs(ai)), 0)
export const matVec = (A: readonly Vec[], x: Vec) => Float64Array.from(A, (row) => dot(row, x))

/**
 * A random orthogonal matrix: the product of the Householder reflections H = I − 2vvᵀ/‖v‖² of the given vectors
 * (vectors too short to normalise safely are skipped; no vector gives I).
 */
export function householderProduct(n: number, vs: readonly (readonly number[])[]): Vec[] {
  let Q = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))
  for (const v of vs) {
    const vv = v.reduce((s, x) => s + x * x, 0)
    if (vv < 1e-6) continue
    // Q·H = Q − 2(Qv)vᵀ/‖v‖²
    const Qv = Q.map((row) => row.reduce((s, q, j) => s + q * v[j]!, 0))
    Q = Q.map((row, i) => row.map((q, j) => q - (2 * Qv[i]! * v[j]!) / vv))
  }
  return Q
}

/** A = Q·diag(λ)·Qᵀ, computed on the upper triangle and mirrored so it is exactly symmetric. */
export function symmetricFromSpectrum(Q: readonly Vec[], lambda: readonly number[]): Vec[] {
  const n = lambda.length
  const A = Array.from({ length: n }, () => new Float64Array(n))
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let k = 0; k < n; k++) s += Q[i]![k]! * lambda[k]! * Q[j]![k]!
      A[i]![j] = s
      A[j]![i] = s
    }
  }
  return A
}

// ---- problem families ---------------------------------------------------------------------------------------

const vec = (n: number, bound: number) =>
  fc
    .array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a))
const unit = fc.double({ min: 0, max: 1, noNaN: true })

/**
 * Family (1)/(2): f(x) = ½(x − x*)ᵀA(x − x*), A = Q·diag(λ)·Qᵀ with λ_i = L·(m + (1 − m)·s_i), s_i ∈ [0, 1]
 * (0 and 1 included on purpose), so spectrum(A) ⊂ [μ, L] with μ = m·L. m = 0 gives the merely convex case.
 * ∇f(x) = A(x − x*), f* = f(x*) = 0, and f is L-smooth because ‖∇²f‖ = ‖A‖ = max λ_i ≤ L.
 */
export const quadraticArb = (options: { readonly stronglyConvex: boolean }) =>
  fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      reflections: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }), {
        maxLength: n,
      }),
      s: fc.array(fc.oneof(fc.constant(0), fc.constant(1), unit), { minLength: n, maxLength: n }),
      m: options.stronglyConvex
        ? fc.oneof(fc.constant(1), fc.double({ min: 1e-3, max: 1, noNaN: true }))
        : fc.constant(0),
      L: fc.double({ min: -3, max: 3, noNaN: true }).map((e) => 10 ** e),
      xStar: vec(n, 10),
      x0: vec(n, 10),
      stepFraction: fc.oneof(fc.constant(1), fc.double({ min: 1e-3, max: 1, noNaN: true })),
      T: fc.integer({ min: 1, max: 200 }),
    }),
  )

export type QuadraticCase = {
  readonly n: number
  readonly reflections: readonly (readonly number[])[]
  readonly s: readonly number[]
  readonly m: number
  readonly L: number
  readonly xStar: Vec
}

export function quadraticProblem(c: QuadraticCase): Problem & { readonly mu: number; readonly A: readonly Vec[] } {
  const lambda = c.s.map((si) => c.L * (c.m + (1 - c.m) * si))
  const A = symmetricFromSpectrum(householderProduct(c.n, c.reflections), lambda)
  return {
    n: c.n,
    mu: c.m * c.L,
    A,
    f: (x) => {
      const e = sub(x, c.xStar)
      return 0.5 * dot(e, matVec(A, e))
    },
    grad: (x) => matVec(A, sub(x, c.xStar)),
  }
}

/**
 * Family (3), non-convex: f(x) = Σ_i a_i·cos(w_iᵀx + b_i) + ½c‖x‖².
 *   ∇f(x) = −Σ_i a_i·sin(w_iᵀx + b_i)·w_i + c·x
 *   ∇²f(x) = −Σ_i a_i·cos(w_iᵀx + b_i)·w_i w_iᵀ + c·I,  so ‖∇²f(x)‖ ≤ Σ_i |a_i|·‖w_i‖² + c =: L
 * (‖w wᵀ‖ = ‖w‖², |cos| ≤ 1, triangle inequality), i.e. f is L-smooth. Since ½c‖x‖² ≥ 0 and cos ≥ −1,
 * f(x) ≥ −Σ_i |a_i| =: f_inf (the infimum when c = 0 and the phases can align; a lower bound in general).
 */
export const waveArb = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    terms: fc.array(
      fc.record({
        a: fc.double({ min: -3, max: 3, noNaN: true }),
        w: vec(n, 2),
        b: fc.double({ min: -4, max: 4, noNaN: true }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    c: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    x0: vec(n, 10),
    T: fc.integer({ min: 1, max: 200 }),
  }),
)

export type WaveCase = {
  readonly n: number
  readonly terms: readonly { a: number; w: Vec; b: number }[]
  readonly c: number
}

export type Wave = Problem & { readonly L: number; readonly fInf: number; readonly gradScale: (x: Vec) => number }

export function waveProblem(c: WaveCase): Wave {
  return {
    n: c.n,
    L: c.terms.reduce((s, { a, w }) => s + Math.abs(a) * norm2(w), 0) + c.c,
    fInf: -c.terms.reduce((s, { a }) => s + Math.abs(a), 0),
    f: (x) => c.terms.reduce((s, { a, w, b }) => s + a * Math.cos(dot(w, x) + b), 0) + 0.5 * c.c * norm2(x),
    grad: (x) => {
      const g = x.map((xi) => c.c * xi)
      for (const { a, w, b } of c.terms) {
        const k = -a * Math.sin(dot(w, x) + b)
        w.forEach((wj, j) => (g[j] = g[j]! + k * wj))
      }
      return g
    },
    // a bound on |∇f| entries, for the rounding floor
    gradScale: (x) => c.terms.reduce((s, { a, w }) => s + Math.abs(a) * Math.sqrt(norm2(w)), 0) + c.c * normInf(x),
  }
}

// ---- the theorems -------------------------------------------------------------------------------------------

/**
 * Where the optimizer's gradients come from: by default the hand-written ones above; the autodiff run passes
 * gradients of the same losses written with ops.
 */
export interface GradientSources {
  readonly quadratic: (A: readonly Vec[], xStar: Vec) => (x: Vec) => Vec
  readonly wave: (c: WaveCase) => (x: Vec) => Vec
}

/** Options of {@link convergenceTheorems}. */
export interface TheoremOptions {
  readonly numRuns: number
  readonly gradients?: GradientSources
}

/** Registers the theorems (1)–(4) as properties of `sgd(η)` under `title`. */
export function convergenceTheorems(title: string, options: TheoremOptions): void {
  const NUM_RUNS = options.numRuns
  const quadratic = (c: QuadraticCase) => {
    const q = quadraticProblem(c)
    return options.gradients === undefined ? q : { ...q, grad: options.gradients.quadratic(q.A, c.xStar) }
  }
  const wave = (c: WaveCase): Wave => {
    const w = waveProblem(c)
    return options.gradients === undefined ? w : { ...w, grad: options.gradients.wave(c) }
  }

  describe(title, () => {
    /**
     * (1) f convex and L-smooth, η ≤ 1/L:  f(x_T) − f* ≤ ‖x₀ − x*‖² / (2ηT).
     * Proof. Descent lemma (L-smoothness): f(y) ≤ f(x) + ⟨∇f(x), y − x⟩ + (L/2)‖y − x‖². With y = x − η∇f(x) and
     * ηL ≤ 1: f(x_{t+1}) ≤ f(x_t) − η(1 − Lη/2)‖∇f(x_t)‖² ≤ f(x_t) − (η/2)‖∇f(x_t)‖². Convexity gives
     * f(x_t) ≤ f* + ⟨∇f(x_t), x_t − x*⟩, so
     *   f(x_{t+1}) − f* ≤ ⟨∇f(x_t), x_t − x*⟩ − (η/2)‖∇f(x_t)‖² = (‖x_t − x*‖² − ‖x_{t+1} − x*‖²)/(2η)
     * (expand x_{t+1} − x* = x_t − x* − η∇f(x_t)). Summing over t < T telescopes to Σ_{t=1..T}(f(x_t) − f*) ≤
     * ‖x₀ − x*‖²/(2η), and f(x_t) is non-increasing, so T·(f(x_T) − f*) is at most that sum.
     */
    test.prop([quadraticArb({ stronglyConvex: false })], { numRuns: NUM_RUNS })(
      '(1) convex, L-smooth, η ≤ 1/L: f(x_T) − f* ≤ ‖x₀ − x*‖²/(2ηT)',
      (c) => {
        // Arrange
        const problem = quadratic(c)
        const eta = c.stepFraction / c.L
        // Act
        const xs = iterates(optimizer(eta), problem, c.x0, c.T)
        // Assert (f* = 0)
        const r0 = norm2(sub(c.x0, c.xStar))
        const delta = c.T * (c.n + 4) * U * (1 + normInf(c.xStar) + Math.sqrt(r0))
        const bound = r0 / (2 * eta * c.T)
        expect(problem.f(xs[c.T]!)).toBeLessThanOrEqual(bound * (1 + 1e-9) + 0.5 * c.L * c.n * delta ** 2)
      },
    )

    /**
     * (2) f μ-strongly convex and L-smooth, η = 1/L:  ‖x_T − x*‖² ≤ (1 − μ/L)^T ‖x₀ − x*‖².
     * Proof. Expand ‖x_{t+1} − x*‖² = ‖x_t − x*‖² − 2η⟨∇f(x_t), x_t − x*⟩ + η²‖∇f(x_t)‖². Strong convexity,
     * f* ≥ f(x_t) + ⟨∇f(x_t), x* − x_t⟩ + (μ/2)‖x_t − x*‖², bounds the middle term by
     * −2η(f(x_t) − f*) − ημ‖x_t − x*‖²; the descent lemma of (1), (η/2)‖∇f(x_t)‖² ≤ f(x_t) − f(x_{t+1}) ≤ f(x_t) − f*,
     * bounds the last by 2η(f(x_t) − f*). Hence ‖x_{t+1} − x*‖² ≤ (1 − ημ)‖x_t − x*‖² = (1 − μ/L)‖x_t − x*‖².
     * For these quadratics it is also visible directly: x_{t+1} − x* = (I − A/L)(x_t − x*), whose eigenvalues
     * 1 − λ_i/L lie in [0, 1 − μ/L].
     */
    test.prop([quadraticArb({ stronglyConvex: true })], { numRuns: NUM_RUNS })(
      '(2) μ-strongly convex, η = 1/L: ‖x_T − x*‖² ≤ (1 − μ/L)^T‖x₀ − x*‖²',
      (c) => {
        const problem = quadratic(c)
        const xs = iterates(optimizer(1 / c.L), problem, c.x0, c.T)
        const r0 = norm2(sub(c.x0, c.xStar))
        const q = Math.min(1, 1 - problem.mu / c.L + 8 * (c.n + 1) * U)
        const delta = c.T * (c.n + 4) * U * (1 + normInf(c.xStar) + Math.sqrt(r0))
        expect(norm2(sub(xs[c.T]!, c.xStar))).toBeLessThanOrEqual(q ** c.T * r0 * (1 + 1e-9) + c.n * delta ** 2)
      },
    )

    /**
     * (3) f L-smooth (not convex) and bounded below by f_inf, η = 1/L:
     *   min_{t<T} ‖∇f(x_t)‖² ≤ 2(f(x₀) − f_inf)/(ηT).
     * Proof. The descent lemma gives f(x_{t+1}) ≤ f(x_t) − (η/2)‖∇f(x_t)‖² for η ≤ 1/L. Summing over t < T:
     * (η/2)·Σ_{t<T}‖∇f(x_t)‖² ≤ f(x₀) − f(x_T) ≤ f(x₀) − f_inf, and the minimum is at most the mean.
     */
    test.prop([waveArb], { numRuns: NUM_RUNS })(
      '(3) non-convex, L-smooth, η = 1/L: min_{t<T} ‖∇f(x_t)‖² ≤ 2(f(x₀) − f_inf)/(ηT)',
      (c) => {
        const problem = wave(c)
        fc.pre(problem.L > 1e-6)
        const eta = 1 / problem.L
        const xs = iterates(optimizer(eta), problem, c.x0, c.T)
        const gradNorms = xs.slice(0, c.T).map((x) => norm2(problem.grad(x)))
        const bound = (2 * (problem.f(c.x0) - problem.fInf)) / (eta * c.T)
        const floor = c.n * (1e3 * U * (1 + problem.gradScale(c.x0) + problem.L * normInf(c.x0))) ** 2
        expect(Math.min(...gradNorms)).toBeLessThanOrEqual(bound * (1 + 1e-9) + floor)
      },
    )

    /**
     * (4) Monotonicity: for L-smooth f and η ≤ 1/L, f(x_{t+1}) ≤ f(x_t) − (η/2)‖∇f(x_t)‖² ≤ f(x_t) (descent lemma as
     * in (1) and (3)); checked up to the rounding of f itself, 1e-12·max(1, |f(x_t)|).
     */
    const neverIncreases = (problem: Problem, xs: readonly Vec[]) =>
      xs.slice(1).forEach((x, t) => {
        const before = problem.f(xs[t]!)
        expect(problem.f(x)).toBeLessThanOrEqual(before + 1e-12 * Math.max(1, Math.abs(before)))
      })

    test.prop([quadraticArb({ stronglyConvex: false })], { numRuns: NUM_RUNS })(
      '(4) the loss never increases (convex quadratics, η ≤ 1/L)',
      (c) => {
        const problem = quadratic(c)
        neverIncreases(problem, iterates(optimizer(c.stepFraction / c.L), problem, c.x0, c.T))
      },
    )

    test.prop([waveArb], { numRuns: NUM_RUNS })('(4) the loss never increases (non-convex waves, η = 1/L)', (c) => {
      const problem = wave(c)
      fc.pre(problem.L > 1e-6)
      neverIncreases(problem, iterates(optimizer(1 / problem.L), problem, c.x0, c.T))
    })
  })
}
