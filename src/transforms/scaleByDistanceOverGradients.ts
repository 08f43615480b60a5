import type { DType } from '../core/tensor'
import { checkInRange } from '../core/hyperparams'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState } from '../core/stateCheck'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { checkDtype, inDtype, momentSpec } from './_internal/accumulatorDtype'
import { paramsRequired } from './_internal/paramsRequired'

/**
 * Options of {@link scaleByDistanceOverGradients}.
 * @category transforms
 * @since 0.2.0
 */
export interface ScaleByDistanceOverGradientsOptions {
  /** The first distance estimate, relative: r_ε = repsRel·(1 + ‖x₀‖) per leaf. @defaultValue 1e-6 */
  readonly repsRel?: number
  /** ε added to the gradient sum of squares. @defaultValue 1e-8 */
  readonly eps?: number
  /** A global multiplier of the step size. @defaultValue 1 */
  readonly globalScale?: number
  /**
   * The dtype in which the initial params x₀ are stored (optax's `param_dtype`): `'float32'` halves the memory of the
   * copy of float64 params, `'float64'` keeps x₀ exact for float32 ones. optax defaults to float32; descent to each
   * param's dtype. @defaultValue the dtype of each param
   */
  readonly paramDtype?: DType | undefined
}

/**
 * State of {@link scaleByDistanceOverGradients}, with optax's fields camelCased: per leaf, the largest distance from
 * the initial params and the running sum of squared gradients (numbers), and the initial params.
 * @category transforms
 * @since 0.2.0
 */
export interface ScaleByDistanceOverGradientsState {
  readonly maxDist: PyTree
  readonly gradSumOfSquares: PyTree
  readonly initParams: PyTree
}

/** ‖x − y‖₂ of one leaf, in float64. */
const dist = (x: Leaf, y?: Leaf): number => tree.norm(y === undefined ? x : tree.sub(x, y))

/**
 * The layer-wise DoG step size, "Distance over Gradients" (optax.scale_by_distance_over_gradients; Ivgi, Hinder &
 * Carmon 2023, https://arxiv.org/abs/2302.12022): a parameter-free step η = (largest distance travelled from the
 * start) / √(sum of squared gradients), per leaf. The updates are scaled by η (follow it with
 * `scaleByLearningRate(1)` to descend). Needs the params.
 * ```text
 * r̄_t = max(r̄_{t−1}, ‖x_t − x₀‖),  r̄₀ = repsRel·(1 + ‖x₀‖)        G_t = G_{t−1} + ‖g_t‖²
 * u_t = globalScale · r̄_t/√(G_t + ε) · g_t        (per leaf)
 * ```
 * @returns a transform whose state is {@link ScaleByDistanceOverGradientsState}.
 * @throws DescentError from `update` without params.
 * @example
 * import { scaleByDistanceOverGradients, tensor } from 'descent-ts'
 * const tx = scaleByDistanceOverGradients({ repsRel: 0.1, eps: 0 })
 * const p = tensor([3, 4], 'float64') // ‖x₀‖ = 5: r̄ = 0.6
 * const [u] = tx.update(tensor([0, 2], 'float64'), tx.init(p), p)
 * const [a, b] = u.toArray() as number[] // 0.6/√4 · g
 * assert.ok(a === 0 && Math.abs(b! - 0.6) < 1e-15)
 * // x₀ kept in float32 (optax's param_dtype): 0.1 is stored as its float32 rounding
 * const tx32 = scaleByDistanceOverGradients({ paramDtype: 'float32' })
 * const x0 = tx32.init(tensor([0.1], 'float64')).initParams as ReturnType<typeof tensor>
 * assert.ok(x0.dtype === 'float32' && x0.item() === Math.fround(0.1))
 * @category transforms
 * @since 0.2.0
 */
export function scaleByDistanceOverGradients(
  options: ScaleByDistanceOverGradientsOptions = {},
): GradientTransformation<ScaleByDistanceOverGradientsState> {
  const owner = 'scaleByDistanceOverGradients'
  const repsRel = checkInRange(owner, 'options.repsRel', options.repsRel ?? 1e-6, '(0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const globalScale = checkInRange(owner, 'options.globalScale', options.globalScale ?? 1, '(-Infinity, Infinity)')
  const paramDtype = checkDtype(owner, 'options.paramDtype', options.paramDtype)
  const spec: StateSpec = { maxDist: 'pytree', gradSumOfSquares: 'pytree', initParams: momentSpec(paramDtype) }
  return {
    init: (params) => ({
      maxDist: tree.map((x) => repsRel * (1 + dist(x)), params),
      gradSumOfSquares: tree.map(() => 0, params),
      // A copy: the train layer may reuse the params' buffers (donation), and x₀ must outlive them.
      initParams: inDtype(
        tree.mapElementwise((x) => x, params),
        paramDtype,
      ),
    }),
    update: (updates, state, params) => {
      const p = paramsRequired(owner, params, { why: ' (the distance travelled from the initial params)' })
      checkState(owner, state, spec, updates, p)
      const maxDist = tree.map((d, x, x0) => Math.max(d as number, dist(x, x0)), state.maxDist, p, state.initParams)
      const gSos = tree.map((s, g) => (s as number) + tree.norm(g, { squared: true }), state.gradSumOfSquares, updates)
      const out = tree.map(
        (g, d, s) => tree.scale((globalScale * (d as number)) / Math.sqrt((s as number) + eps), g),
        updates,
        maxDist,
        gSos,
      )
      return [out as typeof updates, { maxDist, gradSumOfSquares: gSos, initParams: state.initParams }] as const
    },
  }
}
withHyperparamDefaults(scaleByDistanceOverGradients, 0, { repsRel: 1e-6, eps: 1e-8, globalScale: 1 })
