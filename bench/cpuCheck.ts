// How fast each CPU of this machine runs right now: the same fixed arithmetic loop in a Node process pinned to each
// CPU in turn (Linux `taskset`). On the bench's shared 2-vCPU machine the host slows one vCPU (or both) to half speed
// for seconds at a time without reporting steal time, which moves the two-thread rows and whole own-process runs
// (docs/performance.md, round 10); the runner prints these figures beside each table so a reader can tell.
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'

// A dependent multiply-add chain: no memory traffic, no allocation, the same instructions on every run. Seven loops
// of ~11 ms at full speed on the bench machine; the first (tier-up) is dropped and the median of the rest printed.
const LOOP = `
  let x = 1
  const ts = []
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now()
    for (let i = 0; i < 2e6; i++) x = x * 1.0000001 + 1e-7
    ts.push(performance.now() - t0)
  }
  const s = ts.slice(1).sort((a, b) => a - b)
  console.log(JSON.stringify({ ms: s[s.length >> 1], x }))
`

/**
 * The loop's median ms on each CPU (index = CPU number), or null where `taskset` is missing or fails (not Linux, a
 * container that forbids affinity). A CPU whose figure is twice another's ran at half speed during its check.
 */
export function cpuCheck(): number[] | null {
  const times: number[] = []
  for (let cpu = 0; cpu < cpus().length; cpu++) {
    const r = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', LOOP], { encoding: 'utf8' })
    if (r.status !== 0) return null
    try {
      times.push((JSON.parse(r.stdout) as { ms: number }).ms)
    } catch {
      return null
    }
  }
  return times
}
