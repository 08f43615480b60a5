// Each CPU's speed over time (bench/cpuCheck.ts, once a second): whether this machine is in a phase where the bench's
// two-thread and own-process figures mean something.
//   npx tsx bench/cpu-speeds.ts [seconds]
import { cpuCheck } from './cpuCheck'

const seconds = Number(process.argv[2] ?? 20)
if (!(seconds > 0)) throw new RangeError(`cpu-speeds.ts: expected a number of seconds > 0, got ${process.argv[2]}`)
const end = Date.now() + seconds * 1000
const series: number[][] = []
while (Date.now() < end) {
  const t0 = Date.now()
  const times = cpuCheck()
  if (times === null)
    throw new Error('cpu-speeds.ts: needs Linux `taskset` (util-linux) and permission to set CPU affinity')
  series.push(times)
  console.log(
    `${new Date().toISOString().slice(11, 19)}  ${times.map((t, i) => `cpu${i} ${t.toFixed(1)} ms`).join('  ')}`,
  )
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - t0))))
}
const fastest = Math.min(...series.flat())
for (let cpu = 0; cpu < (series[0]?.length ?? 0); cpu++) {
  const slow = series.filter((t) => t[cpu]! > 1.3 * fastest).length
  console.log(
    `cpu${cpu}: over 1.3× the fastest figure (${fastest.toFixed(1)} ms) in ${slow} of ${series.length} checks`,
  )
}
