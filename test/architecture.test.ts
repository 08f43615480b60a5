import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fusibleOf } from '../src/core/fusion'
import * as contrib from '../src/contrib/index'
import * as optimizers from '../src/optimizers/index'

// Layers (DESIGN.md): imports only go downwards, kernels ← core ← {grad, schedules} ← transforms ← optimizers ← train.
// This test plays the role of eslint's import/no-restricted-paths zones and of a dpdm circular check.
const src = resolve(__dirname, '../src')
const RANK: Record<string, number> = {
  kernels: 0,
  core: 1,
  grad: 2,
  schedules: 2,
  projections: 2,
  transforms: 3,
  optimizers: 4,
  // optax.contrib: building blocks (contrib/transforms) and aliases (contrib/optimizers) above the core optimizers.
  contrib: 4.5,
  // optax.experimental (aggregating): per-example aggregators built on transforms.
  experimental: 4.5,
  train: 5,
  testing: 6,
  gpu: 6, // descent-ts/gpu: installs gpu.js kernels in kernels/dispatch.ts
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })

const files = walk(src)
const layerOf = (file: string): string => relative(src, file).split('/')[0]!.replace(/\.ts$/, '')
/** The alias files: src/optimizers/*.ts and src/contrib/optimizers/*.ts (not the barrels). */
const isAliasFile = (file: string): boolean =>
  (layerOf(file) === 'optimizers' || relative(src, file).startsWith('contrib/optimizers/')) &&
  !file.endsWith('index.ts')

/** The relative modules `text` imports or re-exports; with `runtimeOnly`, not those of `import type` / `export type`. */
function specifiers(text: string, { runtimeOnly = false } = {}): string[] {
  const pattern = runtimeOnly
    ? /^(?:import|export)(?! type )[^'"]*from\s+'(\.[^']+)'/gm
    : /^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm
  return [...text.matchAll(pattern)].map((m) => m[1]!)
}

function importsOf(file: string, options: { runtimeOnly?: boolean } = {}): string[] {
  return specifiers(readFileSync(file, 'utf8'), options).map((spec) => {
    const base = resolve(dirname(file), spec)
    for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (files.includes(candidate)) return candidate
    throw new Error(`${relative(src, file)} imports ${spec}, which does not resolve to a file in src/`)
  })
}

/** The first import cycle found by a depth-first walk of `graph` (as a path that ends where it starts), if any. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (f: string, stack: readonly string[]): string[] | undefined => {
    if (state.get(f) === 'done') return undefined
    if (state.get(f) === 'visiting') return [...stack, f]
    state.set(f, 'visiting')
    for (const d of graph.get(f) ?? []) {
      const cycle = visit(d, [...stack, f])
      if (cycle) return cycle
    }
    state.set(f, 'done')
    return undefined
  }
  for (const f of graph.keys()) {
    const cycle = visit(f, [])
    if (cycle) return cycle
  }
  return undefined
}

const graph = new Map(files.map((f) => [f, importsOf(f)]))
// Cycles only matter at run time, so `import type` edges are left out of the cycle check (as dpdm -T does).
const runtimeGraph = new Map(files.map((f) => [f, importsOf(f, { runtimeOnly: true })]))

/** The arguments a contrib alias is built with in the runtime check, where the learning rate 0.1 does not fit. */
const CONTRIB_ALIAS_ARGS: Record<string, readonly unknown[]> = {
  dpsgd: [0.1, { l2NormClip: 1, noiseMultiplier: 0.5, key: 0 }],
}

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

  it('optimizers import only from transforms and core (contrib aliases also from contrib and the core aliases)', () => {
    for (const f of files.filter(isAliasFile)) {
      const allowed =
        layerOf(f) === 'contrib'
          ? ['transforms', 'core', 'optimizers', 'contrib']
          : ['transforms', 'core', 'optimizers']
      for (const dep of graph.get(f)!) {
        expect(allowed, relative(src, f)).toContain(layerOf(dep))
        // A contrib alias imports building blocks, never another contrib alias's internals in src/optimizers' place.
        if (layerOf(dep) === 'contrib')
          expect(relative(src, dep), relative(src, f)).toMatch(/^contrib\/(transforms|optimizers|_internal)\//)
      }
    }
  })

  it('optimizer aliases have no state or math of their own (no init/update literals, no tree math)', () => {
    for (const f of files.filter(isAliasFile)) {
      const code = readFileSync(f, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '')
      expect(code, relative(src, f)).not.toMatch(/\b(init|update)\s*:/)
      expect(code, relative(src, f)).not.toMatch(/\btree\.\w+\(/)
    }
  })

  it('every optimizer alias is one `return chain(...)` (or another alias with options set)', () => {
    const aliasNames = [...Object.keys(optimizers), ...Object.keys(contrib)]
    for (const f of files.filter(isAliasFile)) {
      const code = readFileSync(f, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '')
      const functions = [...code.matchAll(/^export function (\w+)[\s\S]*?^}/gm)]
      const arrows = [...code.matchAll(/^export const (\w+)\s*=\s*\([\s\S]*?=>\s*\n?\s*(\w+)\(/gm)]
      expect(functions.length + arrows.length, relative(src, f)).toBeGreaterThan(0)
      for (const [body, name] of functions) expect(body, `${relative(src, f)}: ${name}`).toMatch(/\n {2}return chain\(/)
      for (const [, name, callee] of arrows) expect(aliasNames, `${relative(src, f)}: ${name}`).toContain(callee)
    }
    // At run time too: what each alias returns was built by chain() (not a chain spread into a new object).
    for (const [name, make] of Object.entries(optimizers)) {
      // polyakSgd has no learning rate (its step comes from the loss): it takes its options object.
      const tx = (make as (lr: unknown) => unknown)(name === 'polyakSgd' ? {} : 0.1)
      expect(fusibleOf(tx)?.kind, name).toBe('chain')
    }
    const contribAliases = files
      .filter((f) => isAliasFile(f) && layerOf(f) === 'contrib')
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]!))
    expect(contribAliases.length).toBeGreaterThan(0)
    for (const name of contribAliases) {
      const make = (contrib as unknown as Record<string, (...args: unknown[]) => unknown>)[name]
      expect(typeof make, `${name} is exported from src/contrib/index.ts`).toBe('function')
      const tx = make!(...(CONTRIB_ALIAS_ARGS[name] ?? [0.1]))
      expect(fusibleOf(tx)?.kind, `contrib.${name}`).toBe('chain')
    }
  })

  it('has no module-level mutable state beyond kernel caches, the backend choice and the autodiff trace stack', () => {
    // DESIGN.md: purity is structural. Each allowed binding is named with why it may change.
    const allowed: Record<string, string> = {
      'kernels/wasm/index.ts instance': 'the compiled WebAssembly module (kernel cache)',
      'kernels/wasm/shared.ts shared': 'the shared-memory module, its allocator and its worker (kernel cache)',
      'kernels/dispatch.ts current': 'the backend choice (setBackend)',
      'kernels/dispatch.ts gpuCache': 'the gpu.js kernels (kernel cache)',
      'kernels/primeMalloc.ts primed': 'whether the one allocation that primes glibc was made (set once, like a cache)',
      'grad/trace.ts nextLevel': 'the autodiff interpreter stack (dynamic scope, as in JAX; empty between calls)',
      'grad/trace.ts stack': 'the autodiff interpreter stack (dynamic scope, as in JAX; empty between calls)',
    }
    const found: string[] = []
    const pattern =
      /^(?:export )?(?:(?:let|var) (\w+)|const (\w+)(?:: (?!Readonly)[^=]+)? = (?:new (?:Map|WeakMap|Set|WeakSet|Array)\b|\[\]|\{\}))/gm
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(pattern)) found.push(`${relative(src, f)} ${m[1] ?? m[2]}`)
    }
    expect(found.filter((k) => !(k in allowed))).toEqual([])
    // The pattern finds what it is meant to find.
    const probe =
      'let a = 1\nconst b = new WeakMap()\nconst c: X[] = []\nconst d: ReadonlyMap<string, number> = new Map()\n'
    expect([...probe.matchAll(pattern)].map((m) => m[1] ?? m[2])).toEqual(['a', 'b', 'c'])
  })

  it('has no import cycles', () => {
    const cycle = findCycle(runtimeGraph)
    if (cycle) throw new Error(`import cycle: ${cycle.map((x) => relative(src, x)).join(' → ')}`)
  })

  it('the cycle check follows runtime imports and re-exports, and skips type-only ones', () => {
    const typeOnly = "import type { A } from './a'\nexport type { B } from './b'\n"
    expect(specifiers(typeOnly)).toEqual(['./a', './b'])
    expect(specifiers(typeOnly, { runtimeOnly: true })).toEqual([])
    const runtime = "import {\n  type A,\n  b,\n} from './a'\nexport { c } from '../c'\n"
    expect(specifiers(runtime, { runtimeOnly: true })).toEqual(['./a', '../c'])
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a'])
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeUndefined()
  })

  it('never uses export * from implementation files (barrels list names, each name once)', () => {
    // `export * from './transforms/index'` re-exports a barrel, which lists its names: allowed, so that no name is
    // listed twice (issue 11). `export * from './scale'` would hide what a module exports: refused.
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      const stars = [...text.matchAll(/^export \* from '([^']+)'/gm)].map((m) => m[1]!)
      expect(
        stars.filter((spec) => !/(^|\/)index$/.test(spec)),
        relative(src, f),
      ).toEqual([])
    }
  })
})
