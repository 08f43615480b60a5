// A/B in one process, interleaved: the donated Adam path before the train layer (adamw({ donate: true }) +
// applyUpdates({ donate: true }), last at commit 3dd9c27^) against applyGradients(adamw, { donate: true }).
//   git archive 3dd9c27^ src | (mkdir -p /tmp/old && tar -x -C /tmp/old) && ln -sfn "$PWD/node_modules" /tmp/old/
//   npx tsx bench/ab-donate.ts /tmp/old 10000000 [reps] [--new-first]
import { resolve } from 'node:path'
import { adamw, applyGradients, initTrainState, tensor } from '../src/index'
import { randomF32 } from './lib'

const [dir, nArg, repsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (dir === undefined) throw new RangeError('usage: tsx bench/ab-donate.ts <old checkout> [n] [reps] [--new-first]')
const n = Number(nArg ?? 1e7)
const reps = Number(repsArg ?? 31)
const newFirst = process.argv.includes('--new-first')
// the old API (donate options) is not in today's types
const old: any = await import(resolve(dir, 'src/index.ts'))
const g0 = randomF32(n, 1, 0.1)
const p0 = randomF32(n, 2)
const hyper = { weightDecay: 1e-4 }

const oldStep = (() => {
  const tx = old.adamw(1e-3, { ...hyper, donate: true })
  let params = { w: old.tensor(p0.slice(), [n]) }
  const grads = { w: old.tensor(g0, [n]) }
  let state = tx.init(params)
  return () => {
    const [u, s] = tx.update(grads, state, params)
    params = old.applyUpdates(params, u, { donate: true })
    state = s
  }
})()
const newStep = (() => {
  const tx = adamw(1e-3, hyper)
  const step = applyGradients(tx, { donate: true })
  const grads = { w: tensor(g0, [n]) }
  let state = initTrainState({ w: tensor(p0.slice(), [n]) }, tx)
  return () => {
    state = step(state, grads)
  }
})()

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
  `n=${n}: old adamw({ donate }) + applyUpdates({ donate }) ${tOld!.toFixed(2)} ms, ` +
    `applyGradients(adamw, { donate: true }) ${tNew!.toFixed(2)} ms, new ÷ old ${(tNew! / tOld!).toFixed(3)}`,
)
