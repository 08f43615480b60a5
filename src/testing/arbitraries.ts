/**
 * fast-check arbitraries for testing optimizers: tensors and pytrees (small, well conditioned, with `null` subtrees
 * and number leaves), and problem families with known constants (quadratics with a chosen spectrum, Huber worst
 * cases, logistic regression, Nesterov's chain function, non-convex waves, Lipschitz nonsmooth functions).
 *
 * Values are kept well conditioned by default (finite, |x| ≤ 100, no subnormals) so that properties can use ordinary
 * float tolerances; pass `min`/`max` to widen them. Trees are small (depth ≤ 3, ≤ 3 children per node).
 */
import fc from 'fast-check'
import { type DType, type Tensor, isTensor, tensor as makeTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { Leaf, MaskTree, PyTree } from '../core/types'
import { dot, householderProduct, matVec, norm, norm2, sub, symmetricFromSpectrum } from './_internal/linalg'

/**
 * Options of the value arbitraries.
 * @category testing
 * @since 0.2.0
 */
export interface ValueOptions {
  /** Smallest value. @defaultValue -100 */
  readonly min?: number
  /** Largest value. @defaultValue 100 */
  readonly max?: number
}

/**
 * Options of {@link tensor}.
 * @category testing
 * @since 0.2.0
 */
export interface TensorOptions extends ValueOptions {
  /** The dtype, or `'any'` for either. @defaultValue 'any' */
  readonly dtype?: DType | 'any'
  /** A fixed shape; otherwise one from {@link shape}. */
  readonly shape?: readonly number[]
  /** Largest rank of a generated shape. @defaultValue 2 */
  readonly maxRank?: number
  /** Largest dimension of a generated shape. @defaultValue 3 */
  readonly maxDim?: number
  /** Smallest dimension of a generated shape (0 allows empty tensors). @defaultValue 1 */
  readonly minDim?: number
}

/**
 * Options of {@link pyTree}.
 * @category testing
 * @since 0.2.0
 */
export interface PyTreeOptions extends TensorOptions {
  /** Largest nesting depth of nodes. @defaultValue 3 */
  readonly maxDepth?: number
  /** Largest number of children per array or object node. @defaultValue 3 */
  readonly maxChildren?: number
  /** Whether `null` subtrees may appear. @defaultValue true */
  readonly withNull?: boolean
  /** Whether JS number leaves may appear. @defaultValue true */
  readonly withNumbers?: boolean
  /** Whether tensor leaves may appear. @defaultValue true */
  readonly withTensors?: boolean
}

/**
 * Keys used for object nodes: identifiers plus one that needs quoting in a key path.
 * @example
 * import { arbitraries } from 'descent-ts/testing'
 *
 * assert.ok(arbitraries.treeKeys.includes('layer 1'))
 * @category testing
 * @since 0.2.0
 */
export const treeKeys = ['a', 'b', 'c', 'w', 'bias', 'layer 1'] as const

// Tiny magnitudes are flushed to zero: subnormals lose relative precision under scaling and would need special
// tolerances.
const flush = (x: number): number => (Math.abs(x) < 1e-20 ? 0 : x)

/**
 * A float64 value in `[min, max]` (finite, no NaN, no subnormals).
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.float64({ min: -1, max: 1 }), (x) => Math.abs(x) <= 1))
 * @category testing
 * @since 0.2.0
 */
export const float64 = (options: ValueOptions = {}): fc.Arbitrary<number> => {
  const { min = -100, max = 100 } = options
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map(flush)
}

/**
 * A value exactly representable in float32, in `[fround(min), fround(max)]` (finite, no NaN, no subnormals).
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.float32(), (x) => Math.fround(x) === x))
 * @category testing
 * @since 0.2.0
 */
export const float32 = (options: ValueOptions = {}): fc.Arbitrary<number> => {
  const { min = -100, max = 100 } = options
  return fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true }).map(flush)
}

/**
 * A float of the given dtype.
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.float('float32'), (x) => Math.fround(x) === x))
 * @category testing
 * @since 0.2.0
 */
export const float = (dtype: DType, options: ValueOptions = {}): fc.Arbitrary<number> =>
  dtype === 'float32' ? float32(options) : float64(options)

/**
 * A shape of rank 0..maxRank with dimensions in [minDim, maxDim].
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.shape({ maxRank: 2 }), (s) => s.length <= 2))
 * @category testing
 * @since 0.2.0
 */
export const shape = (
  options: { readonly maxRank?: number; readonly maxDim?: number; readonly minDim?: number } = {},
): fc.Arbitrary<number[]> => {
  const { maxRank = 2, maxDim = 3, minDim = 1 } = options
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { maxLength: maxRank })
}

/**
 * Either dtype.
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.dtype, (d) => d === 'float32' || d === 'float64'))
 * @category testing
 * @since 0.2.0
 */
export const dtype: fc.Arbitrary<DType> = fc.constantFrom<DType>('float32', 'float64')

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/**
 * A tensor of a fixed shape and dtype.
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.tensorOf([2, 3], 'float64'), (t) => t.size === 6 && t.dtype === 'float64'))
 * @category testing
 * @since 0.2.0
 */
export const tensorOf = (shape: readonly number[], dtype: DType, options: ValueOptions = {}): fc.Arbitrary<Tensor> => {
  const n = sizeOf(shape)
  return fc.array(float(dtype, options), { minLength: n, maxLength: n }).map((xs) => makeTensor(xs, shape, dtype))
}

/**
 * A small tensor: float32 or float64 (see `dtype`), rank 0–2, values in [min, max].
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.tensor({ dtype: 'float32' }), (t) => t.dtype === 'float32'))
 * @category testing
 * @since 0.2.0
 */
export const tensor = (options: TensorOptions = {}): fc.Arbitrary<Tensor> => {
  const { dtype: dt = 'any', shape: fixed } = options
  const dtypes = dt === 'any' ? dtype : fc.constant(dt)
  const shapes = fixed === undefined ? shape(options) : fc.constant([...fixed])
  return fc.tuple(shapes, dtypes).chain(([s, d]) => tensorOf(s, d, options))
}

/**
 * A leaf: a JS number (float64) or a small tensor.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.leaf(), (l) => tree.isLeaf(l)))
 * @category testing
 * @since 0.2.0
 */
export const leaf = (options: PyTreeOptions = {}): fc.Arbitrary<Leaf> => {
  const { withNumbers = true, withTensors = true } = options
  const arbs: fc.Arbitrary<Leaf>[] = []
  if (withNumbers) arbs.push(float64(options))
  if (withTensors) arbs.push(tensor(options))
  if (arbs.length === 0) throw new Error('leaf: allow numbers or tensors')
  return fc.oneof(...arbs)
}

/**
 * A small arbitrary pytree: leaves are numbers and float32/float64 tensors, nodes are arrays and plain objects
 * (keys from {@link treeKeys}), and `null` empty subtrees appear anywhere.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.pyTree(), (t) => tree.allFinite(t)))
 * @category testing
 * @since 0.2.0
 */
export const pyTree = (options: PyTreeOptions = {}): fc.Arbitrary<PyTree> => {
  const { maxDepth = 3, maxChildren = 3, withNull = true } = options
  const leafArb = leaf(options)
  const key = fc.constantFrom(...treeKeys)
  const { tree: anyTree, node } = fc.letrec<{ tree: PyTree; node: PyTree }>((tie) => ({
    tree: fc.oneof(
      { maxDepth, depthIdentifier: 'pytree', withCrossShrink: true },
      { arbitrary: leafArb, weight: 2 },
      ...(withNull ? [{ arbitrary: fc.constant(null) as fc.Arbitrary<PyTree>, weight: 1 }] : []),
      { arbitrary: tie('node'), weight: 4 },
    ),
    node: fc.oneof(
      fc.array(tie('tree'), { maxLength: maxChildren, size: 'max' }),
      fc.dictionary(key, tie('tree'), { maxKeys: maxChildren, size: 'max', noNullPrototype: true }),
    ),
  }))
  // The root is most of the time a node with at least one leaf, so that most cases have several leaves; the rest
  // (a quarter) covers bare leaves, null and empty nodes.
  const rich = node.filter((t) => tree.leaves(t).length > 0)
  return fc.oneof({ arbitrary: anyTree, weight: 1 }, { arbitrary: rich, weight: 3 })
}

/**
 * A tree with the structure of `t` and, at every leaf, a fresh value of the same kind: a number for a number, a
 * tensor of the same shape and dtype for a tensor.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.treeLike({ a: 1, b: [2] }), (t) => tree.equalStructure(t, { a: 1, b: [2] })))
 * @category testing
 * @since 0.2.0
 */
export const treeLike = <T extends PyTree>(t: T, options: ValueOptions = {}): fc.Arbitrary<T> => {
  const [ls, def] = tree.flatten(t)
  const arbs = ls.map((l) => (isTensor(l) ? tensorOf(l.shape, l.dtype, options) : float64(options)))
  return fc.tuple(...arbs).map((newLeaves) => tree.unflatten(def, newLeaves as Leaf[]) as T)
}

/**
 * `n` trees with one structure, the same shapes and dtypes at every leaf.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.treeTuple(3), (ts) => ts.length === 3 && tree.equalStructure(ts[0]!, ts[2]!)))
 * @category testing
 * @since 0.2.0
 */
export const treeTuple = (n: number, options: PyTreeOptions = {}): fc.Arbitrary<PyTree[]> =>
  pyTree(options).chain((t) => fc.array(treeLike(t, options), { minLength: n, maxLength: n }))

/**
 * Two trees of the same structure, shapes and dtypes.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.treePair(), ([a, b]) => tree.equalStructure(a, b)))
 * @category testing
 * @since 0.2.0
 */
export const treePair = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, PyTree]> =>
  treeTuple(2, options).map(([a, b]) => [a!, b!] as const)

/**
 * Three trees of the same structure, shapes and dtypes.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.treeTriple(), ([a, , c]) => tree.equalStructure(a, c)))
 * @category testing
 * @since 0.2.0
 */
export const treeTriple = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, PyTree, PyTree]> =>
  treeTuple(3, options).map(([a, b, c]) => [a!, b!, c!] as const)

/**
 * A mask that is a prefix of `t`'s structure: at each node either one boolean for the whole subtree or a node of
 * masks; `null` subtrees stay `null` (or take a boolean).
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.prefixMask({ a: 1, b: [2, 3] }), (m) => typeof m === 'boolean' || typeof m === 'object'))
 * @category testing
 * @since 0.2.0
 */
export const prefixMask = (t: PyTree): fc.Arbitrary<MaskTree> => {
  const go = (x: PyTree): fc.Arbitrary<MaskTree> => {
    if (x === null || tree.isLeaf(x)) return fc.boolean()
    const inner: fc.Arbitrary<MaskTree> = Array.isArray(x)
      ? fc.tuple(...(x as readonly PyTree[]).map(go)).map((ms) => ms as MaskTree)
      : fc
          .tuple(...Object.keys(x).map((k) => go((x as Record<string, PyTree>)[k]!).map((m) => [k, m] as const)))
          .map((entries) => Object.fromEntries(entries) as MaskTree)
    return fc.oneof(fc.boolean(), inner)
  }
  return go(t)
}

/**
 * A tree together with a prefix mask of it.
 * @example
 * import * as fc from 'fast-check'
 * import { tree } from 'descent-ts'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.treeWithMask(), ([t, m]) => tree.where(m, t, t) !== undefined))
 * @category testing
 * @since 0.2.0
 */
export const treeWithMask = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, MaskTree]> =>
  pyTree(options).chain((t) => prefixMask(t).map((m) => [t, m] as const))

// ---- problem families with known constants (float64) ----------------------------------------------------------

/**
 * A smooth problem with known constants: f, its gradient, its smoothness L (‖∇²f‖ ≤ L), strong convexity μ (0 when
 * merely convex, NaN when not convex), a minimiser x* with value f* where known, and a start x₀.
 * @category testing
 * @since 0.2.0
 */
export interface SmoothProblem {
  /** A short name of the family (`'quadratic'`, `'huber'`, …). */
  readonly family: string
  /** Dimension d. */
  readonly d: number
  readonly L: number
  readonly mu: number
  /** A minimiser, or `undefined` where none is known in closed form. */
  readonly xStar: Float64Array | undefined
  /** f(x*), or a lower bound of f where no minimiser is known (`-Infinity` when none is known either). */
  readonly fStar: number
  readonly x0: Float64Array
  readonly f: (x: Float64Array) => number
  readonly grad: (x: Float64Array) => Float64Array
}

const vec = (d: number, bound: number) =>
  fc
    .array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: d, maxLength: d })
    .map((a) => Float64Array.from(a))
const unit = fc.double({ min: 0, max: 1, noNaN: true })
const logUniform = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map((e) => 10 ** e)
const arr = (x: Float64Array) => `[${Array.from(x, (v) => v.toPrecision(6)).join(', ')}]`
const labelled = <T extends object>(p: T, text: string): T =>
  Object.defineProperty(p, fc.toStringMethod, { value: () => text, enumerable: false })

/**
 * Options of {@link quadratic}.
 * @category testing
 * @since 0.2.0
 */
export interface QuadraticOptions {
  /** Whether μ > 0 (otherwise μ = 0: merely convex). @defaultValue false */
  readonly stronglyConvex?: boolean
  /** Largest dimension. @defaultValue 6 */
  readonly maxDim?: number
}

/**
 * Random quadratics with a chosen spectrum: f(x) = ½(x − x*)ᵀA(x − x*), A = Q·diag(λ)·Qᵀ with Q a product of random
 * Householder reflections and λᵢ = L·(m + (1 − m)·sᵢ), sᵢ ∈ [0, 1] (0 and 1 drawn on purpose), so spectrum(A) ⊂
 * [μ, L] with μ = m·L; L is log-uniform in [1e-3, 1e3], x* and x₀ in [−10, 10]ᵈ.
 * ```text
 * ∇f(x) = A(x − x*),  f* = 0,  ‖∇²f‖ = max λᵢ ≤ L,  ∇²f ⪰ μI
 * ```
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.quadratic({ stronglyConvex: true }), (p) => p.mu > 0 && p.f(p.xStar!) === 0))
 * @category testing
 * @since 0.2.0
 */
export const quadratic = (
  options: QuadraticOptions = {},
): fc.Arbitrary<SmoothProblem & { readonly A: readonly Float64Array[] }> => {
  const { stronglyConvex = false, maxDim = 6 } = options
  return fc.integer({ min: 1, max: maxDim }).chain((d) =>
    fc
      .record({
        reflections: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d }), {
          maxLength: d,
        }),
        s: fc.array(fc.oneof(fc.constant(0), fc.constant(1), unit), { minLength: d, maxLength: d }),
        m: stronglyConvex ? fc.oneof(fc.constant(1), fc.double({ min: 1e-3, max: 1, noNaN: true })) : fc.constant(0),
        L: logUniform(-3, 3),
        xStar: vec(d, 10),
        x0: vec(d, 10),
      })
      .map(({ reflections, s, m, L, xStar, x0 }) => {
        const lambda = s.map((si) => L * (m + (1 - m) * si))
        const A = symmetricFromSpectrum(householderProduct(d, reflections), lambda)
        const p = {
          family: 'quadratic',
          d,
          L,
          mu: m * L,
          A,
          xStar,
          fStar: 0,
          x0,
          f: (x: Float64Array) => {
            const e = sub(x, xStar)
            return 0.5 * dot(e, matVec(A, e))
          },
          grad: (x: Float64Array) => matVec(A, sub(x, xStar)),
        }
        return labelled(
          p,
          `quadratic(d=${d}, L=${L}, μ=${m * L}, spectrum=${arr(Float64Array.from(lambda))}, rotation=${JSON.stringify(reflections)}, x*=${arr(xStar)}, x₀=${arr(x0)})`,
        )
      }),
  )
}

/**
 * Drori and Teboulle's worst case for N steps of gradient descent with step h/L: the Huber function along a random
 * unit direction v, with kink τ = R/(2Nh + 1), started at x₀ = x* + R·v. On it GD reaches f(x_N) − f* = L·R²/(4Nh + 2)
 * exactly (the bound of {@link theorems}`.gdSmoothConvexTight` is attained).
 * ```text
 * f(x) = φ(⟨v, x − x*⟩),  φ(s) = (L/2)s² for |s| ≤ τ,  L·τ·|s| − L·τ²/2 otherwise;  f* = 0, μ = 0
 * ```
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.huberWorstCase(), (p) => Math.abs(p.f(p.x0) - p.L * p.tau * (p.R - p.tau / 2)) < 1e-9 * p.f(p.x0)))
 * @category testing
 * @since 0.2.0
 */
export const huberWorstCase = (): fc.Arbitrary<
  SmoothProblem & { readonly N: number; readonly h: number; readonly R: number; readonly tau: number }
> =>
  fc.integer({ min: 1, max: 4 }).chain((d) =>
    fc
      .record({
        N: fc.integer({ min: 1, max: 60 }),
        h: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
        L: logUniform(-3, 3),
        R: logUniform(-2, 1),
        direction: vec(d, 1).filter((v) => norm(v) > 0.1),
        xStar: vec(d, 10),
      })
      .map(({ N, h, L, R, direction, xStar }) => {
        const v = direction.map((x) => x / norm(direction))
        const tau = R / (2 * N * h + 1)
        const phi = (s: number) => (Math.abs(s) <= tau ? 0.5 * L * s * s : L * tau * Math.abs(s) - 0.5 * L * tau * tau)
        const dphi = (s: number) => (Math.abs(s) <= tau ? L * s : L * tau * Math.sign(s))
        const x0 = xStar.map((x, i) => x + R * v[i]!)
        const p = {
          family: 'huber',
          d,
          L,
          mu: 0,
          N,
          h,
          R,
          tau,
          xStar,
          fStar: 0,
          x0,
          f: (x: Float64Array) => phi(dot(v, sub(x, xStar))),
          grad: (x: Float64Array) => {
            const k = dphi(dot(v, sub(x, xStar)))
            return v.map((vi) => k * vi)
          },
        }
        return labelled(p, `huberWorstCase(N=${N}, h=${h}, L=${L}, R=${R}, τ=${tau}, v=${arr(v)}, x*=${arr(xStar)})`)
      }),
  )

/**
 * ℓ₂-regularised logistic regression, a strongly convex non-quadratic problem with known L and μ (x* is not known in
 * closed form, so `xStar` is undefined):
 * ```text
 * f(x) = Σᵢ wᵢ·log(1 + exp(−yᵢ·aᵢᵀx)) + (μ/2)‖x‖²,   ∇²f ⪯ (μ + ¼Σᵢ wᵢ‖aᵢ‖²)·I =: L·I,   ∇²f ⪰ μI
 * ```
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.logisticRegression(), (p) => p.L >= p.mu && p.mu > 0 && p.xStar === undefined))
 * @category testing
 * @since 0.2.0
 */
export const logisticRegression = (): fc.Arbitrary<SmoothProblem> =>
  fc.integer({ min: 1, max: 5 }).chain((d) =>
    fc
      .record({
        rows: fc.array(
          fc.record({ a: vec(d, 3), y: fc.constantFrom(-1, 1), w: fc.double({ min: 0, max: 2, noNaN: true }) }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        mu: logUniform(-2, 0),
        x0: vec(d, 5),
      })
      .map(({ rows, mu, x0 }) => {
        const L = mu + 0.25 * rows.reduce((s, r) => s + r.w * norm2(r.a), 0)
        // log(1 + e^z) and its derivative σ(z), written to stay finite for large |z|
        const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)))
        const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
        const p = {
          family: 'logisticRegression',
          d,
          L,
          mu,
          xStar: undefined,
          fStar: 0,
          x0,
          f: (x: Float64Array) =>
            rows.reduce((s, r) => s + r.w * softplus(-r.y * dot(r.a, x)), 0) + 0.5 * mu * norm2(x),
          grad: (x: Float64Array) => {
            const g = x.map((xi) => mu * xi)
            for (const r of rows) {
              const k = -r.w * r.y * sigmoid(-r.y * dot(r.a, x))
              r.a.forEach((aj, j) => (g[j] = g[j]! + k * aj))
            }
            return g
          },
        }
        return labelled(p, `logisticRegression(d=${d}, μ=${mu}, L=${L}, rows=${fc.stringify(rows)}, x₀=${arr(x0)})`)
      }),
  )

/**
 * Nesterov's chain function ("the worst function in the world"), for k steps of a first-order method: with
 * p = 2k + 1 ≤ d coordinates linked in a chain, a method that only moves along coordinates its gradients have
 * touched (zero-respecting) has x_k supported on the first k coordinates, far from x*.
 * ```text
 * f(x) = (L/4)·[½(x₁² + Σ_{i=1}^{p−1}(xᵢ − x_{i+1})² + x_p²) − x₁],   x*ᵢ = 1 − i/(p + 1) (i ≤ p),  x₀ = 0
 * f* = (L/8)·(−1 + 1/(p + 1)),  ‖∇²f‖ ≤ L
 * ```
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.chainFunction(), (p) => Math.abs(p.f(p.xStar!) - p.fStar) <= 1e-12 * p.L && p.grad(p.xStar!).every((g) => Math.abs(g) < 1e-12 * p.L)))
 * @category testing
 * @since 0.2.0
 */
export const chainFunction = (): fc.Arbitrary<SmoothProblem & { readonly k: number }> =>
  fc
    .record({ k: fc.integer({ min: 1, max: 12 }), extra: fc.integer({ min: 0, max: 3 }), L: logUniform(-2, 2) })
    .map(({ k, extra, L }) => {
      const p = 2 * k + 1
      const d = p + extra
      const xStar = Float64Array.from({ length: d }, (_, i) => (i < p ? 1 - (i + 1) / (p + 1) : 0))
      const f = (x: Float64Array) => {
        let s = x[0]! ** 2 + x[p - 1]! ** 2
        for (let i = 0; i < p - 1; i++) s += (x[i]! - x[i + 1]!) ** 2
        return (L / 4) * (0.5 * s - x[0]!)
      }
      const grad = (x: Float64Array) => {
        const g = new Float64Array(d)
        for (let i = 0; i < p; i++) {
          const left = i === 0 ? 0 : x[i - 1]!
          const right = i === p - 1 ? 0 : x[i + 1]!
          g[i] = (L / 4) * (2 * x[i]! - left - right - (i === 0 ? 1 : 0))
        }
        return g
      }
      const problem = {
        family: 'chainFunction',
        d,
        L,
        mu: 0,
        k,
        xStar,
        fStar: (L / 8) * (-1 + 1 / (p + 1)),
        x0: new Float64Array(d),
        f,
        grad,
      }
      return labelled(problem, `chainFunction(k=${k}, d=${d}, L=${L})`)
    })

/**
 * A non-convex L-smooth family bounded below (sums of cosine ridges plus an optional ridge penalty):
 * ```text
 * f(x) = Σᵢ aᵢ·cos(wᵢᵀx + bᵢ) + ½c‖x‖²,   ‖∇²f‖ ≤ Σᵢ|aᵢ|·‖wᵢ‖² + c =: L,   f ≥ −Σᵢ|aᵢ| =: fStar (a lower bound)
 * ```
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.wave(), (p) => p.f(p.x0) >= p.fStar && Number.isNaN(p.mu)))
 * @category testing
 * @since 0.2.0
 */
export const wave = (): fc.Arbitrary<SmoothProblem> =>
  fc.integer({ min: 1, max: 5 }).chain((d) =>
    fc
      .record({
        terms: fc.array(
          fc.record({
            a: fc.double({ min: -3, max: 3, noNaN: true }),
            w: vec(d, 2),
            b: fc.double({ min: -4, max: 4, noNaN: true }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        c: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
        x0: vec(d, 10),
      })
      .filter(({ terms, c }) => terms.reduce((s, { a, w }) => s + Math.abs(a) * norm2(w), 0) + c > 1e-6)
      .map(({ terms, c, x0 }) => {
        const p = {
          family: 'wave',
          d,
          L: terms.reduce((s, { a, w }) => s + Math.abs(a) * norm2(w), 0) + c,
          mu: NaN,
          xStar: undefined,
          fStar: -terms.reduce((s, { a }) => s + Math.abs(a), 0),
          x0,
          f: (x: Float64Array) =>
            terms.reduce((s, { a, w, b }) => s + a * Math.cos(dot(w, x) + b), 0) + 0.5 * c * norm2(x),
          grad: (x: Float64Array) => {
            const g = x.map((xi) => c * xi)
            for (const { a, w, b } of terms) {
              const k = -a * Math.sin(dot(w, x) + b)
              w.forEach((wj, j) => (g[j] = g[j]! + k * wj))
            }
            return g
          },
        }
        return labelled(p, `wave(d=${d}, c=${c}, terms=${fc.stringify(terms)}, x₀=${arr(x0)})`)
      }),
  )

/**
 * Convex M-Lipschitz nonsmooth functions with known minimiser (for the subgradient method):
 * ```text
 * f(x) = c·‖x − x*‖₂ + Σᵢ wᵢ·|xᵢ − x*ᵢ|,   M = c + ‖w‖₂,   f* = 0
 * ```
 * `grad` returns a subgradient (0 for each |·| at its kink).
 * @example
 * import * as fc from 'fast-check'
 * import { arbitraries } from 'descent-ts/testing'
 *
 * fc.assert(fc.property(arbitraries.lipschitzConvex(), (p) => p.f(p.xStar!) === 0 && Math.hypot(...p.grad(p.x0)) <= p.M * (1 + 1e-12)))
 * @category testing
 * @since 0.2.0
 */
export const lipschitzConvex = (): fc.Arbitrary<SmoothProblem & { readonly M: number }> =>
  fc.integer({ min: 1, max: 5 }).chain((d) =>
    fc
      .record({
        c: fc.oneof(fc.constant(0), logUniform(-2, 1)),
        w: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true })), {
          minLength: d,
          maxLength: d,
        }),
        xStar: vec(d, 10),
        x0: vec(d, 10),
      })
      .filter(({ c, w }) => c + Math.hypot(...w) > 1e-3)
      .map(({ c, w, xStar, x0 }) => {
        const W = Float64Array.from(w)
        const M = c + norm(W)
        const p = {
          family: 'lipschitzConvex',
          d,
          L: Infinity,
          mu: 0,
          M,
          xStar,
          fStar: 0,
          x0,
          f: (x: Float64Array) => {
            const e = sub(x, xStar)
            return c * norm(e) + e.reduce((s, ei, i) => s + W[i]! * Math.abs(ei), 0)
          },
          grad: (x: Float64Array) => {
            const e = sub(x, xStar)
            const n = norm(e)
            return e.map((ei, i) => (n > 0 ? (c * ei) / n : 0) + W[i]! * Math.sign(ei))
          },
        }
        return labelled(p, `lipschitzConvex(d=${d}, c=${c}, w=${arr(W)}, x*=${arr(xStar)}, x₀=${arr(x0)})`)
      }),
  )
