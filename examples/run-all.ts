/**
 * Runs every numbered example (`examples/NN-name.ts`) in its own process, in order, printing a header for each.
 * Exits non-zero if any example fails (a thrown error or a failed `assert`). Used by `npm run demo` and CI.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const runner = join(here, '..', 'scripts', 'run-example.mjs')
const examples = readdirSync(here)
  .filter((f) => /^\d+-.+\.ts$/.test(f))
  .sort()

const failed: string[] = []
const started = performance.now()
for (const file of examples) {
  console.log(`\n=== ${file} ${'='.repeat(Math.max(0, 70 - file.length))}`)
  const t0 = performance.now()
  // scripts/run-example.mjs runs the example as `npx tsx` would, bundled by esbuild first: ~2 s less start-up each.
  const result = spawnSync(process.execPath, [runner, join(here, file)], { stdio: 'inherit' })
  const seconds = ((performance.now() - t0) / 1000).toFixed(1)
  if (result.status === 0) console.log(`--- ${file}: ok (${seconds} s)`)
  else {
    console.log(`--- ${file}: FAILED (exit ${result.status ?? result.signal}, ${seconds} s)`)
    failed.push(file)
  }
}

const total = ((performance.now() - started) / 1000).toFixed(1)
console.log(`\n${examples.length - failed.length}/${examples.length} examples passed in ${total} s`)
if (failed.length > 0) {
  console.log(`failed: ${failed.join(', ')}`)
  process.exitCode = 1
}
if (examples.length === 0) {
  console.log('no examples found')
  process.exitCode = 1
}
