import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// docs/troubleshooting.md lists the failure modes of issue 9 with what descent says and the fix: every block makes the
// mistake and asserts the diagnosis (test/docs/codeBlocks.test.ts type-checks and runs them), every diagnosis code
// must be on the page, and every test it cites must exist.
const root = resolve(__dirname, '../..')
const page = readFileSync(resolve(root, 'docs/troubleshooting.md'), 'utf8')
const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({
  code: m[1]!,
  // the entry a block belongs to: the last `## ` heading above it
  entry: [...page.slice(0, m.index).matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? '(top)',
}))

describe('docs/troubleshooting.md', () => {
  it('has a code block per entry', () => expect(blocks.length).toBeGreaterThanOrEqual(18))

  it('names every DiagnosisCode of src/core/diagnosis.ts in its table (or says it is not detected yet)', () => {
    const source = readFileSync(resolve(root, 'src/core/diagnosis.ts'), 'utf8')
    const union = /export type DiagnosisCode =([\s\S]*?)\n\n/.exec(source)![1]!
    const codes = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]!)
    expect(codes.length).toBeGreaterThanOrEqual(17)
    const rows = page.split('\n').filter((l) => l.startsWith('| `'))
    for (const code of codes) {
      const row = rows.find((l) => l.startsWith(`| \`${code}\``))
      expect(row, `no table row for ${code}`).toBeDefined()
      const section = page.includes(`\`${code}\` is a reserved code that is **not detected yet**`)
      expect(/\| error|\| warning/.test(row!) || (section && row!.includes('not detected yet')), code).toBe(true)
    }
  })

  it('links its table to its own headings (GitHub anchors)', () => {
    const slug = (h: string) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-')
    const anchors = new Set([...page.matchAll(/^## (.+)$/gm)].map((m) => slug(m[1]!)))
    const links = [...page.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThanOrEqual(17)
    for (const a of links) expect(anchors.has(a), a).toBe(true)
  })

  it('cites tests that exist: each linked file exists and contains the test name', () => {
    const cites = [...page.matchAll(/\]\(\.\.\/(test\/[^)]+\.test\.ts)\) › `([^`]+)`/g)].map((m) => [m[1]!, m[2]!])
    expect(cites.length).toBeGreaterThanOrEqual(25)
    for (const [file, name] of cites) {
      const path = resolve(root, file!)
      expect(existsSync(path), file).toBe(true)
      expect(readFileSync(path, 'utf8').includes(name!), `${file} › ${name}`).toBe(true)
    }
    // every entry cites a test, or says its own block is the test
    const entries = page.split(/^## /m).slice(1)
    for (const entry of entries) expect(entry, entry.split('\n')[0]).toMatch(/\*\*Tests\.\*\* \S/)
  })
})
