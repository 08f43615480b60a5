// What fresh memory costs on this machine, and how many page faults each kind of step takes in a steady loop.
//   npx tsx bench/page-faults.ts [steps]
// A pure step returns fresh arrays (θ′, m′, v′, and every op's result); the first write to each 4 KiB page of a
// fresh mmap'd allocation is a minor page fault. Where faults are expensive (a sandboxed kernel such as gVisor) they
// are a large share of a pure step that no kernel work removes; the donated rows and the peers (whose arrays live in
// a wasm heap they reuse) take few. Counts come from getrusage (process.resourceUsage().minorPageFault), this thread
// and the worker together.
import { Worker } from 'node:worker_threads'
import { adamw, applyGradients, initTrainState, tensor, trainStep } from '../src/index'
import { matmulWasm } from '../src/kernels/wasm/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { median, randomF32 } from './lib'
import { mlpProblem } from './mlpProblem'

const steps = Number(process.argv[2] ?? 200)
const faults = () => process.resourceUsage().minorPageFault
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

// ms per MiB to write fresh memory (3 × 4 MiB allocated and filled, kept until the next round) against writing
// the same arrays again.
async function freshCost(): Promise<void> {
  const n = 1 << 20
  const fresh: number[] = []
  const again: number[] = []
  let keep: Float32Array[] = []
  for (let i = 0; i < 8; i++) {
    const arrays = [new Float32Array(n), new Float32Array(n), new Float32Array(n)]
    const t0 = performance.now()
    for (const a of arrays) a.fill(1)
    const t1 = performance.now()
    for (const a of arrays) a.fill(2)
    fresh.push((t1 - t0) / 12)
    again.push((performance.now() - t1) / 12)
    keep = arrays
    await turn()
  }
  console.log(
    `fresh memory: ${median(fresh).toFixed(3)} ms per MiB on first write, ${median(again).toFixed(3)} ms per MiB ` +
      `written again (${keep.length} arrays of 4 MiB a round, 8 rounds)`,
  )
}

// Runs `step` for `steps` steps after as many warm-up steps; prints ms and faults per step.
async function measure(name: string, step: () => unknown, n = steps): Promise<void> {
  for (let i = 0; i < n; i++) (step(), await turn())
  const f0 = faults()
  let ms = 0
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    step()
    ms += performance.now() - t0
    await turn()
  }
  const per = (faults() - f0) / n
  console.log(
    `${name}: ${(ms / n).toFixed(3)} ms/step, ${per.toFixed(0)} faults/step (${((per * 4) / 1024).toFixed(2)} MiB)`,
  )
}

function mlp(din: number, dh: number, dout: number, batch: number, donate: boolean): () => unknown {
  const { params, data, loss } = mlpProblem(din, dh, dout, batch)
  const tx = adamw(1e-3)
  const step = trainStep(loss, tx, { donate })
  let state = initTrainState(params(), tx)
  return () => {
    state = step(state, data)[0]
  }
}

function adam(n: number, donate: boolean): () => unknown {
  const tx = adamw(1e-3, { weightDecay: 1e-4 })
  const step = applyGradients(tx, { donate })
  const grads = { w: tensor(randomF32(n, 1, 0.1), [n]) }
  let state = initTrainState({ w: tensor(randomF32(n, 2), [n]) }, tx)
  return () => {
    state = step(state, grads)
  }
}

// ms per MiB to write fresh 40 MiB arrays (above glibc's 32 MiB mmap ceiling: each one mapped fresh, as a pure 10⁷
// step's outputs are), three on this thread, then three on this thread and three on a worker at once: whether the
// faults of a pure step could go twice as fast split over both threads (docs/performance.md, round 10).
async function freshCostTwoThreads(): Promise<void> {
  // Stringified for the worker, so nothing from this scope inside.
  const fill = (count: number): void => {
    for (let k = 0; k < count; k++) {
      const b = new Uint8Array(40 << 20)
      for (let i = 0; i < b.length; i += 4096) b[i] = 1
    }
  }
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads')
     const fill = ${fill.toString()}
     parentPort.on('message', (count) => { fill(count); parentPort.postMessage(0) })`,
    { eval: true },
  )
  const one: number[] = []
  const two: number[] = []
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now()
    fill(3)
    one.push((performance.now() - t0) / 120)
    const t1 = performance.now()
    const done = new Promise((resolve) => w.once('message', resolve))
    w.postMessage(3)
    fill(3)
    await done
    two.push((performance.now() - t1) / 240)
  }
  await w.terminate()
  console.log(
    `fresh 40 MiB arrays: ${median(one).toFixed(2)} ms per MiB on one thread, ${median(two).toFixed(2)} ms per MiB ` +
      'of both with two threads writing at once (3 arrays a thread, 4 rounds)',
  )
}

await whenThreadsReady()
await freshCost()
await freshCostTwoThreads()
await measure('MLP 784-256-10 b128 trainStep pure', mlp(784, 256, 10, 128, false))
await measure('MLP 784-256-10 b128 trainStep donated', mlp(784, 256, 10, 128, true))
await measure('MLP 64-64-10 b32 trainStep pure', mlp(64, 64, 10, 32, false), steps * 10)
await measure('MLP 64-64-10 b32 trainStep donated', mlp(64, 64, 10, 32, true), steps * 10)
await measure('Adam 1e6 applyGradients pure', adam(1e6, false), steps / 4)
await measure('Adam 1e6 applyGradients donated', adam(1e6, true), steps / 4)
await measure('Adam 1e7 applyGradients pure', adam(1e7, false), 10)
await measure('Adam 1e7 applyGradients donated', adam(1e7, true), 10)
const [a, b] = [randomF32(1 << 20, 1), randomF32(1 << 20, 2)]
await measure(
  'matmul 1024³ one thread (fresh 4 MiB result)',
  () => matmulWasm(a, b, 1024, 1024, 1024, { threads: 1 }),
  10,
)
