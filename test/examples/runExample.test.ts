import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

// scripts/run-example.mjs (what `npm run demo` runs each example with) must run a TypeScript file as `npx tsx` does:
// the same arguments, each source file's own import.meta.url, descent's sources, a failure's exit status.
const root = resolve(__dirname, '../..')
const fixture = resolve(root, 'test/fixtures/runExample')
const run = (...args: string[]) =>
  spawnSync(process.execPath, [resolve(root, 'scripts/run-example.mjs'), ...args], { encoding: 'utf8', cwd: root })

describe('scripts/run-example.mjs', () => {
  it('runs a TypeScript file with its arguments and each file’s own import.meta.url', () => {
    const r = run('test/fixtures/runExample/entry.ts', 'a', 'b c')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout) as { entry: string; dep: string; argv: string[]; total: number }
    expect(out).toEqual({
      entry: pathToFileURL(resolve(fixture, 'entry.ts')).href,
      dep: pathToFileURL(resolve(fixture, 'dep.ts')).href,
      argv: [resolve(fixture, 'entry.ts'), 'a', 'b c'],
      total: 6,
    })
  })

  it('exits non-zero when the example throws, and names what is missing', () => {
    const failed = run('test/fixtures/runExample/entry.ts', 'fail')
    expect(failed.status).not.toBe(0)
    expect(failed.stderr).toContain('asked to fail')
    const missing = run('test/fixtures/runExample/nothing.ts')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('no such file: test/fixtures/runExample/nothing.ts')
  })

  it('builds again when a file the bundle was built from changes, and reuses the bundle while none does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-example-'))
    const entry = join(dir, `probe-${basename(dir)}.ts`)
    const bundle = resolve(root, 'node_modules/.cache/descent-examples', `probe-${basename(dir)}.mjs`)
    try {
      writeFileSync(entry, "import { value } from './dep'\nconsole.log(value)\n")
      writeFileSync(join(dir, 'dep.ts'), 'export const value: number = 1\n')
      expect(run(entry).stdout.trim()).toBe('1')
      writeFileSync(join(dir, 'dep.ts'), 'export const value: number = 2\n')
      expect(run(entry).stdout.trim()).toBe('2')
      const built = statSync(bundle).mtimeMs
      expect(run(entry).stdout.trim()).toBe('2')
      expect(statSync(bundle).mtimeMs).toBe(built)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      rmSync(bundle, { force: true })
      rmSync(`${bundle}.inputs.json`, { force: true })
    }
  })
})
