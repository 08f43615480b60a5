import { checkInRange } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByCocob}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByCocobOptions {
  /** The fraction-to-bet parameter α; > 0. @defaultValue 100 */
  readonly alpha?: number
  /** Initial scale L₀ (avoids dividing by 0); > 0. @defaultValue 1e-8 */
  readonly eps?: number
}

/**
 * State of {@link scaleByCocob}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByCocobState {
  /** The initial params x₀. */
  readonly initParticles: PyTree
  /** −Σ g. */
  readonly cumulativeGradients: PyTree
  /** L = max(ε, max |g|). */
  readonly scale: PyTree
  /** G = Σ |g|. */
  readonly subgradients: PyTree
  /** R = max(R − g·(x − x₀), 0). */
  readonly reward: PyTree
}

const STATE: StateSpec = {
  initParticles: 'tree',
  cumulativeGradients: 'tree',
  scale: 'tree',
  subgradients: 'tree',
  reward: 'tree',
}

/**
 * Rescales updates according to COCOB-Backprop (coin betting; the result is the full update, from the params). See
 * {@link cocob} for the update rule. `init` must see the real params (x₀ is kept).
 *
 * References: Orabona & Tommasi 2017, https://arxiv.org/abs/1705.07795
 *
 * @param options - {@link ScaleByCocobOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByCocobState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByCocob()
 * const x = tensor([0], 'float64')
 * const [u] = tx.update(tensor([2], 'float64'), tx.init(x), x)
 * // L = 2, G = 2, R = 0, C = −2: x = 0 + (−2)/(2·max(4, 200))·2 = −0.01
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 0.01) < 1e-15)
 * @see cocob
 * @category contrib
 * @since 0.1.0
 */
export function scaleByCocob(options: ScaleByCocobOptions = {}): GradientTransformation<ScaleByCocobState> {
  const owner = 'scaleByCocob'
  const alpha = checkInRange(owner, 'options.alpha', options.alpha ?? 100, '(0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '(0, Infinity)')

  return {
    init: (params) => {
      const checked = checkParams('contrib.scaleByCocob.init', params)
      return {
        initParticles: copyLeaves(checked),
        cumulativeGradients: tree.zerosLike(checked),
        scale: tree.fullLike(checked, eps),
        subgradients: tree.zerosLike(checked),
        reward: tree.zerosLike(checked),
      }
    },
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.cocob' })
      checkState(owner, state, STATE, updates, x)
      const scale = tree.mapElementwiseNamed(
        ['state.scale', 'updates'],
        (L, c) => Math.max(L, Math.abs(c)),
        state.scale,
        updates,
      )
      const subgradients = tree.mapElementwiseNamed(
        ['state.subgradients', 'updates'],
        (G, c) => G + Math.abs(c),
        state.subgradients,
        updates,
      )
      const reward = tree.mapElementwiseNamed(
        ['state.reward', 'updates', 'params', 'state.initParticles'],
        (R, c, p, p0) => Math.max(R - c * (p - p0), 0),
        state.reward,
        updates,
        x,
        state.initParticles,
      )
      const cumulativeGradients = tree.mapElementwiseNamed(
        ['state.cumulativeGradients', 'updates'],
        (C, c) => C - c,
        state.cumulativeGradients,
        updates,
      )
      const out = tree.mapElementwiseNamed(
        ['params', 'state.initParticles', 'cumulativeGradients', 'scale', 'subgradients', 'reward'],
        (p, p0, C, L, G, R) => -p + p0 + (C / (L * Math.max(G + L, alpha * L))) * (L + R),
        x,
        state.initParticles,
        cumulativeGradients,
        scale,
        subgradients,
        reward,
      )
      return [
        out as typeof updates,
        { initParticles: state.initParticles, cumulativeGradients, scale, subgradients, reward },
      ]
    },
  }
}

withHyperparamDefaults(scaleByCocob, 0, { alpha: 100, eps: 1e-8 })
