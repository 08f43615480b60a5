import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { adamw } from '../../optimizers/adamw'
import { addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type MultiTransformState, partition } from '../../transforms/multiTransform'
import { scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { muonLabels, muonLabelsFrom } from '../_internal/matrixLabels'
import { scaleByShape } from '../_internal/scaleByShape'
import type { MuonDimensionNumbers, WeightDimensionNumbers } from '../transforms/muonDimensionNumbers'
import { type ScaleByMuonOptions, scaleByMuon } from '../transforms/scaleByMuon'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link muon} (optax.contrib.muon): those of {@link scaleByMuon}, the weight decay of the Muon leaves,
 * the shape scaling, and the AdamW that updates every other leaf.
 * @category contrib
 * @since 0.1.0
 */
export interface MuonOptions extends Omit<ScaleByMuonOptions, 'weightDimensionNumbers'> {
  /** Decoupled weight decay of the Muon leaves (multiplied by the learning rate). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which Muon leaves to decay (a mask tree or a function of the params). @defaultValue undefined (all) */
  readonly weightDecayMask?: MaskOrFn | undefined
  /** AdamW's b1 for the other leaves. @defaultValue 0.9 */
  readonly adamB1?: number
  /** AdamW's b2 for the other leaves. @defaultValue 0.999 */
  readonly adamB2?: number
  /** AdamW's epsRoot for the other leaves. @defaultValue 0 */
  readonly adamEpsRoot?: number
  /** AdamW's weight decay for the other leaves. @defaultValue 0 */
  readonly adamWeightDecay?: number
  /** AdamW's learning rate for the other leaves (a number or a schedule). @defaultValue the Muon learning rate */
  readonly adamLearningRate?: ScalarOrSchedule | undefined
  /**
   * Which leaves are Muon's and how each is seen as (a batch of) matrices: a tree (or prefix tree) of
   * {@link MuonDimensionNumbers} and nulls, or a function of the params returning one; null leaves go to AdamW.
   * @defaultValue undefined (every matrix, axes 0 and 1, is Muon's; every other leaf AdamW's)
   */
  readonly muonWeightDimensionNumbers?: WeightDimensionNumbers | undefined
  /**
   * Consistent-RMS scaling (Liu et al. 2025): scale each Muon update by √max(fan_in, fan_out)·consistentRms, so its
   * RMS is about consistentRms whatever the shape (0.2 matches AdamW). Absent: Jordan's √max(1, fan_out/fan_in).
   * @defaultValue undefined
   */
  readonly consistentRms?: number | undefined
}

/**
 * State of {@link muon}: the partition's states ('muon' for the Muon leaves, 'adam' for the rest).
 * @category contrib
 * @since 0.1.0
 */
export type MuonState = readonly [MultiTransformState]

/**
 * Muon: momentum orthogonalised by Newton–Schulz (Jordan 2024), optax.contrib.muon. Each matrix's Nesterov momentum
 * is replaced by an approximation of its polar factor U·Vᵀ (steepest descent under the spectral norm), scaled for its
 * shape; every leaf that is not Muon's (biases, scalars, and by default tensors of rank ≠ 2) is updated by AdamW.
 * Tensors of rank > 2 become Muon's through `muonWeightDimensionNumbers` (each batch slice orthogonalised alone).
 *
 * ```text
 * Muon leaves:  m_t = β·m_{t−1} + (1−β)·g_t,   m̂_t = β·m_t/(1−βᵗ⁺¹) + (1−β)·g_t/(1−βᵗ)
 *               X₀ = m̂_t/(‖m̂_t‖_F + ε) (transposed if rows > cols),  X_{k+1} = a·X_k + (b·A_k + c·A_k²)·X_k,  A_k = X_k·X_kᵀ
 *               s = √max(1, fan_out/fan_in)   (consistentRms ρ: s = √max(fan_in, fan_out)·ρ)
 *               u_t = −α_t·(s·X_K + λ·θ_t)        (a, b, c) = (3.4445, −4.775, 2.0315), K = 5
 * other leaves: u_t = adamw(adamLearningRate ?? α, { b1: adamB1, b2: adamB2, eps, epsRoot: adamEpsRoot,
 *                                                    weightDecay: adamWeightDecay, muDtype, nesterov })
 * ```
 *
 * Chain: `chain(partition({ muon: chain(scaleByMuon(o), scaleByShape(dims, consistentRms), addDecayedWeights(λ,
 * mask), scaleByLearningRate(α)), adam: adamw(adamLearningRate ?? α, …) }, labels))`.
 *
 * References: Jordan 2024, https://github.com/KellerJordan/modded-nanogpt; Bernstein et al. 2024,
 * https://arxiv.org/abs/2409.20325; Liu et al. 2025, https://arxiv.org/abs/2502.16982
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
 * @see scaleByMuon, muonDimensionNumbers, adamw
 * @category contrib
 * @since 0.1.0
 */
export function muon(learningRate: ScalarOrSchedule, options: MuonOptions = {}): GradientTransformation<MuonState> {
  const dims = options.muonWeightDimensionNumbers
  return chain(
    partition(
      {
        muon: chain(
          scaleByMuon({ ...options, weightDimensionNumbers: dims }),
          scaleByShape(dims, options.consistentRms),
          addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.weightDecayMask }),
          scaleByLearningRate(learningRate),
        ),
        adam: adamw(options.adamLearningRate ?? learningRate, {
          b1: options.adamB1 ?? 0.9,
          b2: options.adamB2 ?? 0.999,
          eps: options.eps ?? 1e-8,
          epsRoot: options.adamEpsRoot ?? 0,
          weightDecay: options.adamWeightDecay ?? 0,
          muDtype: options.muDtype,
          nesterov: options.nesterov ?? true,
        }),
      },
      dims === undefined ? muonLabels : muonLabelsFrom(dims),
    ),
  )
}

withHyperparamDefaults(muon, 1, {
  ...hyperparamDefaultsOf(scaleByMuon).values,
  weightDecay: 0,
  adamB1: 0.9,
  adamB2: 0.999,
  adamEpsRoot: 0,
  adamWeightDecay: 0,
})
