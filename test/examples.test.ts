import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

// Examples are runnable scripts that assert their own results (STYLE.md item 35); CI runs every one of them.
// Long-running training demos opt out by carrying `.long.` in their name; `npm run demo` still runs those.
// They run one after another in one Node process (test/fixtures/runExamples.ts), which checks between them that none
// left the library's process-wide state changed: starting tsx and loading src/ costs ~1 s of CPU per process, more
// than most examples take (issue 12: npm test's time).
const dir = resolve(__dirname, '../examples')
const examples = readdirSync(dir)
  .filter((f) => /^\d+-.+\.ts$/.test(f) && !f.includes('.long.'))
  .sort()

describe('examples/', () => {
  const results = new Map<string, { ok: boolean; error?: string; output: string }>()
  let run: ReturnType<typeof spawnSync> | undefined
  beforeAll(() => {
    run = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, 'fixtures/runExamples.ts'), ...examples.map((f) => resolve(dir, f))],
      // (all examples' output in one buffer: far more room than spawnSync's default 1 MB)
      { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
    )
    // Each example's output is what it printed before its own @@EXAMPLE line.
    let output: string[] = []
    for (const line of String(run.stdout).split('\n')) {
      if (!line.startsWith('@@EXAMPLE ')) {
        output.push(line)
        continue
      }
      const r = JSON.parse(line.slice('@@EXAMPLE '.length)) as { file: string; ok: boolean; error?: string }
      results.set(r.file, { ...r, output: output.join('\n') })
      output = []
    }
  }, 300_000)

  it('has examples', () => expect(examples.length).toBeGreaterThan(0))

  it.each(examples)('%s runs and its assertions hold', (file) => {
    const r = results.get(resolve(dir, file))
    expect(
      r,
      `${file} did not finish (exit ${run?.status ?? run?.signal}):\n${run?.stdout}\n${run?.stderr}`,
    ).toBeDefined()
    expect(r!.ok, `${file} failed:\n${r!.output}\n${r!.error}\n${run?.stderr}`).toBe(true)
  })

  it('the process ends cleanly', () => {
    expect(run?.status, `exit ${run?.status ?? run?.signal}:\n${run?.stderr}`).toBe(0)
  })
})
