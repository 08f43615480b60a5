import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { adamw } from '../../optimizers/adamw'
import { addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type MultiTransformState, partition } from '../../transforms/multiTransform'
import { scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { muonLabels } from '../_internal/matrixLabels'
import { type ScaleByMuonOptions, scaleByMuon } from '../transforms/scaleByMuon'

/**
 * Options of {@link muon}: those of {@link scaleByMuon}, the weight decay of the matrices, and the AdamW that updates
 * every other leaf.
 * @category contrib
 * @since 0.1.0
 */
export interface MuonOptions extends ScaleByMuonOptions {
  /** Decoupled weight decay of the matrices (multiplied by the learning rate). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which matrices to decay (a mask tree or a function of the params). @defaultValue undefined (all) */
  readonly weightDecayMask?: MaskOrFn
  /** AdamW's b1 for the non-matrix leaves. @defaultValue 0.9 */
  readonly adamB1?: number
  /** AdamW's b2 for the non-matrix leaves. @defaultValue 0.999 */
  readonly adamB2?: number
  /** AdamW's epsRoot for the non-matrix leaves. @defaultValue 0 */
  readonly adamEpsRoot?: number
  /** AdamW's weight decay for the non-matrix leaves. @defaultValue 0 */
  readonly adamWeightDecay?: number
}

/**
 * State of {@link muon}: the partition's states ('muon' for the matrices, 'adam' for the rest).
 * @category contrib
 * @since 0.1.0
 */
export type MuonState = readonly [MultiTransformState]

/**
 * Muon: momentum orthogonalised by Newton–Schulz (Jordan 2024). Each matrix's Nesterov momentum is replaced by an
 * approximation of its polar factor U·Vᵀ (steepest descent under the spectral norm); every leaf that is not a matrix
 * (biases, scalars, tensors of rank ≠ 2) is updated by AdamW with the same learning rate, as in optax.
 *
 * ```text
 * matrices:  m_t = β·m_{t−1} + (1−β)·g_t,   m̂_t = β·m_t/(1−βᵗ⁺¹) + (1−β)·g_t/(1−βᵗ)
 *            X₀ = m̂_t/(‖m̂_t‖_F + ε) (transposed if rows > cols),  X_{k+1} = a·X_k + (b·A_k + c·A_k²)·X_k,  A_k = X_k·X_kᵀ
 *            u_t = −α_t·(√max(1, cols/rows)·X_K + λ·θ_t)        (a, b, c) = (3.4445, −4.775, 2.0315), K = 5
 * others:    u_t = adamw(α_t, { b1: adamB1, b2: adamB2, eps, epsRoot: adamEpsRoot, weightDecay: adamWeightDecay, nesterov })
 * ```
 *
 * Chain: `chain(partition({ muon: chain(scaleByMuon(o), addDecayedWeights(λ, mask), scaleByLearningRate(α)),
 * adam: adamw(α, …) }, matrix ↦ 'muon', other ↦ 'adam'))`.
 *
 * References: Jordan 2024, https://github.com/KellerJordan/modded-nanogpt; Bernstein et al. 2024,
 * https://arxiv.org/abs/2409.20325
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link MuonOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link MuonState}.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * // min ½‖W − T‖²_F + ½‖b‖²: W is a matrix (Muon), b a vector (AdamW).
 * const T = tensor([[1, 0], [0, -1]])
 * let params = { W: tensor([[0, 0], [0, 0]]), b: tensor([1, -1]) }
 * const opt = contrib.muon(0.05)
 * let state = opt.init(params)
 * for (let i = 0; i < 60; i++) {
 *   const g = { W: tree.sub(params.W, T), b: params.b }
 *   const [u, next] = opt.update(g, state, params)
 *   params = applyUpdates(params, u)
 *   state = next
 * }
 * assert.ok(tree.norm(tree.sub(params.W, T)) < 0.3 && tree.norm(params.b) < 0.5)
 * @see scaleByMuon, adamw
 * @category contrib
 * @since 0.1.0
 */
export function muon(learningRate: ScalarOrSchedule, options: MuonOptions = {}): GradientTransformation<MuonState> {
  return chain(
    partition(
      {
        muon: chain(
          scaleByMuon(options),
          addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.weightDecayMask }),
          scaleByLearningRate(learningRate),
        ),
        adam: adamw(learningRate, {
          b1: options.adamB1 ?? 0.9,
          b2: options.adamB2 ?? 0.999,
          eps: options.eps ?? 1e-8,
          epsRoot: options.adamEpsRoot ?? 0,
          weightDecay: options.adamWeightDecay ?? 0,
          nesterov: options.nesterov ?? true,
        }),
      },
      muonLabels,
    ),
  )
}
