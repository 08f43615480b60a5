import { chain } from '../../core/chain'
import { DescentError } from '../../core/errors'
import { checkBoolean } from '../../core/hyperparams'
import { type Tensor, fromStorage, isTensor } from '../../core/tensor'
import { sameShape } from '../../core/leafMath'
import * as tree from '../../core/tree'
import type { GradientTransformation, Leaf, ScalarOrSchedule } from '../../core/types'
import { adamwFused } from '../../kernels/fused/adamwFused'
import { type PendingApply, recordPendingApply } from '../../kernels/fused/pendingApply'
import type { AdamwOut } from '../../kernels/wasm/index'
import { type AddDecayedWeightsOptions, type AddDecayedWeightsState, addDecayedWeights } from '../addDecayedWeights'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../scaleByLearningRate'

type State = readonly [ScaleByAdamState, AddDecayedWeightsState, ScaleByLearningRateState]
type AdamState = readonly [ScaleByAdamState, ScaleByLearningRateState]

/** Options of the adamw chain (the same as AdamWOptions in optimizers/adamw). */
export interface FusedAdamwOptions extends ScaleByAdamOptions, AddDecayedWeightsOptions {
  readonly weightDecay?: ScalarOrSchedule | undefined
  /** Donate the state passed to update (see AdamWOptions.donate). */
  readonly donate?: boolean | undefined
}

const donated = (owner: string): string =>
  `${owner}({ donate: true }): this state was donated to an earlier update and its buffers now hold newer moments. ` +
  'Pass the state returned by the last update, or create the optimizer without donate.'

const isF32 = (x: Leaf): x is Tensor => isTensor(x) && x.dtype === 'float32'

/**
 * @internal `chain(scaleByAdam, addDecayedWeights, scaleByLearningRate)` with a fused update: when every leaf of the
 * updates, params and moments is a float32 tensor of matching shape and no mask is set, one kernel pass per leaf
 * computes m′, v′ and the final update (src/kernels/fused), bit-identical to the chain. Anything else — numbers,
 * float64, masks, missing params, mismatched trees — runs the chain itself, which also raises its errors.
 * The state has exactly the chain's type and values, so the two paths can alternate from step to step.
 */
export const fusedAdamw = (learningRate: ScalarOrSchedule, options: FusedAdamwOptions = {}) =>
  fusedAdamChain('adamw', learningRate, options, true) as unknown as GradientTransformation<State>

/**
 * @internal `chain(scaleByAdam, scaleByLearningRate)` (optax's `adam`) with the same fused update as
 * {@link fusedAdamw} (no weight decay; the params are optional and only used to compute p′ ahead when donating).
 */
export const fusedAdam = (learningRate: ScalarOrSchedule, options: ScaleByAdamOptions & FusedDonate = {}) =>
  fusedAdamChain('adam', learningRate, options, false) as unknown as GradientTransformation<AdamState>

interface FusedDonate {
  readonly donate?: boolean | undefined
}

function fusedAdamChain(
  owner: string,
  learningRate: ScalarOrSchedule,
  options: FusedAdamwOptions,
  withWd: boolean,
): GradientTransformation<readonly unknown[]> {
  const adamTx = scaleByAdam(options)
  const wdOption = withWd ? (options.weightDecay ?? 1e-4) : 0
  const wdTx = withWd ? addDecayedWeights({ weightDecay: wdOption, mask: options.mask }) : null
  const lrTx = scaleByLearningRate(learningRate)
  const chained = (wdTx !== null
    ? chain(adamTx, wdTx, lrTx)
    : chain(adamTx, lrTx)) as unknown as GradientTransformation<readonly unknown[]>
  const donate = checkBoolean(owner, 'options.donate', options.donate ?? false)
  // donate: states already consumed, and the optimizer-owned update buffers (one per leaf position).
  const consumed = new WeakSet<object>()
  const scratch: Float32Array[] = []
  // donate: p′ = p + u computed in the same pass into an optimizer-owned buffer, for applyUpdates to pick up
  // (kernels/fused/pendingApply): the last entry per leaf, and the params buffer applyUpdates({ donate }) gave back.
  const lastApply: (PendingApply | undefined)[] = []
  const recycled: (Float32Array | undefined)[] = []
  const b1 = options.b1 ?? 0.9
  const b2 = options.b2 ?? 0.999
  const eps = options.eps ?? 1e-8
  const epsRoot = options.epsRoot ?? 0
  const nesterov = options.nesterov ?? false
  const masked = withWd && options.mask !== undefined && options.mask !== null
  // addDecayedWeights skips a literal 0 (the updates come back unchanged, even for non-finite params).
  const applyWd = withWd && !(typeof wdOption === 'number' && wdOption === 0)

  const update: GradientTransformation<readonly unknown[]>['update'] = (updates, state, params, extra) => {
    if (donate && consumed.has(state)) throw new DescentError(donated(owner))
    const hasParams = params !== undefined && params !== null
    if (masked || (withWd && !hasParams)) return chained.update(updates, state, params, extra)
    const adamState = state[0] as ScaleByAdamState
    const wdState = withWd ? (state[1] as AddDecayedWeightsState) : undefined
    const lrState = state[withWd ? 2 : 1] as ScaleByLearningRateState
    const gs = tree.leaves(updates)
    const ms = tree.leaves(adamState.mu)
    const vs = tree.leaves(adamState.nu)
    const n = gs.length
    if (n === 0 || ms.length !== n || vs.length !== n) return chained.update(updates, state, params, extra)
    for (let i = 0; i < n; i++) {
      const g = gs[i]!
      const m = ms[i]!
      const v = vs[i]!
      if (!isF32(g) || !isF32(m) || !isF32(v) || !sameShape(g, m) || !sameShape(g, v)) {
        return chained.update(updates, state, params, extra)
      }
    }
    if (!tree.equalStructure(updates, adamState.mu)) return chained.update(updates, state, params, extra)
    // The params: required (and read) with weight decay; for adam only used to compute p′ ahead when donating, and
    // ignored (as the chain ignores them) when they do not match.
    let ps: Leaf[] | null = hasParams ? tree.leaves(params!) : null
    if (ps !== null) {
      let ok = ps.length === n && tree.equalStructure(updates, params!)
      for (let i = 0; ok && i < n; i++) ok = isF32(ps[i]!) && sameShape(gs[i] as Tensor, ps[i] as Tensor)
      if (!ok) {
        if (withWd) return chained.update(updates, state, params, extra)
        ps = null
      }
    }
    // Host-side float64 scalars, computed exactly as the unfused transforms compute them. The weight-decay rate and
    // the learning-rate scale come from the transforms themselves on a one-number probe tree (0 + λ·1 = λ, s·1 = s),
    // which also advances their schedule counts.
    const [wdProbe, wdNext] = wdTx !== null ? wdTx.update([0], wdState!, [1]) : [[0], undefined]
    const [lrProbe, lrNext] = lrTx.update([1], lrState)
    const t = adamState.count + 1
    const scalars = {
      b1,
      b2,
      bc1: 1 - b1 ** t,
      bc2: 1 - b2 ** t,
      bc1Next: 1 - b1 ** (t + 1),
      eps,
      epsRoot,
      wd: (wdProbe as number[])[0]!,
      applyWd,
      s: (lrProbe as number[])[0]!,
      nesterov,
    }
    const seen = new Set<ArrayBufferLike>()
    for (const x of [...(ps ?? []), ...gs]) seen.add((x as Tensor).data.buffer)
    const mOut: Leaf[] = []
    const vOut: Leaf[] = []
    const uOut: Leaf[] = []
    for (let i = 0; i < n; i++) {
      const g = gs[i] as Tensor
      // Without params (adam only) the kernel reads g in p's place and never uses it (no weight decay, no p′).
      const [pd, gd, md, vd] = [ps?.[i] ?? g, g, ms[i], vs[i]].map((t) => (t as Tensor).data as Float32Array) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ]
      let out: AdamwOut | undefined
      // Donate only moment buffers that alias nothing else in this step (not each other, the params, the gradients
      // or another leaf's moments).
      if (donate && md.buffer !== vd.buffer && !seen.has(md.buffer) && !seen.has(vd.buffer)) {
        seen.add(md.buffer)
        seen.add(vd.buffer)
        let u = scratch[i]
        if (u === undefined || u.length !== gd.length || seen.has(u.buffer))
          scratch[i] = u = new Float32Array(gd.length)
        seen.add(u.buffer)
        out = { m: md, v: vd, u }
      }
      const last = ps !== null ? lastApply[i] : undefined
      let stale: Float32Array | undefined
      if (last !== undefined && last.valid) {
        last.valid = false // never applied: its p′ (if any) is the optimizer's again, and about to be overwritten
        stale = last.out
      }
      // Pure path: compute p′ ahead (a fresh array) only while the previous one was taken by applyUpdates.
      const speculate = ps !== null && out === undefined && (last === undefined || last.taken)
      if (out !== undefined && ps !== null) {
        let pNext = stale ?? recycled[i]
        recycled[i] = undefined
        if (pNext === undefined || pNext.length !== gd.length || seen.has(pNext.buffer))
          pNext = new Float32Array(gd.length)
        seen.add(pNext.buffer)
        out = { ...out, p: pNext }
      }
      const r = adamwFused(pd, gd, md, vd, scalars, out === undefined ? { applyParams: speculate } : { out })
      mOut.push(fromStorage(r.m, g.shape))
      vOut.push(fromStorage(r.v, g.shape))
      const uT = fromStorage(r.u, g.shape)
      uOut.push(uT)
      if (ps !== null) {
        const slot = i
        const entry: PendingApply = {
          p: pd,
          out: r.p,
          valid: true,
          taken: false,
          // Only a donating optimizer reuses a handed-back params buffer (a pure one would just keep it alive).
          recycle: (b) => {
            if (donate) recycled[slot] = b
          },
        }
        lastApply[i] = entry
        recordPendingApply(uT, entry)
      }
    }
    const def = tree.structure(updates)
    const adamNext: ScaleByAdamState = { count: t, mu: tree.unflatten(def, mOut), nu: tree.unflatten(def, vOut) }
    const next = withWd ? [adamNext, wdNext, lrNext] : [adamNext, lrNext]
    if (donate) consumed.add(state)
    return [tree.unflatten(def, uOut) as typeof updates, next]
  }
  return { init: chained.init, update }
}
