import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// Examples are runnable scripts that assert their own results (STYLE.md item 35); CI runs every one of them.
// Long-running training demos opt out by carrying `.long.` in their name; `npm run demo` still runs those.
const dir = resolve(__dirname, '../examples')
const examples = readdirSync(dir).filter((f) => /^\d+-.+\.ts$/.test(f) && !f.includes('.long.'))

describe('examples/', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(0))

  it.each(examples)('%s runs and its assertions hold', (file) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(dir, file)], {
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(result.status, `${file} failed:\n${result.stdout}\n${result.stderr}`).toBe(0)
  })
})
