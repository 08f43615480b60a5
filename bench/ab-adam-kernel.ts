// A/B in one process, interleaved: the donated applyGradients(adamw) step of an older checkout against this tree's.
// Same API on both sides, so this isolates what changed below it: the f64x2 Adam kernel (last at commit 08bc835^)
// against the f32x4 one, or the chunk copies in and out of wasm memory (last at abbe827^) against state that lives
// there (src/train/stateArena.ts).
//   git archive 08bc835^ src | (mkdir -p /tmp/old-f64 && tar -x -C /tmp/old-f64) && ln -sfn "$PWD/node_modules" /tmp/old-f64/
//   npx tsx bench/ab-adam-kernel.ts /tmp/old-f64 10000000 [reps] [--new-first]
import { resolve } from 'node:path'
import * as now from '../src/index'
import { randomF32 } from './lib'

const [dir, nArg, repsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (dir === undefined)
  throw new RangeError('usage: tsx bench/ab-adam-kernel.ts <old checkout> [n] [reps] [--new-first]')
const n = Number(nArg ?? 1e7)
const reps = Number(repsArg ?? 31)
const newFirst = process.argv.includes('--new-first')
const old = (await import(resolve(dir, 'src/index.ts'))) as typeof now
const g0 = randomF32(n, 1, 0.1)
const p0 = randomF32(n, 2)

const stepper = (lib: typeof now) => {
  const tx = lib.adamw(1e-3, { weightDecay: 1e-4 })
  const step = lib.applyGradients(tx, { donate: true })
  const grads = { w: lib.tensor(g0, [n]) }
  let state = lib.initTrainState({ w: lib.tensor(p0.slice(), [n]) }, tx)
  return () => {
    state = step(state, grads)
  }
}
const [oldStep, newStep] = [stepper(old), stepper(now)]
const order = newFirst ? [newStep, oldStep] : [oldStep, newStep]
for (const f of order) for (let i = 0; i < 3; i++) f()
const ts: number[][] = [[], []]
for (let r = 0; r < reps; r++) {
  for (let j = 0; j < 2; j++) {
    const t0 = performance.now()
    order[j]!()
    ts[j]!.push(performance.now() - t0)
  }
}
const [tOld, tNew] = (newFirst ? [ts[1]!, ts[0]!] : ts).map((a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!)
console.log(
  `n=${n}: old ${tOld!.toFixed(2)} ms, new ${tNew!.toFixed(2)} ms, ` +
    `new ÷ old ${(tNew! / tOld!).toFixed(3)} (applyGradients(adamw, { donate: true }), medians of ${reps})`,
)
