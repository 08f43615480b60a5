import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// The npm name is `descent-ts` (`descent` belongs to an unrelated package): code a user copies from the docs, the
// TSDoc @examples, the examples and the scripts must import what `npm i descent-ts` installs.
const root = resolve(__dirname, '../..')
const NAME = 'descent-ts'
const OLD = 'descent'
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return []
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mts|cts|mjs|cjs|js|md|html)$/.test(p) ? [p] : []
  })
const files = [
  ...['src', 'docs', 'examples', 'scripts', 'test', 'bench'].flatMap((d) => walk(join(root, d))),
  ...['README.md', 'CHANGELOG.md', 'tsup.config.ts', 'vitest.config.ts'].map((f) => join(root, f)),
]

// An import of the old name, in any quoting, and its subpaths named in prose.
const oldImport = new RegExp(`(from\\s+|import\\(\\s*|require\\(\\s*)(['"\`])${OLD}(/[\\w/-]*)?\\2`, 'g')
const oldSubpath = new RegExp(
  `(?<![-\\w/.@])${OLD}\\\\?/(testing|gpu|contrib|losses|projections|schedules|tree|ops)\\b`,
  'g',
)

describe(`the package name is ${NAME}`, () => {
  it('package.json says so', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest.name).toBe(NAME)
    for (const url of [
      (manifest.repository as { url: string }).url,
      manifest.homepage,
      (manifest.bugs as { url: string }).url,
    ])
      expect(url).toMatch(/github\.com\/descent-ts\/descent/)
  })

  it('each namespace entry (descent-ts/contrib, /tree, …) is the namespace of the same name, from its barrel', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { import?: { default: string; types: string } }>
      typesVersions: Record<string, Record<string, string[]>>
    }
    const main = (await import('../../src/index')) as unknown as Record<string, unknown>
    const entries = Object.entries(manifest.exports).filter(([k]) => typeof main[k.slice(2)] === 'object')
    expect(entries.map(([k]) => k).sort()).toEqual(
      ['./contrib', './losses', './ops', './projections', './schedules', './tree'].sort(),
    )
    for (const [key, entry] of entries) {
      const name = key.slice(2)
      const barrel = /^\.\/dist\/(.+)\.js$/.exec(entry.import!.default)![1]!
      expect(entry.import!.types).toBe(`./dist/${barrel}.d.ts`)
      expect(manifest.typesVersions['*']![name]).toEqual([`./dist/${barrel}.d.cts`])
      const module = (await import(`../../src/${barrel}`)) as Record<string, unknown>
      const namespace = main[name] as Record<string, unknown>
      expect(Object.keys(module).sort(), key).toEqual(Object.keys(namespace).sort())
      for (const k of Object.keys(module)) expect(module[k], `${key}: ${k}`).toBe(namespace[k])
    }
  })

  it('the scan sees the docs, the TSDoc and the scripts', () => {
    const rel = files.map((f) => relative(root, f))
    for (const f of ['README.md', 'src/index.ts', 'scripts/smoke-pack.mjs', 'docs/optimizers.md'])
      expect(rel).toContain(f)
  })

  it(`nothing imports the old specifier '${OLD}'`, () => {
    const offenders = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8')
      return [...text.matchAll(oldImport), ...text.matchAll(oldSubpath)].map(
        (m) => `${relative(root, f)}:${text.slice(0, m.index).split('\n').length}: ${m[0]}`,
      )
    })
    expect(offenders, `import from '${NAME}' instead`).toEqual([])
  })

  it('the patterns catch the old specifier (so the scan can fail)', () => {
    const q = "'"
    for (const bad of [
      `import { sgd } from ${q}${OLD}${q}`,
      `await import(${q}${OLD}/gpu${q})`,
      `require("${OLD}/testing")`,
    ])
      expect(bad.match(oldImport), bad).not.toBeNull()
    expect(`see ${OLD}/testing`.match(oldSubpath)).not.toBeNull()
    expect(String.raw`/from '${OLD}\/gpu'/`.match(oldSubpath)).not.toBeNull()
    expect(
      `import { sgd } from ${q}${NAME}${q}; see ${NAME}/testing, github.com/descent-ts/${OLD}/issues`.match(oldImport),
    ).toBeNull()
    expect(`see ${NAME}/testing, github.com/descent-ts/${OLD}/issues`.match(oldSubpath)).toBeNull()
  })
})
