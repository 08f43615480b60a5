import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// docs/gallery.md is the index of examples/: every example is on it, with the command that runs it, and every
// example it links exists.
const root = resolve(__dirname, '../..')
const page = readFileSync(resolve(root, 'docs/gallery.md'), 'utf8')
const numbered = readdirSync(resolve(root, 'examples')).filter((f) => /^\d+-.+\.ts$/.test(f))
const python = readdirSync(resolve(root, 'examples/python')).filter((f) => f.endsWith('.py'))

describe('docs/gallery.md', () => {
  it.each(numbered)('lists %s with the command that runs it', (file) => {
    const row = page.split('\n').find((l) => l.startsWith(`| [${file}](../examples/${file})`))
    expect(row, `a table row for examples/${file}`).toBeDefined()
    expect(row).toContain(`\`node scripts/run-example.mjs examples/${file}\``)
  })

  it('lists the browser demo and the Python scripts', () => {
    expect(page).toContain('(../examples/browser/README.md)')
    expect(page).toContain('`npm run demo:browser`')
    for (const f of python) expect(page).toContain(`(../examples/python/${f})`)
  })

  it('links only to files that exist', () => {
    const links = [...page.matchAll(/\]\(\.\.\/(examples\/[^)]+)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThanOrEqual(numbered.length + 2)
    for (const l of links) expect(() => readFileSync(resolve(root, l)), l).not.toThrow()
  })
})
