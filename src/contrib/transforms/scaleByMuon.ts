import { HyperparameterError, ShapeError } from '../../core/errors'
import { checkBoolean, checkInRange, checkInteger } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import { type DType, arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import type { GradientTransformation, PyTree } from '../../core/types'
import { checkDtype, inDtype, momentSpec } from '../../transforms/_internal/accumulatorDtype'
import { type NsCoeffs, type Preconditioning, orthogonalize } from '../_internal/newtonSchulz'
import {
  type MuonDimensionNumbers,
  type WeightDimensionNumbers,
  dimensionNumbersAt,
  muonReshape,
  resolveDimensionNumbers,
} from './muonDimensionNumbers'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByMuon} (optax.contrib.scale_by_muon).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMuonOptions {
  /**
   * The (a, b, c) coefficients of the quintic Newton–Schulz step, used `nsSteps` times; or a list of at most `nsSteps`
   * triples, one per step (as optax, a longer list is refused); or a preset, `'standard'` (the default triple) or
   * `'dion'` (Ahn et al. 2025's five triples).
   * @defaultValue [3.4445, -4.775, 2.0315]
   */
  readonly nsCoeffs?: NsCoeffs | readonly NsCoeffs[] | 'standard' | 'dion'
  /** Number of Newton–Schulz steps (an integer ≥ 1) with a single triple. @defaultValue 5 */
  readonly nsSteps?: number
  /** Decay of the momentum (an EMA of the gradients), in [0, 1). @defaultValue 0.95 */
  readonly beta?: number
  /** Added to the norm X is divided by before the first Newton–Schulz step; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** The dtype of the momentum `mu` (optax's `mu_dtype`). @defaultValue the dtype of each param */
  readonly muDtype?: DType | undefined
  /** Nesterov momentum. @defaultValue true */
  readonly nesterov?: boolean
  /** Scale the orthogonalised update O by ⟨m̂, O⟩ (the dual norm of m̂; Bernstein et al. 2024). @defaultValue false */
  readonly adaptive?: boolean
  /**
   * How X is scaled for the iteration: `'frobenius'` X/(‖X‖_F + ε); `'spectral'` X/(‖X‖₂ + ε); `'aol'` each row of X
   * by 1/√(Σⱼ|(XXᵀ)ᵢⱼ|) inside the first step (Boissin et al. 2025); `'schatten'` X by 1/√‖XXᵀ‖_F inside the first
   * step (Grishina et al. 2025).
   * @defaultValue 'frobenius'
   */
  readonly preconditioning?: Preconditioning
  /**
   * Which axes of each leaf form the matrix (optax's `weight_dimension_numbers`): one {@link MuonDimensionNumbers},
   * a (prefix) tree of them, or a function of the updates returning one. Without it every leaf must be a matrix.
   * @defaultValue undefined (every leaf a matrix, axes 0 and 1)
   */
  readonly weightDimensionNumbers?: WeightDimensionNumbers | undefined
}

/**
 * State of {@link scaleByMuon}: the step count and the momentum (same structure as the params).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMuonState {
  /** Number of updates done so far. */
  readonly count: number
  /** EMA of the gradients (not bias corrected). */
  readonly mu: PyTree
}

const DEFAULT_COEFFS: NsCoeffs = [3.4445, -4.775, 2.0315]
const DION_COEFFS: readonly NsCoeffs[] = [
  [4.0848, -6.8946, 2.927],
  [3.9505, -6.3029, 2.6377],
  [3.7418, -5.5913, 2.3037],
  [2.8769, -3.1427, 1.2046],
  [2.8366, -3.0525, 1.2012],
]
const PRECONDITIONINGS: readonly Preconditioning[] = ['frobenius', 'spectral', 'aol', 'schatten']

/** @internal The Newton–Schulz triples, one per step, from `nsCoeffs` and `nsSteps` (optax's rules). */
export function coeffSteps(owner: string, value: unknown, nsSteps: number): readonly NsCoeffs[] {
  const preset = value === 'standard' ? DEFAULT_COEFFS : value === 'dion' ? DION_COEFFS : value
  const isTriple = (c: unknown): c is NsCoeffs =>
    Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'number' && Number.isFinite(x))
  if (isTriple(preset)) return Array.from({ length: nsSteps }, () => preset)
  if (Array.isArray(preset) && preset.length > 0 && preset.every(isTriple)) {
    if (preset.length > nsSteps) {
      throw new HyperparameterError(
        `${owner} options.nsCoeffs has ${preset.length} triples for nsSteps = ${nsSteps} (optax refuses more triples ` +
          `than steps); pass nsSteps: ${preset.length}.`,
      )
    }
    return preset as readonly NsCoeffs[]
  }
  throw new HyperparameterError(
    `${owner} options.nsCoeffs must be a triple [a, b, c] of finite numbers, a non-empty list of triples, ` +
      `'standard' or 'dion'; got ${JSON.stringify(value)}`,
  )
}

/** @internal Checks `preconditioning`. */
export function checkPreconditioning(owner: string, value: unknown): Preconditioning {
  if (PRECONDITIONINGS.includes(value as Preconditioning)) return value as Preconditioning
  throw new HyperparameterError(
    `${owner} options.preconditioning must be 'frobenius', 'spectral', 'aol' or 'schatten'; got ${JSON.stringify(value)}`,
  )
}

const DEFAULT_DIMS: MuonDimensionNumbers = { reductionAxis: 0, outputAxis: 1 }

/**
 * Rescales updates according to Muon (optax.contrib.scale_by_muon): Nesterov momentum, then Newton–Schulz
 * orthogonalisation of each matrix (or of each batch of matrices under {@link ScaleByMuonOptions.weightDimensionNumbers}).
 * As in optax, the shape factor √max(1, fan_out/fan_in) is not applied here: {@link muon} applies it after this
 * transform. See {@link muon} for the whole rule; it sends the leaves that are not matrices to AdamW.
 *
 * ```text
 * t = count + 1,   m_t = β·m_{t−1} + (1−β)·g_t
 * m̂_t = β·m_t/(1−βᵗ⁺¹) + (1−β)·g_t/(1−βᵗ)         (nesterov: false → m̂_t = m_t/(1−βᵗ))
 * per matrix X of m̂_t (transposed if rows > cols):
 *   frobenius: X₀ = X/(‖X‖_F + ε)     spectral: X₀ = X/(‖X‖₂ + ε)     aol, schatten: X₀ = X, rescaled in step 1
 *   X_{k+1} = a_k·X_k + (b_k·A_k + c_k·A_k²)·X_k,   A_k = X_k·X_kᵀ
 * u_t = X_K   (adaptive: u_t = ⟨m̂_t, X_K⟩_F·X_K)
 * ```
 *
 * References: Jordan 2024, https://github.com/KellerJordan/modded-nanogpt; Bernstein et al. 2024,
 * https://arxiv.org/abs/2409.20325; Liu et al. 2025, https://arxiv.org/abs/2502.16982; Boissin et al. 2025,
 * https://arxiv.org/abs/2512.04632; Ahn et al. 2025, https://arxiv.org/abs/2504.05295; Grishina et al. 2025,
 * https://arxiv.org/abs/2506.10935
 *
 * @param options - {@link ScaleByMuonOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByMuonState}.
 * @throws HyperparameterError when an option is out of range; ShapeError at update when a leaf is not a matrix and
 * has no dimension numbers.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByMuon({ nesterov: false })
 * const g = { w: tensor([[3, 0], [0, 0.5]]) }
 * const [u] = tx.update(g, tx.init(g))
 * // The orthogonalised diagonal matrix has both singular values pulled towards 1 (roughly, as Muon intends).
 * const [[a, b], [c, d]] = u.w.toArray() as [[number, number], [number, number]]
 * assert.ok(a > 0.5 && a < 1.5 && d > 0.5 && d < 1.5 && b === 0 && c === 0)
 * @see muon, muonDimensionNumbers
 * @category contrib
 * @since 0.1.0
 */
export function scaleByMuon(options: ScaleByMuonOptions = {}): GradientTransformation<ScaleByMuonState> {
  const owner = 'scaleByMuon'
  const nsSteps = checkInteger(owner, 'options.nsSteps', options.nsSteps ?? 5, '[1, Infinity)')
  const steps = coeffSteps(owner, options.nsCoeffs ?? DEFAULT_COEFFS, nsSteps)
  const beta = checkInRange(owner, 'options.beta', options.beta ?? 0.95, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? true)
  const adaptive = checkBoolean(owner, 'options.adaptive', options.adaptive ?? false)
  const preconditioning = checkPreconditioning(owner, options.preconditioning ?? 'frobenius')
  const spec = options.weightDimensionNumbers
  const STATE: StateSpec = { count: 'count', mu: momentSpec(muDtype) }

  return {
    init: (params) => ({ count: 0, mu: inDtype(tree.zerosLike(params), muDtype) }),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const t = state.count + 1
      const mu = tree.mapElementwiseNamed(
        ['updates', 'state.mu'],
        (g, m) => beta * m + (1 - beta) * g,
        updates,
        state.mu,
      )
      const bc = 1 - beta ** t
      const bcNext = 1 - beta ** (t + 1)
      const muHat = nesterov
        ? tree.mapElementwiseNamed(
            ['state.mu', 'updates'],
            (m, g) => (beta * m) / bcNext + ((1 - beta) * g) / bc,
            mu,
            updates,
          )
        : tree.mapElementwiseNamed(['state.mu'], (m) => m / bc, mu)
      const resolved = resolveDimensionNumbers(spec, updates)
      const out = tree.mapWithPath((path, leaf) => {
        const shape = isTensor(leaf) ? leaf.shape : []
        // As optax, a leaf without dimension numbers must be a plain matrix.
        const dims = resolved === undefined ? null : dimensionNumbersAt(resolved, path)
        if (dims === null && shape.length !== 2) {
          const got = isTensor(leaf) ? `shape [${shape.join(',')}]` : 'a number'
          throw new ShapeError(
            `${owner}: ${tree.keystr(path, 'updates')} is ${got}, not a matrix (rank 2). Muon orthogonalises ` +
              'matrices only: use contrib.muon, which sends the other leaves to AdamW, or give weightDimensionNumbers.',
          )
        }
        const data = isTensor(leaf) ? leaf.data : [leaf as number]
        const r = muonReshape(owner, path, data, shape, dims ?? DEFAULT_DIMS)
        let o = r.restore(r.matrices.map((m) => orthogonalize(m, steps, eps, preconditioning)))
        if (adaptive) {
          const dual = o.reduce((acc, v, i) => acc + v * data[i]!, 0)
          o = o.map((v) => dual * v)
        }
        const dtype = isTensor(leaf) ? leaf.dtype : 'float64'
        return fromStorage(arrayTypeOf(dtype).from(o), shape)
      }, muHat)
      return [out as typeof updates, { count: t, mu: inDtype(mu, muDtype) }]
    },
  }
}

withHyperparamDefaults(scaleByMuon, 0, { nsSteps: 5, beta: 0.95, eps: 1e-8 })
