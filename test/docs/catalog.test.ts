import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import * as descent from '../../src/index'
import * as optimizers from '../../src/optimizers/index'

// docs/optimizers.md (issue 5) must not fall behind the code: one section per optimizer alias, no section for an
// alias that no longer exists, every wrapper and schedule it names exported (test/docs/codeBlocks.test.ts type-checks
// and runs its code blocks).
const root = resolve(__dirname, '../..')
const page = readFileSync(resolve(root, 'docs/optimizers.md'), 'utf8')
const exported = descent as unknown as Record<string, unknown>

/** The optimizer aliases: the runtime (non-type) exports of src/optimizers/index.ts. */
const aliases = Object.entries(optimizers as unknown as Record<string, unknown>)
  .filter(([, v]) => typeof v === 'function')
  .map(([k]) => k)
  .sort()

/** The text between `## title` and the next `## ` heading. */
const part = (title: string): string => {
  const start = page.indexOf(`\n## ${title}\n`)
  expect(start, `docs/optimizers.md has a "## ${title}" part`).toBeGreaterThanOrEqual(0)
  const end = page.indexOf('\n## ', start + 1)
  return page.slice(start, end === -1 ? undefined : end)
}

/** The `### \`name\`` sections of the Optimizers part, in page order, with their bodies. */
const sections = (): Map<string, string> => {
  const text = part('Optimizers')
  const heads = [...text.matchAll(/^### `(\w+)`$/gm)]
  return new Map(heads.map((m, i) => [m[1]!, text.slice(m.index, heads[i + 1]?.index ?? text.length)]))
}

/** The contrib aliases: the exports of src/contrib/optimizers/*.ts, each reached as `contrib.<name>`. */
const contribAliases = readdirSync(resolve(root, 'src/contrib/optimizers'))
  .flatMap((f) => [
    ...readFileSync(resolve(root, 'src/contrib/optimizers', f), 'utf8').matchAll(/^export (?:function|const) (\w+)/gm),
  ])
  .map((m) => m[1]!)
  .sort()

/** The `### \`contrib.name\`` sections of the Contrib part. */
const contribSections = (): Map<string, string> => {
  const text = part('Contrib')
  const heads = [...text.matchAll(/^### `contrib\.(\w+)`$/gm)]
  return new Map(heads.map((m, i) => [m[1]!, text.slice(m.index, heads[i + 1]?.index ?? text.length)]))
}

describe('docs/optimizers.md', () => {
  it.each(contribAliases)('has a Contrib section for contrib.%s, with its chain, rule and differences', (name) => {
    expect(typeof (descent.contrib as Record<string, unknown>)[name], `contrib.${name} is exported`).toBe('function')
    const body = contribSections().get(name)
    expect(body, `docs/optimizers.md needs a "### \`contrib.${name}\`" section`).toBeDefined()
    expect(body).toContain(`\`contrib.${name}(`)
    expect(body).toMatch(/Chain[^\n]*`chain\(/)
    expect(body).toContain('```text')
    expect(body).toContain('**vs PyTorch / TF.js.**')
  })

  it('has no Contrib section for a name that is not a contrib alias', () => {
    expect(contribAliases.length).toBeGreaterThan(0)
    expect([...contribSections().keys()].filter((n) => !contribAliases.includes(n))).toEqual([])
  })

  it('finds the optimizer aliases, each exported from src/index.ts', () => {
    expect(aliases.length).toBeGreaterThanOrEqual(26)
    for (const name of aliases)
      expect(exported[name], `${name} is exported from src/index.ts`).toBe(
        (optimizers as unknown as Record<string, unknown>)[name],
      )
  })

  it.each(aliases)('has a section for %s, with its chain, its rule and the PyTorch / TF.js differences', (name) => {
    const body = sections().get(name)
    expect(body, `docs/optimizers.md needs a "### \`${name}\`" section`).toBeDefined()
    expect(body).toContain(`\`${name}(`)
    expect(body).toMatch(/Chain[^\n]*`chain\(/)
    expect(body).toContain('```text')
    expect(body).toContain('**vs PyTorch / TF.js.**')
  })

  it('has no section for a name that is not an optimizer alias', () => {
    expect([...sections().keys()].filter((n) => !aliases.includes(n))).toEqual([])
  })

  it('names only exported wrappers and schedules in its tables', () => {
    for (const title of ['Wrappers', 'Schedules']) {
      const names = [...part(title).matchAll(/^\| `(\w+)[(`]/gm)].map((m) => m[1]!)
      expect(names.length, title).toBeGreaterThan(10)
      for (const n of names) expect(typeof exported[n], `${title}: ${n} is exported from src/index.ts`).toBe('function')
    }
    for (const n of ['partition', 'lookaheadParams', 'multiStepsHasUpdated', 'monitor']) {
      expect(typeof exported[n], n).toBe('function')
    }
  })
})
