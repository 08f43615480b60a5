import { StructureError } from '../core/errors'
import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from './_internal/accumulatorDtype'
import type { DType } from '../core/tensor'

/**
 * Options of {@link scaleByNovograd}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByNovogradOptions {
  /**
   * Momentum of the first moment (there is no 1−β₁ factor), in [0, 1].
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the per-layer moving average of ‖g‖², in [0, 1].
   * @defaultValue 0.25
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root; ≥ 0. (The `novograd` alias uses 1e-6.)
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Added to ν inside the square root; ≥ 0.
   * @defaultValue 0
   */
  readonly epsRoot?: number
  /**
   * Weight decay λ, added to the normalised gradient inside the momentum (a finite number).
   * @defaultValue 0
   */
  readonly weightDecay?: number
  /**
   * The dtype of the stored momentum `mu` (optax's `mu_dtype`); the update is the momentum before it is stored.
   * @defaultValue the dtype of each param
   */
  readonly muDtype?: DType | undefined
}

/**
 * State of {@link scaleByNovograd}: the step count, the momentum and **one number per leaf** for the second moment.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByNovogradState {
  /** Number of updates done so far. */
  readonly count: number
  /** The momentum (same structure, shapes and dtypes as the params), zeros at init. */
  readonly mu: PyTree
  /** The moving average of each leaf's squared norm ‖g‖²: a JS number (float64) per params leaf, 0 at init. */
  readonly nu: PyTree
}

/**
 * Rescales updates by NovoGrad: layer-wise second moments and a momentum of normalised gradients.
 *
 * Each leaf (layer) gets one scalar second moment ν, the moving average of its gradient's squared norm; the first
 * step initialises ν with ‖g‖² instead of averaging it with 0. The gradient is divided by √ν, decoupled weight decay
 * is added, and the result is accumulated with heavy-ball momentum (no 1−β₁ factor). The output is the momentum.
 * It needs the params. Unlike optax, where ν has the leaf's dtype, ν is kept as a float64 number on the host, so
 * float32 results can differ from optax in the last bits. See {@link novograd} for the optimizer.
 *
 * ```text
 * per leaf:   ν_1 = ‖g_1‖²,                         ν_t = β₂·ν_{t−1} + (1−β₂)·‖g_t‖²     (t > 1)
 *             m_1 = g_1/(√(ν_1 + ε̄) + ε) + λ·θ_1,  m_t = β₁·m_{t−1} + g_t/(√(ν_t + ε̄) + ε) + λ·θ_t
 * u_t = m_t
 * ```
 *
 * References: Ginsburg et al. 2019, "Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of
 * Deep Networks", https://arxiv.org/abs/1905.11286
 *
 * @param options - {@link ScaleByNovogradOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByNovogradState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range; DescentError from `update` when no
 * params are given.
 * @example
 * import { scaleByNovograd, tensor } from 'descent-ts'
 * const tx = scaleByNovograd({ eps: 0 })
 * const params = { w: tensor([1, 1]) }
 * // ‖g‖ = 5 for the leaf w, so the first update is g/5 and ν = 25.
 * const [u, state] = tx.update({ w: tensor([3, -4]) }, tx.init(params), params)
 * assert.deepStrictEqual([u.w.toArray(), state.nu], [[0.6000000238418579, -0.800000011920929], { w: 25 }])
 * @see novograd
 * @category transforms
 * @since 0.1.0
 */
export function scaleByNovograd(options: ScaleByNovogradOptions = {}): GradientTransformation<ScaleByNovogradState> {
  const owner = 'scaleByNovograd'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1]')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.25, '[0, 1]')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 0, '(-Infinity, Infinity)')
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const STATE: StateSpec = { count: 'count', mu: momentSpec(muDtype), nu: 'treeLike' }

  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByNovograd.init', params),
        { count: 0, mu: inDtype(tree.zerosLike(params), muDtype), nu: tree.map(() => 0, params as PyTree) }
      ),
      update: (updates, state, params) => {
        const p = paramsRequired(owner, params, { why: ' (for weight decay)', chain: 'e.g. novograd' })
        checkState(owner, state, STATE, updates, p)
        // nu holds one number per leaf (a layer-wise norm): a tree of tensors there is another optimizer's moment.
        for (const [path, v] of tree.flattenWithPath(state.nu)[0]) {
          if (typeof v !== 'number') {
            throw new StructureError(
              `${owner}: ${tree.keystr(path, 'state.nu')} should be a number (NovoGrad keeps one second moment per ` +
                "leaf); got a Tensor. Is it the state of another optimizer? Pass the state returned by this transform's init or update.",
            )
          }
        }
        const first = state.count === 0
        const nu = tree.map(
          (g, n) => {
            const sq = tree.norm(g, { squared: true })
            return first ? sq : b2 * (n as number) + (1 - b2) * sq
          },
          updates as PyTree,
          state.nu,
        )
        const mu = tree.map(
          (g, p, m, n) => {
            const denom = Math.sqrt((n as number) + epsRoot) + eps
            return tree.mapElementwiseNamed(
              ['updates', 'params', 'state.mu'],
              (gi, pi, mi) => (first ? 0 : b1 * mi) + gi / denom + wd * pi,
              g,
              p,
              m,
            ) as Leaf
          },
          updates as PyTree,
          p,
          state.mu,
          nu,
        )
        return [mu as typeof updates, { count: state.count + 1, mu: inDtype(mu, muDtype), nu }]
      },
    },
    [['zeroEps', owner, eps, { epsRoot }]],
  )
}

withHyperparamDefaults(scaleByNovograd, 0, { b1: 0.9, b2: 0.25, eps: 1e-8, epsRoot: 0, weightDecay: 0 })
