import { DescentError } from '../core/errors'
import { GRAD_NORM } from '../core/gradNormHint'
import { checkBoolean } from '../core/hyperparams'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { valueAndGradImpl } from '../grad/valueAndGrad'
import { hyperparameterDiagnoses } from '../transforms/hyperparameterDiagnoses'
import { type ApplyGradientsOptions, stateUpdate } from './applyGradients'
import { fusesGradients } from './fusedStep'
import type { Diagnosis } from './diagnosis'
import type { StepInfo } from './history'
import { gradStats } from './gradStats'
import { stepNorms } from './stepNorms'
import { nonFiniteStateLeaves, stateChecks, stepChecks } from './stepChecks'
import type { TrainState } from './trainState'

/**
 * Options of {@link trainStep}.
 * @category train
 * @since 0.2.0
 */
export interface TrainStepOptions extends ApplyGradientsOptions {
  /** The loss returns `[loss, aux]`; `aux` is passed through to {@link StepInfo.aux}. @defaultValue false */
  readonly hasAux?: boolean | undefined
  /**
   * Run the step's checks (a non-finite loss or gradient, a loss detached from the params) and report them in
   * {@link StepInfo.diagnoses}. A step with a non-finite loss or gradient is then not applied.
   * @defaultValue true
   */
  readonly diagnostics?: boolean | undefined
}

/**
 * A loss of the params and a batch, for {@link trainStep} and {@link fit}: a scalar tensor written with descent ops
 * (so that it can be differentiated), or `[loss, aux]` with `hasAux`.
 * ```text
 * ℓ = loss(θ, batch) ∈ ℝ
 * ```
 * @example
 * import { ops, tensor, type LossFn, type Tensor } from 'descent-ts'
 * const mse: LossFn<{ w: Tensor }, { x: Tensor; y: Tensor }> = (p, b) => ops.mean(ops.square(ops.sub(ops.mul(p.w, b.x), b.y)))
 * assert.strictEqual((mse({ w: tensor(2) }, { x: tensor([1]), y: tensor([3]) }) as Tensor).item(), 1)
 * @category train
 * @since 0.2.0
 */
export type LossFn<P extends PyTree, B> = (params: P, batch: B) => unknown

/**
 * One training step as a pure reducer over batches: the loss and its gradient with respect to the params, the
 * optimizer update, and the new params ({@link applyGradients}), with what the step measured.
 * ```text
 * (ℓ, g) = valueAndGrad(loss)(θ_t, batch)
 * (u, s′) = optimizer.update(g, s, θ_t, { value: ℓ, grad: g, valueFn: θ ↦ loss(θ, batch) })
 * θ_{t+1} = θ_t + u
 * ```
 * The extra arguments reach every transform that uses them (reduceOnPlateau's `value`, polyakSgd's `value`, the
 * line searches' `valueFn`). With diagnostics on (the default), a step whose loss or gradient is not finite returns
 * the state unchanged (same step count) with a `nonFinite` diagnosis naming the first bad gradient leaf, and so does a
 * step that makes a finite tensor of the optimizer state non-finite (a gradient whose square overflows: Adam's ν
 * would be +Infinity and that coordinate frozen), naming the state leaf; this is checked on steps with ‖g‖ > 1e12,
 * where a float32 state can overflow, and with `donate` such a step is already applied. Params the
 * loss never reads give `disconnectedParam`, a broadcast like [n,1] − [n] gives `suspiciousBroadcast`, and the
 * optimizer's suspicious hyperparameters (`hyperparameterDiagnoses`) are reported at step 0. `info.deadUnits` measures,
 * per weight leaf, the fraction of units (columns) whose gradient is exactly 0 on the whole batch (dead ReLUs); the
 * `deadUnits` warning needs several steps of it, so {@link fit} and {@link healthCheck} report it.
 * @param loss - `(params, batch) => scalar Tensor` (or `[scalar, aux]` with `hasAux`), written with descent ops.
 * @param optimizer - The optimizer the state was made with ({@link initTrainState}).
 * @param options - {@link TrainStepOptions}: `hasAux`, `donate`, `diagnostics`.
 * @returns `(state, batch) => [nextState, info]`.
 * @example
 * import { initTrainState, ops, sgd, tensor, trainStep, type Tensor } from 'descent-ts'
 * type Batch = { x: Tensor; y: Tensor }
 * const loss = (p: { w: Tensor }, b: Batch) => ops.mean(ops.square(ops.sub(ops.mul(p.w, b.x), b.y)))
 * const step = trainStep(loss, sgd(0.1))
 * let state = initTrainState({ w: tensor(0) }, sgd(0.1))
 * const batch = { x: tensor([1, 2]), y: tensor([2, 4]) } // y = 2x
 * for (let i = 0; i < 50; i++) state = step(state, batch)[0]
 * const [, info] = step(state, batch)
 * assert.ok(Math.abs(state.params.w.item() - 2) < 1e-4)
 * assert.ok(info.loss < 1e-8 && info.diagnoses.length === 0)
 * @category train
 * @since 0.2.0
 */
export function trainStep<P extends PyTree, B, S = unknown, A = unknown>(
  loss: LossFn<P, B>,
  optimizer: GradientTransformation<S>,
  options: TrainStepOptions = {},
): (state: TrainState<P, S>, batch: B) => readonly [TrainState<P, S>, StepInfo<A>] {
  const owner = 'trainStep'
  if (typeof loss !== 'function') {
    throw new DescentError(`${owner}: the loss must be a function (params, batch) => scalar Tensor; got ${typeof loss}`)
  }
  const hasAux = checkBoolean(owner, 'options.hasAux', options.hasAux ?? false)
  const donate = checkBoolean(owner, 'options.donate', options.donate ?? false)
  const diagnostics = checkBoolean(owner, 'options.diagnostics', options.diagnostics ?? true)
  const valueAndGrad = valueAndGradImpl(owner, loss as (...args: unknown[]) => unknown, {
    hasAux,
    argNames: ['params'],
  })
  // A pure step of an Adam-family optimizer (adam, adamw, nadam, nadamw) runs the update first and sums Σg² in the
  // kernel's pass over g (where it is in wasm memory anyway), instead of a pass over every gradient before it: the
  // update has no effect until its state is returned, and is dropped when the checks below refuse the step. A donated
  // step writes in place, and other optimizers may do anything with a non-finite gradient: they check first.
  const updateFirst = !donate && fusesGradients(optimizer)
  const update = stateUpdate(owner, optimizer, donate, updateFirst)
  // Legal but almost always wrong hyperparameters (lr ≤ 0, eps = 0 with Adam, b2 < b1, …): reported at step 0.
  const hyper = diagnostics ? hyperparameterDiagnoses(optimizer).map((d) => ({ ...d, step: 0 })) : []
  const lossOnly = (params: PyTree, batch: B): unknown => {
    const out = loss(params as P, batch)
    return hasAux && Array.isArray(out) ? out[0] : out
  }
  return (state, batch) => {
    const [value, grads, aux, unused, traceWarnings] = valueAndGrad(state.params, batch)
    const lossValue = isTensor(value) ? value.item() : value
    const valueFn = (p: PyTree) => lossOnly(p, batch) as number
    // (No ‖g‖ hint for the update that runs first: an Adam tail never reads it.)
    const early = updateFirst
      ? update(state, grads as PyTree, { value: lossValue, grad: grads as PyTree, valueFn })
      : null
    const {
      norm: gradNorm,
      layerRms: layerGradRms,
      deadUnits,
    } = gradStats(grads as PyTree, {
      deadUnits: diagnostics,
      // A param the loss never reads has a zero gradient everywhere: that is disconnectedParam, not dead units or a
      // vanishing layer.
      skip: unused.map((p) => p.replace(/^params/, 'grads')),
      squares: early?.[3] ?? undefined,
    })
    const diagnoses = diagnostics
      ? [
          ...stepChecks(state.step, lossValue, grads as PyTree, gradNorm),
          ...unusedParams(unused, state.step),
          ...traceWarnings.map((d) => ({ ...d, step: state.step })),
          ...(state.step === 0 ? hyper : []),
        ]
      : []
    const withAux = <T extends object>(info: T): T => (hasAux ? { ...info, aux: aux as A } : info)
    if (diagnoses.some((d) => d.code === 'nonFinite')) {
      const info = {
        loss: lossValue,
        gradNorm,
        updateNorm: 0,
        paramNorm: tree.norm(state.params),
        layerGradRms,
        deadUnits,
        diagnoses,
      }
      return [state, withAux(info)]
    }
    const extra = {
      value: lossValue,
      grad: grads as PyTree,
      valueFn,
      // ‖g‖ for a transform that would sum it again (clipByGlobalNorm): gradStats' sum is tree.norm's, the same bits.
      [GRAD_NORM]: gradNorm,
    }
    // Scanning the whole optimizer state every step would cost as much as the other checks together (issue 9's
    // budget), so it runs when a gradient is large enough to overflow a float32 state: Adam's ν squares g (|g| ≳ 1e19),
    // adagrad sums g² (1e24 a step at ‖g‖ = 1e12: 1e14 steps to overflow). A donated state is overwritten by the
    // step, so what was non-finite before (sentinels some states start with) is read first.
    const scanState = diagnostics && gradNorm > STATE_SCAN_GRAD_NORM
    const badBefore = scanState && donate ? nonFiniteStateLeaves(state.optState) : undefined
    const [next, updates, squares] = early ?? update(state, grads as PyTree, extra)
    if (scanState) {
      const badAfter = nonFiniteStateLeaves(next.optState)
      const found =
        badAfter.size === 0
          ? []
          : stateChecks(state.step, badBefore ?? nonFiniteStateLeaves(state.optState), badAfter, donate)
      if (found.length > 0) diagnoses.push(...found)
      if (found.length > 0 && !donate) {
        const info = {
          loss: lossValue,
          gradNorm,
          updateNorm: 0,
          paramNorm: tree.norm(state.params),
          layerGradRms,
          deadUnits,
          diagnoses,
        }
        return [state, withAux(info)]
      }
    }
    // The fused Adam step sums ‖u‖² and ‖θ′‖² in its own pass (the same bits as stepNorms); other steps return u.
    const [updateNorm, paramNorm] =
      squares !== null ? [Math.sqrt(squares[0]), Math.sqrt(squares[1])] : stepNorms(updates!, next.params)
    const info = {
      loss: lossValue,
      gradNorm,
      updateNorm,
      paramNorm,
      layerGradRms,
      deadUnits,
      diagnoses,
    }
    return [next as TrainState<P, S>, withAux(info)]
  }
}

/** ‖g‖ above which trainStep scans the optimizer state for values the step made non-finite (see there). */
const STATE_SCAN_GRAD_NORM = 1e12

/** `disconnectedParam`: params the loss never reads get a zero gradient and are never trained. */
function unusedParams(paths: readonly string[], step: number): Diagnosis[] {
  if (paths.length === 0) return []
  return [
    {
      code: 'disconnectedParam',
      severity: 'warning',
      step,
      path: paths[0]!,
      message: `${paths.length === 1 ? 'a param leaf never reaches' : `${paths.length} param leaves never reach`} the loss, so their gradient is 0 and they never train: ${paths.join(', ')}`,
      fix: 'use them in the loss (a layer left out of the forward pass?), or remove them from the params (or freeze them with masked/freeze)',
    },
  ]
}
