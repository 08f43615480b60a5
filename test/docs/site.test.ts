import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// The reference site (`npm run docs`, typedoc.json) builds without a warning (typedoc.json has treatWarningsAsErrors:
// an unresolved {@link}, a type referenced but not exported, a broken relative link all fail it), and has the pages a
// reader looks for: an export's page, each entry point, each guide. typedoc takes ~10 s of CPU (it parses src/ and
// writes ~800 pages); this is the one build of it in the suite, into a temporary folder.
const root = resolve(__dirname, '../..')
const config = JSON.parse(readFileSync(resolve(root, 'typedoc.json'), 'utf8')) as { projectDocuments: string[] }
const out = mkdtempSync(join(tmpdir(), 'descent-site-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('the typedoc reference site', () => {
  it('includes every guide of docs/ as a project document', () => {
    const guides = readdirSync(resolve(root, 'docs')).filter((f) => f.endsWith('.md'))
    expect([...config.projectDocuments].sort()).toEqual(guides.map((f) => `docs/${f}`).sort())
  })

  it('builds with no warning and has the key pages', { timeout: 300_000 }, () => {
    const typedoc = resolve(root, 'node_modules/typedoc/bin/typedoc')
    const run = spawnSync(process.execPath, [typedoc, '--out', out, '--logLevel', 'Warn'], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(run.status, `typedoc failed:\n${run.stdout}\n${run.stderr}`).toBe(0)
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/warning|error/i)
    const page = (p: string): string => {
      expect(existsSync(join(out, p)), `${p} is in the site`).toBe(true)
      return readFileSync(join(out, p), 'utf8')
    }
    expect(page('functions/descent-ts.adam.html')).toContain('scaleByLearningRate') // the TSDoc, with its chain
    expect(page('modules/descent-ts.html')).toContain('adamw')
    page('modules/descent-ts_testing.html')
    page('modules/descent-ts_gpu.html')
    expect(page('index.html')).toContain('documents/getting-started.html')
    for (const doc of config.projectDocuments) page(`documents/${doc.replace(/^docs\//, '').replace(/\.md$/, '.html')}`)
    // a link between guides is rewritten to the site's page
    expect(page('documents/getting-started.html')).toContain('composing-optimizers.html')
  })
})
