import { applyUpdates, applyUpdatesInPlace } from '../core/applyUpdates'
import { checkBoolean } from '../core/hyperparams'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { checkNotDonated, markDonated, writableParams } from './donation'
import { type Ownership, planFusedUpdate } from './fusedStep'
import type { TrainState } from './trainState'

/**
 * Options of {@link applyGradients} and {@link trainStep}.
 * @category train
 * @since 0.2.0
 */
export interface ApplyGradientsOptions {
  /**
   * Donate the state passed in, as with JAX's `donate_argnums`: the step writes the new params and optimizer moments
   * into the buffers of the state it is given instead of fresh arrays, and returns a state over those buffers. The
   * state passed in must never be used again (passing it to a step a second time throws); nothing else changes —
   * the numbers are bit-identical to the default. Buffers that something else shares (tied params, an optimizer that
   * keeps the params, as L-BFGS does) are never written in place. Adam-family steps over a float32 tree of 2048
   * elements or more move the params and moments into WebAssembly memory owned by the step function at the first
   * donated step and update them there from then on (the returned tensors are views of it; only the gradients are
   * copied in): a state donated back to the same step function is updated in place, any other donated state is
   * copied into memory of its own, so a state the caller still holds is never written. Where SharedArrayBuffer and
   * two cores are available (Node; a cross-origin isolated page), a leaf of 2¹⁶ elements or more is stepped by two
   * threads over that memory, with the same bytes as one.
   * @defaultValue false
   */
  readonly donate?: boolean | undefined
}

/**
 * @internal One optimizer step on a TrainState: the next state and the updates that were applied; [‖u‖², ‖θ′‖²] and
 * Σg² per gradient leaf when the fused step summed them (see fusedStep.ts: Ownership.norms, Ownership.gradSquares).
 */
export type StateUpdate = (
  state: TrainState,
  grads: PyTree,
  extra: ExtraArgs,
) => readonly [
  next: TrainState,
  updates: PyTree | null,
  squares: readonly [number, number] | null,
  gradSquares: readonly number[] | null,
]

/**
 * @internal The step shared by applyGradients and trainStep. A stepper owns the scratch buffers its fused kernel
 * writes the updates into; they never leave a step (the returned updates are only read before the next one).
 * `gradSquares`: the fused step also returns Σg² per gradient leaf where it can (see fusedStep.ts).
 */
export function stateUpdate(
  owner: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizer: GradientTransformation<any>,
  donate: boolean,
  gradSquares = false,
): StateUpdate {
  return stepper(owner, optimizer, donate, true, gradSquares)
}

/**
 * The step; with `wantUpdates` false the caller never reads the updates, so a fused step may skip storing them
 * (they are then `null`).
 */
function stepper(
  owner: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizer: GradientTransformation<any>,
  donate: boolean,
  wantUpdates: boolean,
  gradSquares = false,
): StateUpdate {
  const fused = planFusedUpdate(optimizer)
  // A caller that wants the updates (trainStep) reads them only for ‖u‖ and ‖θ′‖: a step that sums those itself
  // returns them instead.
  const own: Ownership = {
    donate,
    scratch: [],
    arena: { current: null },
    updates: wantUpdates,
    norms: wantUpdates,
    gradSquares,
  }
  return (state, grads, extra) => {
    if (donate) checkNotDonated(state, owner)
    const r = fused?.(grads, state.optState, state.params, extra, own) ?? null
    let updates: PyTree | null
    let optState: unknown
    let params: PyTree
    let squares: readonly [number, number] | null = null
    let gradSq: readonly number[] | null = null
    if (r !== null && r[2] !== null) {
      ;[updates, optState, params] = r as [PyTree | null, unknown, PyTree]
      squares = r[3] ?? null
      gradSq = r[4] ?? null
    } else {
      const [u, s] = (r ?? optimizer.update(grads, state.optState, state.params, extra)) as [PyTree, unknown]
      ;[updates, optState] = [u, s]
      params = donate
        ? applyUpdatesInPlace(state.params, u, writableParams(state.params, [u, optState as PyTree]))
        : applyUpdates(state.params, u)
    }
    if (donate) markDonated(state)
    return [{ params, optState, step: state.step + 1 }, updates, squares, gradSq]
  }
}

/**
 * Applies one optimizer step to a {@link TrainState} (flax's `TrainState.apply_gradients`):
 * ```text
 * (u, s′) = optimizer.update(g, s, θ)      θ′ = θ + u      step′ = step + 1
 * ```
 * The optimizer must be the one the state was made with ({@link initTrainState}). Adam-family chains (`adam`, `adamw`,
 * `nadam`, `nadamw`, or a chain ending in one) run as one fused kernel pass per float32 leaf that also computes θ + u,
 * bit-identical to `update` followed by `applyUpdates`. Pure by default; with `{ donate: true }` the step reuses the
 * buffers of the state passed in (see {@link ApplyGradientsOptions.donate}).
 * @param optimizer - The optimizer the state was made with.
 * @param options - {@link ApplyGradientsOptions}.
 * @returns `(state, grads, extra?) => nextState`; `extra` reaches the optimizer's `update` (e.g. `{ value }` for
 * reduceOnPlateau).
 * @throws DescentError when a donated state is passed again; the optimizer's errors (structure, shape) otherwise.
 * @example
 * import { applyGradients, initTrainState, sgd, tensor } from 'descent-ts'
 * const opt = sgd(0.1)
 * const step = applyGradients(opt)
 * const s0 = initTrainState({ w: tensor([1, 2]) }, opt)
 * const s1 = step(s0, { w: tensor([10, -10]) })
 * assert.deepStrictEqual([s1.params.w.toArray(), s1.step], [[0, 3], 1])
 * assert.deepStrictEqual(s0.params.w.toArray(), [1, 2]) // pure: s0 is unchanged
 * @category train
 * @since 0.2.0
 */
export function applyGradients<S>(
  optimizer: GradientTransformation<S>,
  options: ApplyGradientsOptions = {},
): <P extends PyTree>(state: TrainState<P, S>, grads: P, extra?: ExtraArgs) => TrainState<P, S> {
  const donate = checkBoolean('applyGradients', 'options.donate', options.donate ?? false)
  const update = stepper('applyGradients', optimizer, donate, false)
  return <P extends PyTree>(state: TrainState<P, S>, grads: P, extra: ExtraArgs = {}) =>
    update(state, grads, extra)[0] as TrainState<P, S>
}
