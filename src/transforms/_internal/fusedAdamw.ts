import { chain } from '../../core/chain'
import { DescentError } from '../../core/errors'
import { checkBoolean } from '../../core/hyperparams'
import { type Tensor, fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, Leaf, ScalarOrSchedule } from '../../core/types'
import { adamwFused } from '../../kernels/fused/adamwFused'
import { type PendingApply, recordPendingApply } from '../../kernels/fused/pendingApply'
import type { AdamwOut } from '../../kernels/wasm/index'
import { type AddDecayedWeightsOptions, type AddDecayedWeightsState, addDecayedWeights } from '../addDecayedWeights'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../scaleByLearningRate'

type State = readonly [ScaleByAdamState, AddDecayedWeightsState, ScaleByLearningRateState]

/** Options of the adamw chain (the same as AdamWOptions in optimizers/adamw). */
export interface FusedAdamwOptions extends ScaleByAdamOptions, AddDecayedWeightsOptions {
  readonly weightDecay?: ScalarOrSchedule | undefined
  /** Donate the state passed to update (see AdamWOptions.donate). */
  readonly donate?: boolean | undefined
}

const DONATED =
  'adamw({ donate: true }): this state was donated to an earlier update and its buffers now hold newer moments. ' +
  'Pass the state returned by the last update, or create the optimizer without donate.'

const isF32 = (x: Leaf): x is Tensor => isTensor(x) && x.dtype === 'float32'

function sameShape(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length) return false
  for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== b.shape[i]) return false
  return true
}

/**
 * @internal `chain(scaleByAdam, addDecayedWeights, scaleByLearningRate)` with a fused update: when every leaf of the
 * updates, params and moments is a float32 tensor of matching shape and no mask is set, one kernel pass per leaf
 * computes m′, v′ and the final update (src/kernels/fused), bit-identical to the chain. Anything else — numbers,
 * float64, masks, missing params, mismatched trees — runs the chain itself, which also raises its errors.
 * The state has exactly the chain's type and values, so the two paths can alternate from step to step.
 */
export function fusedAdamw(
  learningRate: ScalarOrSchedule,
  options: FusedAdamwOptions = {},
): GradientTransformation<State> {
  const adamTx = scaleByAdam(options)
  const wdOption = options.weightDecay ?? 1e-4
  const wdTx = addDecayedWeights({ weightDecay: wdOption, mask: options.mask })
  const lrTx = scaleByLearningRate(learningRate)
  const chained = chain(adamTx, wdTx, lrTx)
  const donate = checkBoolean('adamw', 'options.donate', options.donate ?? false)
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
  const masked = options.mask !== undefined && options.mask !== null
  // addDecayedWeights skips a literal 0 (the updates come back unchanged, even for non-finite params).
  const applyWd = !(typeof wdOption === 'number' && wdOption === 0)

  const update: GradientTransformation<State>['update'] = (updates, state, params, extra) => {
    if (donate && consumed.has(state)) throw new DescentError(DONATED)
    if (masked || params === undefined || params === null) return chained.update(updates, state, params, extra)
    const [adamState, wdState, lrState] = state
    const gs = tree.leaves(updates)
    const ps = tree.leaves(params)
    const ms = tree.leaves(adamState.mu)
    const vs = tree.leaves(adamState.nu)
    const n = gs.length
    if (n === 0 || ps.length !== n || ms.length !== n || vs.length !== n)
      return chained.update(updates, state, params, extra)
    for (let i = 0; i < n; i++) {
      const g = gs[i]!
      const p = ps[i]!
      const m = ms[i]!
      const v = vs[i]!
      if (
        !isF32(g) ||
        !isF32(p) ||
        !isF32(m) ||
        !isF32(v) ||
        !sameShape(g, p) ||
        !sameShape(g, m) ||
        !sameShape(g, v)
      ) {
        return chained.update(updates, state, params, extra)
      }
    }
    const def = tree.structure(updates)
    const key = JSON.stringify(def)
    if (key !== JSON.stringify(tree.structure(params)) || key !== JSON.stringify(tree.structure(adamState.mu))) {
      return chained.update(updates, state, params, extra)
    }
    // Host-side float64 scalars, computed exactly as the unfused transforms compute them. The weight-decay rate and
    // the learning-rate scale come from the transforms themselves on a one-number probe tree (0 + λ·1 = λ, s·1 = s),
    // which also advances their schedule counts.
    const [wdProbe, wdNext] = wdTx.update([0], wdState, [1])
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
    for (const x of [...ps, ...gs]) seen.add((x as Tensor).data.buffer)
    const mOut: Leaf[] = []
    const vOut: Leaf[] = []
    const uOut: Leaf[] = []
    for (let i = 0; i < n; i++) {
      const g = gs[i] as Tensor
      const [pd, gd, md, vd] = [ps[i], g, ms[i], vs[i]].map((t) => (t as Tensor).data as Float32Array) as [
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
        const last = lastApply[i]
        let pNext: Float32Array | undefined
        if (last !== undefined && last.valid) {
          last.valid = false // its buffer is about to hold this step's p′
          pNext = last.out
        } else pNext = recycled[i]
        recycled[i] = undefined
        if (pNext === undefined || pNext.length !== gd.length || seen.has(pNext.buffer))
          pNext = new Float32Array(gd.length)
        seen.add(pNext.buffer)
        out = { m: md, v: vd, u, p: pNext }
      }
      const r = adamwFused(pd, gd, md, vd, scalars, out === undefined ? {} : { out })
      mOut.push(fromStorage(r.m, g.shape))
      vOut.push(fromStorage(r.v, g.shape))
      const uT = fromStorage(r.u, g.shape)
      uOut.push(uT)
      if (out?.p !== undefined) {
        const slot = i
        const entry: PendingApply = {
          p: pd,
          out: out.p,
          valid: true,
          recycle: (b) => {
            recycled[slot] = b
          },
        }
        lastApply[i] = entry
        recordPendingApply(uT, entry)
      }
    }
    const next: State = [
      { count: t, mu: tree.unflatten(def, mOut), nu: tree.unflatten(def, vOut) },
      wdNext as AddDecayedWeightsState,
      lrNext as ScaleByLearningRateState,
    ]
    if (donate) consumed.add(state)
    return [tree.unflatten(def, uOut) as typeof updates, next]
  }
  return { init: chained.init, update }
}
