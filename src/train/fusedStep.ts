import { type Fusible, fusibleOf } from '../core/fusion'
import { type Tensor, fromStorage } from '../core/tensor'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, Leaf, PyTree } from '../core/types'
import { adamwInArena } from '../kernels/fused/adamwArena'
import { ADAMW_WASM_MIN, adamwFused } from '../kernels/fused/adamwFused'
import { PACKED_MAX, adamwPacked } from '../kernels/fused/adamwPacked'
import type { AdamwOut } from '../kernels/wasm/index'
import { outputAheadF32 } from '../kernels/wasm/shared'
import { adamScalars, float32Leaves } from '../transforms/_internal/adamKernel'
import type { ScaleByAdamState } from '../transforms/scaleByAdam'
import { bufferCounts } from './donation'
import { type ArenaSlot, hostAdamState } from './stateArena'

/**
 * @internal Buffers a step may reuse. `donate`: the params and the moments of the state passed in belong to the step
 * (the caller promised never to read them again). `scratch`: per-leaf buffers owned by one stepper (see
 * applyGradients), where the fused kernel writes the updates, which never leave the step.
 */
export interface Ownership {
  readonly donate: boolean
  readonly scratch: Float32Array[] | null
  /** Trees that outlive the step and so must not see a buffer written in place (the new states of earlier parts). */
  readonly held?: readonly PyTree[]
  /** Where a donating stepper keeps the wasm memory its Adam state lives in (absent: plain arrays only). */
  readonly arena?: ArenaSlot
  /** False when the caller never reads the updates (applyGradients): a step may then skip storing them. */
  readonly updates?: boolean
  /**
   * The caller wants ‖u‖² and ‖θ′‖² (trainStep's updateNorm and paramNorm): a step that can sum them in its own pass
   * returns them (and then may skip storing the updates, which the caller reads only for these norms).
   */
  readonly norms?: boolean
  /**
   * With `norms`: the caller also wants Σg² of every gradient leaf (trainStep's gradNorm and layer RMS, which it then
   * need not sum in a pass of its own). Only the Adam tail of the optimizer itself sees the gradients, so a chain
   * with transforms before the tail never returns them.
   */
  readonly gradSquares?: boolean
}

/**
 * @internal The updates (null when the step skipped them, see {@link Ownership.updates} and {@link Ownership.norms}),
 * the next optimizer state, θ + u when the step computed it (else the caller adds; the updates are then never null),
 * [‖u‖², ‖θ′‖²] when asked for and computed in the step (the same bits as tree.norm's sums; else null), and Σg² of
 * each gradient leaf in tree order when asked for ({@link Ownership.gradSquares}; the bits of tree.norm(leaf,
 * { squared: true }); else null).
 */
export type FusedResult = readonly [
  updates: PyTree | null,
  optState: unknown,
  params: PyTree | null,
  squares?: readonly [number, number] | null,
  gradSquares?: readonly number[] | null,
]

/** @internal An optimizer update with θ + u fused in; `null` when these trees do not fit (use the plain update). */
export type FusedUpdate = (
  grads: PyTree,
  optState: unknown,
  params: PyTree,
  extra: ExtraArgs,
  own: Ownership,
) => FusedResult | null

type Part = GradientTransformation<unknown>

/**
 * @internal The fused update of `optimizer`, or `null` when it has none. Fusible: a chain ending in
 * `scaleByAdam → [addDecayedWeights without mask] → scale / scaleByLearningRate` (adam, adamw, nadam, nadamw, and any
 * chain that ends in one of them, e.g. `chain(clipByGlobalNorm(1), adamw(lr))`): the transforms before the tail run
 * as usual, the tail runs as one kernel pass per float32 leaf computing m′, v′, u and θ + u, bit-identical to the
 * chain followed by applyUpdates (the kernel rounds each stage to float32 where the chain stores it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function planFusedUpdate(optimizer: GradientTransformation<any>): FusedUpdate | null {
  const facts = fusibleOf(optimizer)
  if (facts?.kind !== 'chain' || facts.parts.length === 0) return null
  const tail = adamTail(facts.parts)
  if (tail !== null) return tail
  const parts = facts.parts
  const last = planFusedUpdate(parts[parts.length - 1]!)
  if (last === null) return null
  return (grads, optState, params, extra, own) => {
    if (!Array.isArray(optState) || optState.length !== parts.length) return null
    let u: PyTree = grads
    const next: unknown[] = []
    for (let i = 0; i < parts.length - 1; i++) {
      const [ui, si] = parts[i]!.update(u, optState[i], params, extra)
      u = ui
      next.push(si)
    }
    // An earlier part's new state may keep the params (snapshot-like transforms): they must not be written in place.
    // The tail sees the earlier parts' output, not the gradients: it must not sum them as such.
    const r = last(u, optState[parts.length - 1], params, extra, {
      ...own,
      gradSquares: false,
      held: [...(own.held ?? []), ...(next as PyTree[])],
    })
    if (r === null) {
      const [ul, sl] = parts[parts.length - 1]!.update(u, optState[parts.length - 1], params, extra)
      return [ul, [...next, sl], null]
    }
    return [r[0], [...next, r[1]], r[2], r[3] ?? null]
  }
}

/**
 * @internal True when `optimizer` is an Adam tail itself (adam, adamw, nadam, nadamw: no transform before
 * scaleByAdam), so that its fused step reads the gradients as given and can sum Σg² ({@link Ownership.gradSquares}).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fusesGradients(optimizer: GradientTransformation<any>): boolean {
  const facts = fusibleOf(optimizer)
  return facts?.kind === 'chain' && adamTail(facts.parts) !== null
}

type AdamFacts = Extract<Fusible, { kind: 'adamMoments' }>

/** Whether a pure step over leaves of these sizes takes the packed kernel: from ADAMW_WASM_MIN to PACKED_MAX elements. */
function packs(gs: readonly Float32Array[]): boolean {
  let n = 0
  for (const g of gs) n += (g.length + 3) & ~3
  return n >= ADAMW_WASM_MIN && n <= PACKED_MAX
}

function adamTail(parts: readonly Part[]): FusedUpdate | null {
  const kinds = parts.map((p) => fusibleOf(p))
  const adam = kinds[0]
  if (adam?.kind !== 'adamMoments' || kinds[kinds.length - 1]?.kind !== 'scale') return null
  if (parts.length === 2) return adamKernelStep(adam, null, false, parts[1]!)
  if (parts.length === 3 && kinds[1]?.kind === 'decayedWeights') {
    return adamKernelStep(adam, parts[1]!, !kinds[1].literalZero, parts[2]!)
  }
  return null
}

const isAdamState = (s: unknown): s is ScaleByAdamState =>
  typeof s === 'object' && s !== null && typeof (s as ScaleByAdamState).count === 'number'

function adamKernelStep(adam: AdamFacts, wdTx: Part | null, applyWd: boolean, lrTx: Part): FusedUpdate {
  const slots = wdTx === null ? 2 : 3
  return (grads, optState, params, extra, own) => {
    if (!Array.isArray(optState) || optState.length !== slots || !isAdamState(optState[0])) return null
    const adamState = optState[0]
    const f32 = float32Leaves([grads, adamState.mu, adamState.nu, params])
    if (f32 === null) return null
    const [gs, ms, vs, ps] = f32 as [Tensor[], Tensor[], Tensor[], Tensor[]]
    // The decay rate and the final scale from the transforms themselves, on a one-number probe tree (0 + λ·1 = λ,
    // s·1 = s), which also advances their schedule counts exactly as the chain would.
    const [wdProbe, wdNext] = wdTx !== null ? wdTx.update([0], optState[1], [1], extra) : [[0], undefined]
    const [lrProbe, lrNext] = lrTx.update([1], optState[slots - 1], undefined, extra)
    const t = adamState.count + 1
    const c = adamScalars(adam, t, (wdProbe as number[])[0]!, applyWd, (lrProbe as number[])[0]!)
    const mOut: Leaf[] = []
    const vOut: Leaf[] = []
    const uOut: Leaf[] = []
    const pOut: Leaf[] = []
    const data = (ts: Tensor[]) => ts.map((x) => x.data as Float32Array)
    const [g32, m32, v32, p32] = [data(gs), data(ms), data(vs), data(ps)]
    // Donated: the state lives in wasm memory the stepper owns and the kernel updates it there (only g is copied in).
    const arena =
      own.donate && own.arena !== undefined
        ? hostAdamState(own.arena, p32, m32, v32, [grads, ...(own.held ?? [])])
        : null
    // The plain-array path sums ‖u‖² and ‖θ′‖² in its pass when asked (u is then not stored); the arena path does not.
    const sums = own.norms === true && arena === null ? new Float64Array(own.gradSquares === true ? 3 : 2) : null
    const gradSquares: number[] | null = sums !== null && sums.length > 2 ? [] : null
    let [su, sp] = [0, 0]
    const storeU = own.updates !== false && sums === null
    // A pure step over a small tree: all leaves in one kernel call, into one fresh buffer (see adamwPacked).
    const packed =
      arena === null && !own.donate && packs(g32)
        ? adamwPacked(p32, g32, m32, v32, c, {
            storeU,
            squares: sums !== null,
            gradSquares: gradSquares !== null,
          })
        : null
    if (arena !== null) {
      for (let i = 0; i < gs.length; i++) {
        const shape = gs[i]!.shape
        const l = arena.leaves[i]!
        adamwInArena(arena, i, g32[i]!, c, storeU)
        mOut.push(fromStorage(l.m, shape))
        vOut.push(fromStorage(l.v, shape))
        uOut.push(fromStorage(l.u, shape))
        pOut.push(fromStorage(l.p, shape))
      }
    } else if (packed !== null) {
      for (let i = 0; i < gs.length; i++) {
        const shape = gs[i]!.shape
        mOut.push(fromStorage(packed.m[i]!, shape))
        vOut.push(fromStorage(packed.v[i]!, shape))
        if (storeU) uOut.push(fromStorage(packed.u![i]!, shape))
        pOut.push(fromStorage(packed.p[i]!, shape))
        if (packed.squares !== null) {
          su += packed.squares[3 * i]!
          sp += packed.squares[3 * i + 1]!
          gradSquares?.push(packed.squares[3 * i + 2]!)
        }
      }
    } else {
      // Donated buffers are reused only where nothing else in this step reads them (no aliasing between leaves, with
      // the gradients, or between params and moments).
      const counts = own.donate ? bufferCounts([grads, adamState.mu, adamState.nu, params, ...(own.held ?? [])]) : null
      const mine = (a: Float32Array) => counts !== null && counts.get(a.buffer) === 1
      for (let i = 0; i < gs.length; i++) {
        const shape = gs[i]!.shape
        const [g, m, v, p] = [g32[i]!, m32[i]!, v32[i]!, p32[i]!]
        const n = g.length
        let u = own.scratch?.[i]
        if (u === undefined || u.length !== n) {
          u = new Float32Array(n)
          if (own.scratch !== null) own.scratch[i] = u
        }
        const out: AdamwOut = {
          m: mine(m) ? m : outputAheadF32(n),
          v: mine(v) ? v : outputAheadF32(n),
          u,
          p: mine(p) ? p : outputAheadF32(n),
        }
        adamwFused(p, g, m, v, c, { out, storeU, squares: sums ?? undefined })
        if (sums !== null) {
          su += sums[0]!
          sp += sums[1]!
          gradSquares?.push(sums[2]!)
        }
        mOut.push(fromStorage(out.m, shape))
        vOut.push(fromStorage(out.v, shape))
        if (storeU) uOut.push(fromStorage(u, shape))
        pOut.push(fromStorage(out.p!, shape))
      }
    }
    const def = tree.structure(grads)
    const adamNext: ScaleByAdamState = { count: t, mu: tree.unflatten(def, mOut), nu: tree.unflatten(def, vOut) }
    const next = wdTx !== null ? [adamNext, wdNext, lrNext] : [adamNext, lrNext]
    const updates = storeU ? tree.unflatten(def, uOut) : null
    return [updates, next, tree.unflatten(def, pOut), sums !== null ? [su, sp] : null, gradSquares]
  }
}
