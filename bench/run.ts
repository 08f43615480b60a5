// npm run bench [-- --quick] [-- --only adam-1e6,matmul-512]
// Runs every workload in its own Node process (tsx), the peers in the same process and run as descent, prints a
// table of medians after warm-up and the ratios descent/peer, and writes bench/results/latest.json
// (--quick: fewer sizes and repetitions, written to bench/results/quick.tmp so it never replaces the full results).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Row } from './lib'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
const quick = process.argv.includes('--quick')
const onlyArg = process.argv.indexOf('--only')
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',') : null

interface Workload {
  readonly id: string
  readonly script: string
  readonly args: readonly string[]
  /** the descent rows the ratios are taken from (one ratio column each, in order) */
  readonly headline: string
  readonly second?: string
  readonly inQuick: boolean
}

const WORKLOADS: readonly Workload[] = [
  {
    id: 'adam-1e5',
    script: 'adam.ts',
    args: ['100000'],
    headline: 'descent adamw:',
    second: 'descent adamw({ donate',
    inQuick: true,
  },
  {
    id: 'adam-1e6',
    script: 'adam.ts',
    args: ['1000000'],
    headline: 'descent adamw:',
    second: 'descent adamw({ donate',
    inQuick: true,
  },
  {
    id: 'adam-1e7',
    script: 'adam.ts',
    args: ['10000000'],
    headline: 'descent adamw:',
    second: 'descent adamw({ donate',
    inQuick: false,
  },
  {
    id: 'mlp-784-256-10-b128',
    script: 'mlp.ts',
    args: ['784,256,10', '128'],
    headline: 'descent valueAndGrad',
    second: 'descent (donate)',
    inQuick: true,
  },
  {
    id: 'mlp-64-64-10-b32',
    script: 'mlp.ts',
    args: ['64,64,10', '32'],
    headline: 'descent valueAndGrad',
    second: 'descent (donate)',
    inQuick: true,
  },
  { id: 'matmul-512', script: 'matmul.ts', args: ['512'], headline: 'descent matmul (SIMD', inQuick: true },
]

const selected = WORKLOADS.filter((w) => (only === null ? !quick || w.inQuick : only.includes(w.id)))
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const rows: Row[] = []
const failures: string[] = []
const started = Date.now()

for (const w of selected) {
  const args = [tsx, join(here, 'workloads', w.script), ...w.args, ...(quick ? ['--quick'] : [])]
  process.stderr.write(`bench: ${w.id} …\n`)
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@RESULT '))
  if (r.status !== 0 || line === undefined) {
    failures.push(`${w.id}: exit ${r.status}\n${(r.stderr ?? '').slice(-2000)}`)
    continue
  }
  rows.push(...(JSON.parse(line.slice('@@RESULT '.length)) as Row[]))
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3))
const ratios: { workload: string; descent: string; versus: string; ratio: number }[] = []
const lines: string[] = [
  '| workload | implementation | median ms | min ms | GFLOP/s | descent ÷ this | descent (donate) ÷ this |',
  '|---|---|---|---|---|---|---|',
]
for (const w of selected) {
  const rs = rows.filter((r) => r.workload === w.id)
  const heads = [w.headline, w.second].map((h) =>
    h === undefined ? undefined : rs.find((r) => r.kind === 'descent' && r.impl.startsWith(h)),
  )
  for (const r of rs) {
    const cells = heads.map((head) => {
      if (head === undefined || r.kind === 'descent') return ''
      const q = head.medianMs / r.medianMs
      ratios.push({ workload: w.id, descent: head.impl, versus: r.impl, ratio: q })
      return `${q.toFixed(2)}×`
    })
    const name = heads.includes(r) ? `**${r.impl}**` : r.impl
    lines.push(
      `| ${w.id} | ${name} | ${fmt(r.medianMs)} | ${fmt(r.minMs)} | ${r.gflops === undefined ? '' : r.gflops.toFixed(1)} | ${cells.join(' | ')} |`,
    )
  }
}
const table = lines.join('\n')
console.log(table)
console.log('\nratio = median of the bold descent row ÷ median of that row (below 1: descent is faster).')
if (failures.length > 0) console.error(`\nfailed workloads:\n${failures.join('\n')}`)

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
}
mkdirSync(join(here, 'results'), { recursive: true })
const out = join(here, 'results', quick ? 'quick.tmp' : only !== null ? 'partial.tmp' : 'latest.json')
writeFileSync(
  out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: `npm run bench${quick ? ' -- --quick' : ''}`,
      quick,
      machine,
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
