import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// Layers (DESIGN.md): imports only go downwards, kernels ← core ← {grad, schedules} ← transforms ← optimizers ← train.
// This test plays the role of eslint's import/no-restricted-paths zones and of a dpdm circular check.
const src = resolve(__dirname, '../src')
const RANK: Record<string, number> = {
  kernels: 0,
  core: 1,
  grad: 2,
  schedules: 2,
  transforms: 3,
  optimizers: 4,
  train: 5,
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })

const files = walk(src)
const layerOf = (file: string): string => relative(src, file).split('/')[0]!.replace(/\.ts$/, '')

function importsOf(file: string, { typeOnly = true } = {}): string[] {
  const text = readFileSync(file, 'utf8')
  const pattern = typeOnly
    ? /^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm
    : /^(?:import|export)(?! type )[^'"]*from\s+'(\.[^']+)'/gm
  return [...text.matchAll(pattern)].map((m) => {
    const base = resolve(dirname(file), m[1]!)
    for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (files.includes(candidate)) return candidate
    throw new Error(`${relative(src, file)} imports ${m[1]}, which does not resolve to a file in src/`)
  })
}

const graph = new Map(files.map((f) => [f, importsOf(f)]))
// Cycles only matter at run time, so `import type` edges are left out of the cycle check (as dpdm -T does).
const runtimeGraph = new Map(files.map((f) => [f, importsOf(f, { typeOnly: false })]))

describe('architecture', () => {
  it.each(files.filter((f) => layerOf(f) !== 'index').map((f) => [relative(src, f), f] as const))(
    '%s only imports from its own or lower layers',
    (_, file) => {
      const layer = layerOf(file)
      for (const dep of graph.get(file)!) {
        const depLayer = layerOf(dep)
        expect(depLayer, `${relative(src, file)} → ${relative(src, dep)}`).not.toBe('index')
        const sameOrLower = RANK[depLayer]! < RANK[layer]! || depLayer === layer
        expect(
          sameOrLower,
          `${relative(src, file)} (${layer}) must not import ${relative(src, dep)} (${depLayer})`,
        ).toBe(true)
      }
    },
  )

  it('optimizers import only from transforms and core', () => {
    for (const f of files.filter((f) => layerOf(f) === 'optimizers')) {
      for (const dep of graph.get(f)!)
        expect(['transforms', 'core', 'optimizers'], relative(src, f)).toContain(layerOf(dep))
    }
  })

  it('optimizer aliases have no state or math of their own (no init/update literals, no tree math)', () => {
    for (const f of files.filter((f) => layerOf(f) === 'optimizers')) {
      const code = readFileSync(f, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '')
      expect(code, relative(src, f)).not.toMatch(/\b(init|update)\s*:/)
      expect(code, relative(src, f)).not.toMatch(/\btree\.\w+\(/)
    }
  })

  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (f: string, stack: string[]): void => {
      if (state.get(f) === 'done') return
      if (state.get(f) === 'visiting')
        throw new Error(`import cycle: ${[...stack, f].map((x) => relative(src, x)).join(' → ')}`)
      state.set(f, 'visiting')
      for (const d of runtimeGraph.get(f)!) visit(d, [...stack, f])
      state.set(f, 'done')
    }
    for (const f of files) visit(f, [])
    expect(state.size).toBe(files.length)
  })

  it('never uses export * from implementation folders (barrels list names)', () => {
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      expect(text.match(/^export \* from/m), relative(src, f)).toBeNull()
    }
  })
})
