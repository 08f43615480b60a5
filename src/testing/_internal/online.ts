import fc from 'fast-check'
import { dot, norm, type Vec } from './linalg'
import { U, evaluation, magnitude, perStep } from './rounding'
import { type AnyTransformation, iterates } from './run'

/**
 * Online convex problems with linear losses f_t(x) = ⟨g_t, x⟩ on a ball or a box: the gradients do not depend on the
 * iterate, so the best fixed point in hindsight is known in closed form, and every regret bound of online learning
 * can be checked exactly. The gradient sequences include the adversarial ones: a fixed direction with alternating
 * signs, Reddi et al.'s (C, −1, −1) pattern, and random vectors.
 */
export interface OnlineProblem {
  readonly family: 'online'
  readonly pattern: 'random' | 'alternating' | 'reddi'
  readonly d: number
  readonly T: number
  /** g_1 … g_T. */
  readonly grads: readonly Vec[]
  readonly x1: Vec
  readonly domain:
    | { readonly kind: 'ball'; readonly radius: number }
    | { readonly kind: 'box'; readonly lower: number; readonly upper: number }
}

const labelled = <T extends object>(p: T, text: string): T =>
  Object.defineProperty(p, fc.toStringMethod, { value: () => text, enumerable: false })
const arr = (x: Vec) => `[${Array.from(x, (v) => v.toPrecision(6)).join(', ')}]`
const vec = (d: number) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d }).map((a) => Float64Array.from(a))

/** Linear online problems on the ball of radius r (kind 'ball') or the box [lower, upper]ᵈ (kind 'box'). */
export const linearOnline = (
  kind: 'ball' | 'box',
  options: { readonly maxT?: number; readonly reddiT?: readonly [number, number] } = {},
): fc.Arbitrary<OnlineProblem> => {
  const { maxT = 80 } = options
  return fc.integer({ min: 1, max: 4 }).chain((d) =>
    fc
      .record({
        pattern: fc.constantFrom('random' as const, 'alternating' as const, 'reddi' as const),
        T: fc.integer({ min: 1, max: maxT }),
        scale: fc.double({ min: -2, max: 2, noNaN: true }).map((e) => 10 ** e),
        C: fc.double({ min: 2.5, max: 10, noNaN: true }),
        direction: vec(d).filter((v) => norm(v) > 0.1),
        // not shrunk element by element: 80 vectors would make shrinking slow, and T already shrinks the sequence
        randoms: fc.noShrink(fc.array(vec(d), { minLength: maxT, maxLength: maxT })),
        size: fc.double({ min: -1, max: 1, noNaN: true }).map((e) => 10 ** e),
        center: fc.double({ min: -1, max: 1, noNaN: true }),
        start: vec(d),
      })
      .map(({ pattern, T, scale, C, direction, randoms, size, center, start }) => {
        const v = direction.map((x) => x / norm(direction))
        const grads = Array.from({ length: T }, (_, t) =>
          pattern === 'random'
            ? randoms[t]!.map((x) => scale * x)
            : pattern === 'alternating'
              ? v.map((x) => (t % 2 === 0 ? scale : -scale) * x)
              : v.map((x) => (t % 3 === 0 ? C * scale : -scale) * x),
        )
        const domain =
          kind === 'ball'
            ? ({ kind, radius: size } as const)
            : ({ kind, lower: center * size - size, upper: center * size + size } as const)
        const x1 =
          domain.kind === 'ball'
            ? start.map((x) => (x * domain.radius) / Math.max(1, norm(start)))
            : start.map((x) => center * size + x * size)
        const p = { family: 'online' as const, pattern, d, T, grads, x1, domain }
        const where = domain.kind === 'ball' ? `ball(r=${domain.radius})` : `box[${domain.lower}, ${domain.upper}]ᵈ`
        return labelled(p, `linearOnline(${pattern}, d=${d}, T=${T}, ${where}, x₁=${arr(x1)}, g₁=${arr(grads[0]!)})`)
      })
      // G = 0 (every loss constant) makes the step D/G undefined
      .filter((p) => p.grads.some((g) => norm(g) > 0)),
  )
}

/** Σ_t g_t: the gradient of the cumulative loss. */
export const gradSum = (p: OnlineProblem): Vec => {
  const s = new Float64Array(p.d)
  for (const g of p.grads) g.forEach((gi, i) => (s[i] = s[i]! + gi))
  return s
}

/** A minimiser of Σ_t⟨g_t, x⟩ over the domain, and its value. */
export function bestFixed(p: OnlineProblem): { readonly xStar: Vec; readonly value: number } {
  const S = gradSum(p)
  const dom = p.domain
  const xStar =
    dom.kind === 'ball'
      ? norm(S) > 0
        ? S.map((s) => (-dom.radius * s) / norm(S))
        : new Float64Array(p.d)
      : S.map((s) => (s > 0 ? dom.lower : s < 0 ? dom.upper : (dom.lower + dom.upper) / 2))
  return { xStar, value: dot(S, xStar) }
}

/** How far x lies outside the domain (0 inside). */
export const outside = (p: OnlineProblem, x: Vec): number =>
  p.domain.kind === 'ball'
    ? Math.max(0, norm(x) - p.domain.radius)
    : x.reduce(
        (m, xi) =>
          Math.max(m, (p.domain as { lower: number }).lower - xi, xi - (p.domain as { upper: number }).upper, 0),
        0,
      )

/** Euclidean and ℓ∞ diameters of the domain. */
export const diameters = (p: OnlineProblem): { readonly D: number; readonly Dinf: number } =>
  p.domain.kind === 'ball'
    ? { D: 2 * p.domain.radius, Dinf: 2 * p.domain.radius }
    : { D: Math.sqrt(p.d) * (p.domain.upper - p.domain.lower), Dinf: p.domain.upper - p.domain.lower }

/** The largest ‖g_t‖₂ and ‖g_t‖∞. */
export const gradBounds = (p: OnlineProblem): { readonly G: number; readonly Ginf: number } => ({
  G: Math.max(...p.grads.map(norm)),
  Ginf: Math.max(...p.grads.map((g) => g.reduce((m, x) => Math.max(m, Math.abs(x)), 0))),
})

/** What an online run measured. */
export interface OnlineRun {
  /** x_1 … x_T (the points the losses are evaluated at) and x_{T+1}. */
  readonly xs: readonly Vec[]
  readonly regret: number
  readonly xStar: Vec
  /** The largest distance of an iterate outside the domain, and at which step. */
  readonly worstOutside: readonly [distance: number, step: number]
  /** The rounding slack of the regret and of the domain test (see the theorems' `rounding`). */
  readonly regretSlack: number
  readonly domainSlack: number
  /** A bound on ‖x̃_t − x_t‖ for every t ≤ T + 1 (computed vs exact iterates). */
  readonly iterateError: number
}

/**
 * Runs `tx` on the online problem (params: one float64 tensor, x₁ given) and measures the regret
 * Σ_t⟨g_t, x_t⟩ − min_{x∈K} Σ_t⟨g_t, x⟩.
 *
 * Rounding: the losses are linear, so the gradients do not depend on the iterates and the projection is nonexpansive:
 * the computed iterate is off by E_t ≤ t·√d·δ with δ = perStep(d, M), where M bounds the iterates plus `stepBound`, the
 * largest coordinate of a step the theorem's optimizer takes before projection (the point x_t − step is computed too). The regret is then off by Σ_t ‖g_t‖·E_t plus the evaluation of
 * its d·T + d products. The projection leaves an iterate at most 4·√d·u·M outside the domain.
 */
export function runOnline(tx: AnyTransformation, p: OnlineProblem, stepBound: number): OnlineRun {
  const xs = iterates(tx, (_, t) => Float64Array.from(p.grads[t]!), p.x1, p.T)
  let loss = 0
  let termsAbs = 0
  let worst: [number, number] = [0, 0]
  xs.forEach((x, t) => {
    const o = outside(p, x)
    if (o > worst[0]) worst = [o, t]
    if (t < p.T) {
      loss += dot(p.grads[t]!, x)
      termsAbs += p.grads[t]!.reduce((s, g, i) => s + Math.abs(g * x[i]!), 0)
    }
  })
  const { xStar, value } = bestFixed(p)
  const M = magnitude(xs, xStar) + stepBound
  const delta = Math.sqrt(p.d) * perStep(p.d, M)
  const propagatedSum = p.grads.reduce((s, g, t) => s + norm(g) * t * delta, 0)
  const regretSlack = propagatedSum + evaluation(p.d * (p.T + 1), termsAbs + Math.abs(value) + 1e-300)
  return {
    xs,
    regret: loss - value,
    xStar,
    worstOutside: worst,
    regretSlack,
    domainSlack: 4 * Math.sqrt(p.d) * U * M,
    iterateError: (p.T + 1) * delta,
  }
}

/**
 * max_t‖x_t − x*‖_∞ over t ≤ T for the minimiser x* nearest the iterates: where Σ_t g_{t,i} = 0 every value of
 * coordinate i is a minimiser, and the midpoint of the iterates' range is taken.
 */
export function maxDistanceInf(p: OnlineProblem, run: OnlineRun): number {
  const S = gradSum(p)
  const pts = run.xs.slice(0, p.T)
  const xStar = run.xStar.map((x, i) => {
    if (S[i] !== 0) return x
    const c = pts.map((v) => v[i]!)
    return (Math.min(...c) + Math.max(...c)) / 2
  })
  return Math.max(...pts.map((x) => x.reduce((m, xi, i) => Math.max(m, Math.abs(xi - xStar[i]!)), 0)))
}
