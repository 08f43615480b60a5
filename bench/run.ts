// npm run bench [-- --quick | --smoke] [-- --only adam-1e6,matmul-512] [-- --isolate] [-- --rounds N] [-- --steps-warmup]
// Runs every workload in its own Node process (tsx), the peers in the same process and run as descent, prints a
// table per workload of medians after warm-up and the ratios descent/peer, and writes bench/results/latest.json
// (--quick: fewer sizes and repetitions, written to bench/results/quick.tmp so it never replaces the full results;
// --smoke: --quick's workloads with each implementation stepped once, no warm-up, written to bench/results/smoke.tmp:
// what `npm test` runs, to show that every workload still runs; --only: written to bench/results/partial.tmp).
// --isolate also times every implementation of every workload alone in a process of its own (a peer
// sharing a process pays for descent's garbage) and adds the own-process medians and ratios next to the
// shared-process ones. --rounds N runs each workload's processes N times, one round after another (the shared run,
// then each implementation alone), and takes the median of the N process medians for each figure: the machine's
// speed drifts by 1.3× and more within minutes here, and a single own-process run of each implementation, each at
// another minute, compares phases as much as implementations. --steps-warmup warms up by step count only, as the
// bench did before round 4 of issue 13 (the MLP rows then time part of V8's tier-up ramp: see lib.ts warmUp).
// Without --quick or --smoke, each table also gets the CPU check of bench/cpuCheck.ts (each CPU's speed before each
// round and after the last): the host here slows a vCPU for seconds at a time (docs/performance.md, round 10).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuCheck } from './cpuCheck'
import { type Row, median } from './lib'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
const smoke = process.argv.includes('--smoke')
const quick = smoke || process.argv.includes('--quick')
const isolate = process.argv.includes('--isolate')
const stepsWarmup = process.argv.includes('--steps-warmup')
const roundsArg = process.argv.indexOf('--rounds')
const rounds = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 1
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new RangeError(`--rounds takes a whole number of rounds ≥ 1; got ${process.argv[roundsArg + 1]}`)
}
const onlyArg = process.argv.indexOf('--only')
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',') : null

interface Head {
  /** the descent row (prefix of its impl name) a ratio column is taken from */
  readonly prefix: string
  /** the column's short name */
  readonly label: string
}

interface Workload {
  readonly id: string
  readonly script: string
  readonly args: readonly string[]
  /** one ratio column each, in order */
  readonly heads: readonly Head[]
  readonly inQuick: boolean
  /** the workload supports --list / --impl (one implementation per process) */
  readonly isolatable: boolean
}

const ADAM_HEADS: readonly Head[] = [
  { prefix: 'descent adamw: update + applyUpdates', label: 'update+applyUpdates' },
  { prefix: 'descent applyGradients(adamw) (pure)', label: 'applyGradients' },
  { prefix: 'descent applyGradients(adamw, { donate: true })', label: 'applyGradients donate' },
  { prefix: 'descent fused kernel, in place', label: 'bare kernel' },
  { prefix: 'descent fused kernel, state in wasm memory', label: 'bare kernel in wasm memory' },
]
const MLP_HEADS: readonly Head[] = [
  { prefix: 'descent trainStep(adamw) (pure)', label: 'trainStep' },
  { prefix: 'descent trainStep(adamw, { donate: true })', label: 'trainStep donate' },
]
const adam = (n: string, id: string, inQuick: boolean): Workload => ({
  id,
  script: 'adam.ts',
  args: [n],
  heads: ADAM_HEADS,
  inQuick,
  isolatable: true,
})
const mlp = (sizes: string, b: string): Workload => ({
  id: `mlp-${sizes.replaceAll(',', '-')}-b${b}`,
  script: 'mlp.ts',
  args: [sizes, b],
  heads: MLP_HEADS,
  inQuick: true,
  isolatable: true,
})
const MATMUL_HEADS: readonly Head[] = [
  { prefix: 'descent matmul (SIMD wasm, 1 thread)', label: '1 thread' },
  { prefix: 'descent matmul (SIMD wasm, 2 threads', label: '2 threads' },
]
const matmul = (size: string, inQuick: boolean): Workload => ({
  id: `matmul-${size}`,
  script: 'matmul.ts',
  args: [size],
  heads: MATMUL_HEADS,
  inQuick,
  isolatable: true,
})
const WORKLOADS: readonly Workload[] = [
  adam('100000', 'adam-1e5', true),
  adam('1000000', 'adam-1e6', true),
  adam('10000000', 'adam-1e7', false),
  mlp('784,256,10', '128'),
  mlp('64,64,10', '32'),
  matmul('512', true),
  matmul('1024', false),
  matmul('256', false),
  matmul('128x784x256', false),
]

const selected = WORKLOADS.filter((w) => (only === null ? !quick || w.inQuick : only.includes(w.id)))
// `node --import tsx` rather than tsx's command, which starts a second Node process to run the script in.
const tsx = ['--import', 'tsx']
const rows: Row[] = []
const failures: string[] = []
const started = Date.now()
const loadBefore = loadavg()
/**
 * Per workload: each CPU's speed (bench/cpuCheck.ts) before each round and after the last, so that a table timed while
 * the host slowed a vCPU says so. Not in --quick or --smoke runs (a check takes ~0.2 s a CPU).
 */
const cpuChecks = new Map<string, (number[] | null)[]>()
const checkCpus = (id: string): void => {
  if (quick) return
  const checks = cpuChecks.get(id) ?? []
  checks.push(cpuCheck())
  cpuChecks.set(id, checks)
}

/** Runs a workload script with extra arguments; returns the payload of its `tag` line, or records a failure. */
function runScript(w: Workload, extra: readonly string[], tag: string): unknown {
  const args = [
    ...tsx,
    join(here, 'workloads', w.script),
    ...w.args,
    ...(smoke ? ['--smoke'] : quick ? ['--quick'] : []),
    ...(stepsWarmup ? ['--steps-warmup'] : []),
    ...extra,
  ]
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(`${tag} `))
  if (r.status !== 0 || line === undefined) {
    failures.push(`${w.id} ${extra.join(' ')}: exit ${r.status}\n${(r.stderr ?? '').slice(-2000)}`)
    return undefined
  }
  return JSON.parse(line.slice(tag.length + 1))
}

/** One row from the same implementation's rows of several runs: medians of the run medians (and of GFLOP/s). */
function merged(runs: readonly Row[]): Row {
  const first = runs[0]!
  if (runs.length === 1) return first
  const gflops = runs.flatMap((r) => (r.gflops === undefined ? [] : [r.gflops]))
  const faults = runs.flatMap((r) => (r.faultsPerStep === undefined ? [] : [r.faultsPerStep]))
  return {
    ...first,
    medianMs: median(runs.map((r) => r.medianMs)),
    minMs: Math.min(...runs.map((r) => r.minMs)),
    medianRunsMs: runs.map((r) => r.medianMs),
    ...(gflops.length === 0 ? {} : { gflops: median(gflops) }),
    ...(faults.length === 0 ? {} : { faultsPerStep: median(faults) }),
  }
}

for (const w of selected) {
  const shared: Row[][] = []
  const own = new Map<string, Row[]>()
  const names = isolate && w.isolatable ? ((runScript(w, ['--list'], '@@IMPLS') ?? []) as string[]) : []
  for (let round = 0; round < rounds; round++) {
    const of = rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ''
    process.stderr.write(`bench: ${w.id}${of} …\n`)
    checkCpus(w.id)
    shared.push((runScript(w, [], '@@RESULT') ?? []) as Row[])
    names.forEach((name, k) => {
      process.stderr.write(`bench: ${w.id} alone: ${name}${of} …\n`)
      const r = runScript(w, ['--impl', String(k)], '@@RESULT') as Row[] | undefined
      if (r?.[0] !== undefined) own.set(name, [...(own.get(name) ?? []), r[0]])
    })
  }
  checkCpus(w.id)
  const impls = [...new Set(shared.flat().map((r) => r.impl))]
  for (const impl of impls) {
    const r = merged(shared.flatMap((run) => run.filter((x) => x.impl === impl)))
    const o = own.get(impl)
    if (o === undefined) {
      rows.push(r)
      continue
    }
    const alone = merged(o)
    rows.push({
      ...r,
      ownMedianMs: alone.medianMs,
      ...(alone.medianRunsMs === undefined ? {} : { ownMedianRunsMs: alone.medianRunsMs }),
      ...(alone.faultsPerStep === undefined ? {} : { ownFaultsPerStep: alone.faultsPerStep }),
    })
  }
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3))
/** ` (a–b)`: the least and greatest of the runs' medians, when there were several. */
const spread = (runs: readonly number[] | undefined) =>
  runs === undefined || runs.length < 2 ? '' : ` (${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))})`
const ratios: { workload: string; descent: string; versus: string; ratio: number; ownProcessRatio?: number }[] = []
const sections: string[] = []
for (const w of selected) {
  const rs = rows.filter((r) => r.workload === w.id)
  if (rs.length === 0) continue
  const heads = w.heads.map((h) => ({ ...h, row: rs.find((r) => r.kind === 'descent' && r.impl.startsWith(h.prefix)) }))
  const own = rs.some((r) => r.ownMedianMs !== undefined)
  const gf = rs.some((r) => r.gflops !== undefined)
  const pf = rs.some((r) => r.faultsPerStep !== undefined)
  const lines = [
    `### ${w.id}`,
    '',
    `| implementation | median ms${rounds > 1 ? ' (runs)' : ''} | min ms |${own ? ` own process ms${rounds > 1 ? ' (runs)' : ''} |` : ''}${gf ? ' GFLOP/s |' : ''}${pf ? ' page faults / step |' : ''}${heads.map((h) => ` ${h.label} ÷ this |`).join('')}`,
    `|---|---|---|${own ? '---|' : ''}${gf ? '---|' : ''}${pf ? '---|' : ''}${heads.map(() => '---|').join('')}`,
  ]
  for (const r of rs) {
    const cells = heads.map(({ row: head }) => {
      if (head === undefined || r.kind === 'descent') return ''
      const q = head.medianMs / r.medianMs
      const qOwn =
        head.ownMedianMs !== undefined && r.ownMedianMs !== undefined ? head.ownMedianMs / r.ownMedianMs : undefined
      ratios.push({
        workload: w.id,
        descent: head.impl,
        versus: r.impl,
        ratio: q,
        ...(qOwn === undefined ? {} : { ownProcessRatio: qOwn }),
      })
      return `${q.toFixed(2)}×${qOwn === undefined ? '' : ` (own ${qOwn.toFixed(2)}×)`}`
    })
    const name = heads.some((h) => h.row === r) ? `**${r.impl}**` : r.impl
    const ownCell = own ? ` ${r.ownMedianMs === undefined ? '' : fmt(r.ownMedianMs) + spread(r.ownMedianRunsMs)} |` : ''
    const gfCell = gf ? ` ${r.gflops === undefined ? '' : r.gflops.toFixed(1)} |` : ''
    const ownFaults = r.ownFaultsPerStep === undefined ? '' : ` (own ${r.ownFaultsPerStep.toFixed(0)})`
    const pfCell = pf ? ` ${r.faultsPerStep === undefined ? '' : r.faultsPerStep.toFixed(0)}${ownFaults} |` : ''
    lines.push(
      `| ${name} | ${fmt(r.medianMs)}${spread(r.medianRunsMs)} | ${fmt(r.minMs)} |${ownCell}${gfCell}${pfCell} ${cells.join(' | ')} |`,
    )
  }
  // Issue 9: what trainStep's checks cost (target ≤ 10 %): the donated step with diagnostics on ÷ off.
  const checksOn = rs.find((r) => r.impl === 'descent trainStep(adamw, { donate: true })')
  const checksOff = rs.find((r) => r.impl === 'descent trainStep(adamw, { donate: true, diagnostics: false })')
  if (checksOn !== undefined && checksOff !== undefined) {
    const q = checksOn.medianMs / checksOff.medianMs
    const qOwn =
      checksOn.ownMedianMs !== undefined && checksOff.ownMedianMs !== undefined
        ? checksOn.ownMedianMs / checksOff.ownMedianMs
        : undefined
    ratios.push({
      workload: w.id,
      descent: checksOn.impl,
      versus: checksOff.impl,
      ratio: q,
      ...(qOwn === undefined ? {} : { ownProcessRatio: qOwn }),
    })
    lines.push(
      '',
      `checks on ÷ off (trainStep donated, diagnostics default ÷ false): ${q.toFixed(3)}×` +
        `${qOwn === undefined ? '' : ` (own process ${qOwn.toFixed(3)}×)`}; for a steadier figure on a shared ` +
        'machine: npx tsx bench/ab-diagnostics.ts (interleaved A/B)',
    )
  }
  // Issue 13: two threads against one (the same kernel, timed interleaved in one process).
  const [one, two] = MATMUL_HEADS.map((h) => rs.find((r) => r.kind === 'descent' && r.impl.startsWith(h.prefix)))
  if (one !== undefined && two !== undefined) {
    const q = one.medianMs / two.medianMs
    ratios.push({ workload: w.id, descent: two.impl, versus: one.impl, ratio: q })
    lines.push('', `two threads: ${q.toFixed(2)}× the speed of one (median of one thread ÷ median of two)`)
  }
  const checks = cpuChecks.get(w.id)
  if (checks !== undefined) {
    const said = checks.map((c) => (c === null ? 'n/a' : c.map((t) => t.toFixed(1)).join(' / ')))
    lines.push(
      '',
      `CPU check (ms of one fixed loop pinned to each CPU in turn, cpu0 / cpu1 / …; before each round, then after the ` +
        `last; unequal figures: the host slowed a CPU): ${said.join(', ')}`,
    )
  }
  sections.push(lines.join('\n'))
}
const table = sections.join('\n\n')
console.log(table)
console.log(
  '\nratio = median of the bold descent row of that column ÷ median of this row (below 1: descent is faster)' +
    (isolate ? '; (own …) = the same with every implementation timed alone in its own process' : '') +
    (rounds > 1 ? `; every figure the median of ${rounds} runs (processes) of it, one round after another.` : '.'),
)
const loadAfter = loadavg()
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ')
console.log(`load average before ${load(loadBefore)}, after ${load(loadAfter)}`)
if (failures.length > 0) console.error(`\nfailed workloads:\n${failures.join('\n')}`)

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
}
mkdirSync(join(here, 'results'), { recursive: true })
const out = join(
  here,
  'results',
  smoke ? 'smoke.tmp' : quick ? 'quick.tmp' : only !== null ? 'partial.tmp' : 'latest.json',
)
writeFileSync(
  out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: `npm run bench${process.argv.slice(2).length > 0 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      quick,
      smoke,
      isolate,
      rounds,
      machine,
      loadAverage: { before: loadBefore, after: loadAfter },
      cpuChecks: Object.fromEntries(cpuChecks),
      seconds: (Date.now() - started) / 1000,
      rows,
      ratios,
      table,
      failures,
    },
    null,
    2,
  ) + '\n',
)
console.log(`\nwrote ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
if (failures.length > 0) process.exit(1)
