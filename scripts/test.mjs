// `npm test`: every check of the project, side by side. Run one after another, most steps leave a core idle on a
// 2-core machine (tsc, prettier and the benchmark are single-threaded, vitest's last files run on one worker); run
// together, the machine stays busy until the end (issue 12: `npm test` ≤ 150 s on a 2-core machine). They share no
// files but one: the build takes src/'s declaration files from the type check's program (scripts/typecheck.mjs), so
// it starts when the type check is done. The build writes dist/ and .cache/, which neither tsc's includes nor
// prettier (it reads .gitignore) look at, and no vitest test reads dist/.
// vitest prints as it goes; the other steps' output is held and printed when all are done, each under its name, then
// a summary. The exit status is 1 if any step failed. Each step also runs on its own: `npm run <script>`.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dts = join(root, '.cache', 'dts-typecheck')
const STEPS = [
  { name: 'vitest', cmd: join(root, 'node_modules', '.bin', 'vitest'), args: ['run'], live: true },
  // tsc --noEmit's check, writing src/'s declarations too: the build takes them instead of type-checking src/ again.
  { name: 'typecheck', cmd: process.execPath, args: ['scripts/typecheck.mjs', '--dts', dts] },
  { name: 'format:check', cmd: 'npm', args: ['run', '-s', 'format:check'] },
  { name: 'test:dist', cmd: 'npm', args: ['run', '-s', 'test:dist'], after: 'typecheck', env: { DESCENT_DTS: dts } },
  // A smoke run of the benchmarks (it fails only if a workload fails): --quick's workloads, each implementation
  // stepped once (bench/results/smoke.tmp: no figures to quote); `npm run bench` on a quiet machine gives those.
  { name: 'bench --smoke', cmd: 'npm', args: ['run', '-s', 'bench', '--', '--smoke'] },
]

const t0 = performance.now()
const seconds = (t) => `${((t - t0) / 1000).toFixed(1)} s`

/** Runs one step; resolves (never rejects) with its result, its output held unless it is live. */
const run = (step) =>
  new Promise((done) => {
    const chunks = []
    const child = spawn(step.cmd, step.args, {
      cwd: root,
      env: { ...process.env, ...step.env },
      stdio: step.live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    })
    if (!step.live) for (const s of [child.stdout, child.stderr]) s.on('data', (c) => chunks.push(c))
    child.on('error', (error) => chunks.push(Buffer.from(`${error.stack}\n`)))
    child.on('close', (code, signal) =>
      done({ ...step, ok: code === 0, status: signal ?? code, at: performance.now(), output: Buffer.concat(chunks) }),
    )
  })

const running = new Map()
for (const step of STEPS)
  running.set(
    step.name,
    // A step after a failed one (the build after a failed type check) is not run: its input would be stale.
    Promise.resolve(running.get(step.after)).then((dep) =>
      dep !== undefined && !dep.ok
        ? { ...step, ok: false, status: `skipped, ${dep.name} failed`, at: performance.now(), output: Buffer.alloc(0) }
        : run(step),
    ),
  )
const results = await Promise.all(running.values())

for (const r of results.filter((x) => !x.live)) {
  process.stdout.write(`\n── ${r.name} (${r.ok ? 'passed' : `FAILED, exit ${r.status}`}, done at ${seconds(r.at)})\n`)
  process.stdout.write(r.output)
}
process.stdout.write('\nnpm test:\n')
for (const r of results)
  process.stdout.write(`  ${r.ok ? 'passed' : 'FAILED'}  ${r.name.padEnd(14)} done at ${seconds(r.at)}\n`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
