// What `import('descent-ts')` costs a fresh Node process (issue 12's goal: 20 ms), beside an empty module's import
// for scale: N fresh processes each (default 15), interleaved so that a change in the machine's load reaches both,
// median wall and CPU time. Run after `npm run build`: `node bench/import-time.mjs [N]`.
// Printed, never asserted: the numbers depend on the machine and on what else runs on it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')
const n = Number(process.argv[2] ?? 15)
const scratch = mkdtempSync(join(tmpdir(), 'descent-import-'))
const empty = join(scratch, 'empty.mjs')
writeFileSync(empty, 'export const x = 1\n')

// The package by its name (package.json "exports", the "node" condition: dist/node/index.js), from the repository.
const targets = { 'descent-ts': 'descent-ts', 'empty module': pathToFileURL(empty).href }
const probe = (specifier) =>
  'const c = process.cpuUsage(); const t = performance.now(); ' +
  `await import(${JSON.stringify(specifier)}); ` +
  'const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000)'

const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]))
try {
  for (let i = 0; i < n; i++)
    for (const [name, specifier] of Object.entries(targets)) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe(specifier)], {
        cwd: root,
        encoding: 'utf8',
      })
      samples[name].push(out.trim().split(' ').map(Number))
    }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
for (const [name, s] of Object.entries(samples))
  console.log(
    `import(${name}): median ${median(s.map((x) => x[0])).toFixed(1)} ms wall, ` +
      `${median(s.map((x) => x[1])).toFixed(1)} ms CPU (${n} fresh processes)`,
  )
