// Shared helpers of the bench workloads: timing and the result line the runner parses.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const quick = process.argv.includes('--quick')

export interface Row {
  /** workload id, e.g. 'adam-1e6' */
  readonly workload: string
  /** implementation, e.g. 'descent adamw (public API)' */
  readonly impl: string
  /** 'descent' or 'peer' or 'limit' */
  readonly kind: 'descent' | 'peer' | 'limit'
  readonly medianMs: number
  readonly minMs: number
  readonly reps: number
  /** extra figure, e.g. GFLOP/s */
  readonly gflops?: number
  readonly note?: string
}

export async function time(
  fn: () => unknown | Promise<unknown>,
  warmup: number,
  reps: number,
): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn()
  const ts: number[] = []
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    await fn()
    ts.push(performance.now() - t0)
  }
  ts.sort((a, b) => a - b)
  return { median: ts[Math.floor(ts.length / 2)]!, min: ts[0]! }
}

export function emit(rows: readonly Row[]): void {
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
  readonly step: () => unknown | Promise<unknown>
  /** fewer repetitions for very slow implementations */
  readonly reps?: number
  readonly note?: string
}

/**
 * Times several implementations round-robin (warm-up for each, then one step of each per round), so that load
 * drifting on a shared machine hits all of them alike and the ratios stay meaningful.
 */
export async function interleaved(
  workload: string,
  impls: readonly Impl[],
  warmup: number,
  reps: number,
): Promise<Row[]> {
  for (const x of impls) for (let i = 0; i < warmup; i++) await x.step()
  const times = impls.map(() => [] as number[])
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < impls.length; j++) {
      const x = impls[j]!
      if (r >= (x.reps ?? reps)) continue
      const t0 = performance.now()
      await x.step()
      times[j]!.push(performance.now() - t0)
    }
  }
  return impls.map((x, j) => {
    const ts = times[j]!.sort((a, b) => a - b)
    return {
      workload,
      impl: x.impl,
      kind: x.kind,
      medianMs: ts[Math.floor(ts.length / 2)]!,
      minMs: ts[0]!,
      reps: ts.length,
      ...(x.note === undefined ? {} : { note: x.note }),
    }
  })
}
