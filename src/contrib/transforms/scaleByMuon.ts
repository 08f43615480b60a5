import { HyperparameterError } from '../../core/errors'
import { checkBoolean, checkInRange, checkInteger } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import { isTensor } from '../../core/tensor'
import type { GradientTransformation, PyTree } from '../../core/types'
import { asMatrix, frobeniusDot, scaleMatrix, toTensor } from '../_internal/matrix'
import { type NsCoeffs, orthogonalize } from '../_internal/newtonSchulz'

/**
 * Options of {@link scaleByMuon}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMuonOptions {
  /**
   * The (a, b, c) coefficients of the quintic Newton–Schulz step, used `nsSteps` times; or a list of triples, one per
   * step (then `nsSteps` is ignored).
   * @defaultValue [3.4445, -4.775, 2.0315]
   */
  readonly nsCoeffs?: NsCoeffs | readonly NsCoeffs[]
  /** Number of Newton–Schulz steps (an integer ≥ 1). @defaultValue 5 */
  readonly nsSteps?: number
  /** Decay of the momentum (an EMA of the gradients), in [0, 1). @defaultValue 0.95 */
  readonly beta?: number
  /** Added to the Frobenius norm before the first Newton–Schulz step; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Nesterov momentum. @defaultValue true */
  readonly nesterov?: boolean
  /** Scale the orthogonalised update by ⟨m̂, O⟩ (the dual norm of m̂; Bernstein et al. 2024). @defaultValue false */
  readonly adaptive?: boolean
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

function checkCoeffs(owner: string, value: unknown, nsSteps: number): readonly NsCoeffs[] {
  const isTriple = (c: unknown): c is NsCoeffs =>
    Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'number' && Number.isFinite(x))
  if (isTriple(value)) return Array.from({ length: nsSteps }, () => value)
  if (Array.isArray(value) && value.length > 0 && value.every(isTriple)) return value as readonly NsCoeffs[]
  throw new HyperparameterError(
    `${owner} options.nsCoeffs must be a triple [a, b, c] of finite numbers or a non-empty list of triples; got ` +
      `${JSON.stringify(value)}`,
  )
}

const STATE: StateSpec = { count: 'count', mu: 'tree' }

/**
 * Rescales updates according to Muon: Nesterov momentum, then Newton–Schulz orthogonalisation of each matrix. See
 * {@link muon} for the update rule. Every leaf must be a matrix (rank 2); {@link muon} sends the other leaves to AdamW.
 *
 * ```text
 * t = count + 1,   m_t = β·m_{t−1} + (1−β)·g_t
 * m̂_t = β·m_t/(1−βᵗ⁺¹) + (1−β)·g_t/(1−βᵗ)         (nesterov: false → m̂_t = m_t/(1−βᵗ))
 * O_t = NS(m̂_t)   (adaptive: O_t ← ⟨m̂_t, O_t⟩_F·O_t)
 * u_t = √max(1, cols/rows) · O_t
 * ```
 *
 * References: Jordan 2024, https://github.com/KellerJordan/modded-nanogpt; Bernstein et al. 2024,
 * https://arxiv.org/abs/2409.20325
 *
 * @param options - {@link ScaleByMuonOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByMuonState}.
 * @throws HyperparameterError when an option is out of range; ShapeError at update when a leaf is not a matrix.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByMuon({ nesterov: false })
 * const g = { w: tensor([[3, 0], [0, 0.5]]) }
 * const [u] = tx.update(g, tx.init(g))
 * // The orthogonalised diagonal matrix has both singular values pulled towards 1 (roughly, as Muon intends).
 * const [[a, b], [c, d]] = u.w.toArray() as [[number, number], [number, number]]
 * assert.ok(a > 0.5 && a < 1.5 && d > 0.5 && d < 1.5 && b === 0 && c === 0)
 * @see muon
 * @category contrib
 * @since 0.1.0
 */
export function scaleByMuon(options: ScaleByMuonOptions = {}): GradientTransformation<ScaleByMuonState> {
  const owner = 'scaleByMuon'
  const nsSteps = checkInteger(owner, 'options.nsSteps', options.nsSteps ?? 5, '[1, Infinity)')
  const steps = checkCoeffs(owner, options.nsCoeffs ?? DEFAULT_COEFFS, nsSteps)
  const beta = checkInRange(owner, 'options.beta', options.beta ?? 0.95, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? true)
  const adaptive = checkBoolean(owner, 'options.adaptive', options.adaptive ?? false)
  const fix = 'Muon orthogonalises matrices only: use contrib.muon, which sends the other leaves to AdamW.'

  return {
    init: (params) => ({ count: 0, mu: tree.zerosLike(params) }),
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
      const out = tree.mapWithPath((path, leaf) => {
        const x = asMatrix(owner, path, leaf, fix)
        let o = orthogonalize(x, steps, eps)
        if (adaptive) o = scaleMatrix(frobeniusDot(x, o), o)
        const dtype = isTensor(leaf) ? leaf.dtype : 'float64'
        return toTensor(scaleMatrix(Math.sqrt(Math.max(1, x.cols / x.rows)), o), dtype)
      }, muHat)
      return [out as typeof updates, { count: t, mu }]
    },
  }
}
