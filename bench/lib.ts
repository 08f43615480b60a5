// Shared helpers of the bench workloads: timing, the one-implementation-per-process switch and the result line the
// runner parses.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * --smoke (what `npm test` runs: it only has to show that every workload still runs): --quick's workloads and sizes,
 * each implementation built and stepped once, without warm-up. Its times are no figures at all.
 */
export const smoke = process.argv.includes('--smoke')
export const quick = smoke || process.argv.includes('--quick')
/** The warm-up steps to run: none in a smoke run. */
export const warmups = (n: number): number => (smoke ? 0 : n)
/** --steps-warmup: warm up by step count only (the bench's method before round 4 of issue 13). */
const stepsWarmupOnly = process.argv.includes('--steps-warmup')
/**
 * The least warm-up time, in ms of the implementation's own steps: none in a smoke run or with --steps-warmup, a
 * tenth in a quick one.
 */
export const warmupTime = (ms: number): number => (smoke || stepsWarmupOnly ? 0 : quick ? ms / 10 : ms)

/**
 * Steps `fn` at least `steps` times and for at least `ms` milliseconds. A step whose cost is mostly JavaScript (a
 * small model's train step: tracing, tree walks, many small kernels) keeps getting faster for hundreds of steps while
 * V8 tiers its functions up; a fixed handful of warm-up steps would time that ramp, not the steady state a training
 * loop of thousands of steps runs in. Every implementation, peers included, gets the same budget.
 */
export async function warmUp(fn: () => unknown | Promise<unknown>, steps: number, ms: number): Promise<void> {
  const end = performance.now() + warmupTime(ms)
  for (let i = 0; i < warmups(steps) || performance.now() < end; i++) await fn()
}
/** The timed repetitions to run: one in a smoke run. */
export const repetitions = (n: number): number => (smoke ? 1 : n)

export interface Row {
  /** workload id, e.g. 'adam-1e6' */
  readonly workload: string
  /** implementation, e.g. 'descent applyGradients(adamw, { donate: true })' */
  readonly impl: string
  /** 'descent' or 'peer' or 'limit' */
  readonly kind: 'descent' | 'peer' | 'limit'
  readonly medianMs: number
  readonly minMs: number
  readonly reps: number
  /** extra figure, e.g. GFLOP/s */
  readonly gflops?: number
  readonly note?: string
  /** minor page faults per timed step (this process, every thread) */
  readonly faultsPerStep?: number
  /** median when this implementation ran alone in its own process (`npm run bench -- --isolate`) */
  readonly ownMedianMs?: number
  /** faults per step when it ran alone */
  readonly ownFaultsPerStep?: number
  /** with `--rounds N` (N > 1): the median of each of the N shared-process runs (`medianMs` is their median) */
  readonly medianRunsMs?: readonly number[]
  /** with `--rounds N` and `--isolate`: the median of each of the N own-process runs (`ownMedianMs` is their median) */
  readonly ownMedianRunsMs?: readonly number[]
}

/**
 * One timed step. A synchronous step is timed without an `await`, which would also time the promise callbacks other
 * implementations left queued; an asynchronous one until its promise settles. Then, untimed, the event loop turns
 * once, so that what a step leaves behind (promise callbacks, timers, finalizers) runs outside every timed region.
 */
async function timedStep(fn: () => unknown, faults: { n: number }): Promise<number> {
  const f0 = minorFaults()
  const t0 = performance.now()
  const r = fn()
  if (r instanceof Promise) await r
  const dt = performance.now() - t0
  faults.n += minorFaults() - f0
  await new Promise((resolve) => setImmediate(resolve))
  return dt
}

/**
 * Minor page faults of this process so far (every thread): the first write to each 4 KiB page of fresh memory. A
 * step that returns fresh arrays takes them; where faults are dear (~10 µs each under gVisor against well under 1 µs
 * on a plain Linux kernel; bench/page-faults.ts) they explain much of the gap between a row's median and minimum.
 */
const minorFaults = (): number => process.resourceUsage().minorPageFault

/** The median of `xs` as every bench figure takes it: the upper middle value for an even count (`xs` is not sorted). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

export async function time(
  fn: () => unknown | Promise<unknown>,
  warmup: number,
  reps: number,
  warmupMs = 0,
): Promise<{ median: number; min: number; faultsPerStep: number }> {
  await warmUp(fn, warmup, warmupMs)
  const ts: number[] = []
  const faults = { n: 0 }
  for (let i = 0; i < repetitions(reps); i++) {
    ts.push(await timedStep(fn, faults))
  }
  return { median: median(ts), min: Math.min(...ts), faultsPerStep: faults.n / ts.length }
}

export function emitRows(rows: readonly Row[]): void {
  process.stdout.write(`@@RESULT ${JSON.stringify(rows)}\n`)
}

export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  let x = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    out[i] = (x / 4294967296 - 0.5) * 2 * scale
  }
  return out
}

const require = createRequire(import.meta.url)

/** TF.js with its cpu or wasm backend (the umbrella package, which registers the gradients). */
export async function loadTf(backend: 'cpu' | 'wasm'): Promise<typeof import('@tensorflow/tfjs')> {
  const tf = await import('@tensorflow/tfjs')
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
    wasm.setWasmPaths(join(dir, 'dist') + '/')
  }
  await tf.setBackend(backend)
  await tf.ready()
  return tf
}

/** jax-js on its Wasm device (in Node a bare init() throws: navigator is not defined). */
export async function loadJax(): Promise<typeof import('@jax-js/jax')> {
  const jax = await import('@jax-js/jax')
  await jax.init('cpu', 'wasm')
  jax.defaultDevice('wasm')
  return jax
}

export interface Impl {
  readonly impl: string
  readonly kind: Row['kind']
  /** builds the implementation's state (loading its library) and returns one step */
  readonly make: () => Promise<() => unknown | Promise<unknown>> | (() => unknown | Promise<unknown>)
  /** fewer repetitions for very slow implementations */
  readonly reps?: number
  /** fewer warm-up steps for very slow implementations */
  readonly warmup?: number
  /**
   * timed on its own after the round-robin (TF.js cpu: switching TF.js backends per step would move the variables
   * between backends)
   */
  readonly alone?: boolean
  readonly note?: string
}

/**
 * Times several implementations round-robin (warm-up for each, then one step of each per round), so that load
 * drifting on a shared machine hits all of them alike and the ratios stay meaningful.
 */
async function interleaved(
  workload: string,
  impls: readonly Impl[],
  steps: readonly (() => unknown)[],
  warmup: number,
  reps: number,
  warmupMs: number,
): Promise<Row[]> {
  for (let j = 0; j < impls.length; j++) await warmUp(steps[j]!, impls[j]!.warmup ?? warmup, warmupMs)
  const times = impls.map(() => [] as number[])
  const faults = impls.map(() => ({ n: 0 }))
  for (let r = 0; r < repetitions(reps); r++) {
    // The order turns by one each round, so that no implementation always runs right after the same other one
    // (whose garbage, cache footprint and queued callbacks it would otherwise always inherit).
    for (let i = 0; i < impls.length; i++) {
      const j = (i + r) % impls.length
      if (r >= repetitions(impls[j]!.reps ?? reps)) continue
      times[j]!.push(await timedStep(steps[j]!, faults[j]!))
    }
  }
  return impls.map((x, j) => {
    const ts = times[j]!.sort((a, b) => a - b)
    return row(workload, x, ts[Math.floor(ts.length / 2)]!, ts[0]!, ts.length, faults[j]!.n / ts.length)
  })
}

const row = (workload: string, x: Impl, medianMs: number, minMs: number, reps: number, faultsPerStep: number): Row => ({
  workload,
  impl: x.impl,
  kind: x.kind,
  medianMs,
  minMs,
  reps,
  faultsPerStep,
  ...(x.note === undefined ? {} : { note: x.note }),
})

/**
 * Runs a workload's implementations and emits the result line. By default the `alone: false` ones round-robin in
 * this process and the `alone` ones after them. `--list` prints the implementation names (`@@IMPLS [...]`) without
 * building any; `--impl <k>` builds and times only the k-th one, so that the runner can time each implementation
 * in a process of its own (`npm run bench -- --isolate`): a peer sharing a process pays for descent's garbage.
 */
export async function runWorkload(
  workload: string,
  impls: readonly Impl[],
  warmup: number,
  reps: number,
  /** warmupMs: see {@link warmUp}; flops: floating-point operations per step, for a GFLOP/s column */
  { warmupMs = 0, flops }: { readonly warmupMs?: number; readonly flops?: number } = {},
) {
  const emit = (rows: readonly Row[]) =>
    emitRows(flops === undefined ? rows : rows.map((r) => ({ ...r, gflops: flops / r.medianMs / 1e6 })))
  if (process.argv.includes('--list')) {
    process.stdout.write(`@@IMPLS ${JSON.stringify(impls.map((x) => x.impl))}\n`)
    return
  }
  const at = process.argv.indexOf('--impl')
  if (at >= 0) {
    const x = impls[Number(process.argv[at + 1])]
    if (x === undefined) throw new RangeError(`--impl ${process.argv[at + 1]}: no such implementation`)
    const n = repetitions(x.reps ?? reps)
    const r = await time(await x.make(), x.warmup ?? warmup, n, warmupMs)
    emit([row(workload, x, r.median, r.min, n, r.faultsPerStep)])
    return
  }
  const shared = impls.filter((x) => x.alone !== true)
  const steps: (() => unknown)[] = []
  for (const x of shared) steps.push(await x.make())
  const rows = await interleaved(workload, shared, steps, warmup, reps, warmupMs)
  for (const x of impls.filter((y) => y.alone === true)) {
    const n = repetitions(x.reps ?? reps)
    const r = await time(await x.make(), x.warmup ?? warmup, n, warmupMs)
    rows.push(row(workload, x, r.median, r.min, n, r.faultsPerStep))
  }
  emit(rows)
}
