// A/B in one process, interleaved: applyUpdates (θ + u) with one p + u loop for every dtype mix against the four
// monomorphic copies it had before (one per float32/float64 mix of params and updates). Every mix runs first in
// both, so that a loop that could go polymorphic has seen all of them; then float32 params and updates, the usual
// case, at each size.
//   git archive <commit with the four loops> src | (mkdir -p /tmp/old && tar -x -C /tmp/old) && ln -sfn "$PWD/node_modules" /tmp/old/
//   npx tsx bench/ab-add-into.ts /tmp/old [reps]
import { resolve } from 'node:path'
import { type PyTree, applyUpdates, tensor } from '../src/index'
import { randomF32 } from './lib'

const [dir, repsArg] = process.argv.slice(2)
if (dir === undefined) throw new RangeError('usage: tsx bench/ab-add-into.ts <old checkout> [reps]')
const reps = Number(repsArg ?? 41)
const old = (await import(resolve(dir, 'src/index.ts'))) as typeof import('../src/index')
const impls = { old: old.applyUpdates, new: applyUpdates } as const

for (const [name, apply] of Object.entries(impls)) {
  const mk = name === 'old' ? old.tensor : tensor
  for (const [pd, ud] of [
    ['float32', 'float64'],
    ['float64', 'float64'],
    ['float64', 'float32'],
    ['float32', 'float32'],
  ] as const) {
    const p = { w: mk(randomF32(4096, 1), [4096], pd) }
    const u = { w: mk(randomF32(4096, 2), [4096], ud) }
    for (let i = 0; i < 200; i++) apply(p, u)
  }
}
for (const n of [1_000, 100_000, 1_000_000]) {
  const inner = Math.max(1, Math.round(2e7 / n))
  const times: Record<string, number[]> = { old: [], new: [] }
  const args = Object.fromEntries(
    Object.keys(impls).map((k) => {
      const mk = k === 'old' ? old.tensor : tensor
      return [k, [{ w: mk(randomF32(n, 3), [n]) }, { w: mk(randomF32(n, 4), [n]) }]]
    }),
  )
  for (let r = 0; r < reps; r++) {
    for (const k of r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      const [p, u] = args[k] as unknown as [PyTree, PyTree]
      const t = performance.now()
      for (let i = 0; i < inner; i++) impls[k as keyof typeof impls](p, u)
      times[k]!.push((performance.now() - t) / inner)
    }
  }
  const stat = (xs: number[]) => {
    const s = xs.slice(3).sort((a, b) => a - b)
    return `median ${(s[s.length >> 1]! * 1e3).toFixed(1)} µs, min ${(s[0]! * 1e3).toFixed(1)} µs`
  }
  console.log(`n = ${n}: old ${stat(times.old!)}; new ${stat(times.new!)}`)
}
