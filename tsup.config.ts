import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { build as esbuild } from 'esbuild'
import { defineConfig, type Options } from 'tsup'
import { shakeNames } from './scripts/shake-names'

// Two layouts of the same code (package.json "exports" picks one), each sharing one copy of every module between the
// three entries, so that descent-ts/gpu's useGpu() installs its kernels in the very dispatcher (kernels/dispatch) that
// descent's setBackend controls, and descent-ts/testing builds descent's own Tensors:
// - dist/**/*.js, one ESM file per source module, for bundlers ("import"): with "sideEffects": false a bundler
//   drops every module an app does not reach (an sgd-only app: ~21 KB instead of the whole library);
// - dist/node/, for Node ("node", and every "require"), CommonJS bundled with shared chunks (importing ~250 files
//   costs Node's ESM loader ~5× the time of one file): the main entry in groups (scripts/node-groups.mjs; only
//   `core` is loaded on import, the others on first use), descent-ts/testing and descent-ts/gpu. The ESM and CJS
//   entries on top (scripts/build-node.mjs) load these same files, so `import` and `require` share one instance.
// Types come from tsc, one .d.ts and .d.cts per module (scripts/build-dts.mjs).

const root = import.meta.dirname
const src = resolve(root, 'src')
const walk = (dir: string, keep: (path: string) => boolean): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path, keep) : keep(path) ? [path] : []
  })

/**
 * Each module is built on its own: a relative import stays an import (external), its path completed with '.js'
 * ('./core/chain' → './core/chain.js', './kernels' → './kernels/index.js'), as Node's ESM loader requires; fp-ts's
 * modules are imported from dist/_fp (see fpShims).
 */
const perModule: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'descent-per-module',
  setup(build) {
    const external = (importer: string, target: string) => {
      const path = relative(dirname(importer), target)
      return { path: `${path.startsWith('.') ? path : `./${path}`}.js`, external: true }
    }
    build.onResolve({ filter: /^fp-ts\/(Either|Option)$/ }, (args) =>
      args.importer.startsWith(src)
        ? external(args.importer, join(src, '_fp', args.path.slice('fp-ts/'.length)))
        : undefined,
    )
    build.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
      if (args.kind === 'entry-point' || !args.importer.startsWith(src)) return undefined
      const base = resolve(args.resolveDir, args.path)
      if (existsSync(`${base}.ts`)) return external(args.importer, base)
      if (existsSync(join(base, 'index.ts'))) return external(args.importer, join(base, 'index'))
      throw new Error(`${relative(src, args.importer)}: ${args.path} is not a module in src/`)
    })
  },
}

/**
 * The fp-ts modules descent uses, each bundled once into dist/_fp, because fp-ts 2 has no exports map (Node's ESM
 * loader cannot resolve 'fp-ts/Either') and is no dependency of the package (6.7 MB). Kept apart from the modules
 * that use them, so that a bundler drops them with the last function that needs them: inlined, their top-level
 * calls (`dual(2, as(Functor))`) would stay in every app.
 */
async function fpShims(): Promise<void> {
  for (const name of ['Either', 'Option']) {
    await esbuild({
      stdin: { contents: `export * from 'fp-ts/${name}'`, resolveDir: root, loader: 'js' },
      outfile: join(root, 'dist', '_fp', `${name}.js`),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      logLevel: 'warning',
    })
  }
}

/**
 * keepNames names every function and class, with calls a bundler must keep: scripts/shake-names.ts drops those a
 * file built on its own does not need (JavaScript names the function the same way) and makes the rest droppable with
 * what they name, so that a bundler keeps only what an app uses. Classes keep their names through a static block
 * (`static { __name(this, "DescentError") }`), which survives any bundler and minifier. Any `__name(f, "f");` left
 * is marked pure: the name is cosmetic in a bundle, while Node, which runs the file as it is, still sets it.
 */
function pureNames(): void {
  const shared = join(root, 'dist', '_name.js')
  for (const f of walk(join(root, 'dist'), (p) => p.endsWith('.js') && !p.includes(`${join('dist', 'node')}`))) {
    const text = readFileSync(f, 'utf8')
    const fixed = shakeNames(text, f)
      .replace(/^__name\((\w+), ("[^"\n]*")\);$/gm, '/* @__PURE__ */ __name($1, $2);')
      .replace(NAME_HELPER, () => `import { __name } from ${JSON.stringify(relativeImport(f, shared))};\n`)
    if (fixed !== text) writeFileSync(f, fixed)
  }
  writeFileSync(shared, `${NAME_HELPER_TEXT}export { __name };\n`)
}

// The helper keepNames inlines in every file that still names something (classes): one shared copy instead, so that
// a bundle holds it once however many of those modules an app reaches.
const NAME_HELPER_TEXT =
  'var __defProp = Object.defineProperty;\n' +
  'var __name = (target, value) => __defProp(target, "name", { value, configurable: true });\n'
const NAME_HELPER = new RegExp(`^${NAME_HELPER_TEXT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm')
const relativeImport = (from: string, to: string): string => {
  const path = relative(dirname(from), to)
  return path.startsWith('.') ? path : `./${path}`
}

/** The main entry's groups and the testing and gpu entries, written by scripts/node-groups.mjs (`npm run build` runs it first). */
function nodeGroupEntries(): Record<string, string> {
  const dir = join(root, '.cache', 'node-groups')
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error('run `node scripts/node-groups.mjs` before tsup')
  const { entries } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { entries: string[] }
  return Object.fromEntries(entries.map((entry) => [`groups/${entry}`, join(dir, `${entry}.ts`)]))
}

const common = {
  // gpu.js transpiles kernel function sources at run time (descent passes them as strings, so names do not matter);
  // unminified output reads like the source in stack traces and debuggers.
  minify: false,
  // Class names stay as written (DescentError, not _DescentError) in stack traces and `error.name`.
  keepNames: true,
  target: 'es2022',
  platform: 'neutral',
  // fp-ts's subpath package.json files point "module" at its ES build.
  esbuildOptions(options) {
    options.mainFields = ['module', 'main']
  },
  sourcemap: false,
  dts: false,
  // gpu.js (optional peer dependency) and fast-check / pure-rand (dependencies) stay imports.
  external: ['gpu.js', 'fast-check', 'pure-rand'],
} satisfies Options

/**
 * In Node's layout pure-rand is required on the first PRNG key used, not on import: resolving its exports map costs
 * Node ~1 ms, for a 2 KB file most programs never need (src/core/prng.ts imports the one function it uses).
 */
const lazyPureRand: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'descent-lazy-pure-rand',
  setup(build) {
    build.onResolve({ filter: /^pure-rand\/generator\/xoroshiro128plus$/ }, (args) =>
      args.namespace === 'lazy-pure-rand'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-pure-rand' },
    )
    build.onLoad({ filter: /.*/, namespace: 'lazy-pure-rand' }, () => ({
      contents:
        'let generator\n' +
        'export const xoroshiro128plusFromState = (state) =>\n' +
        "  (generator ??= require('pure-rand/generator/xoroshiro128plus')).xoroshiro128plusFromState(state)\n",
      loader: 'js',
    }))
  },
}

export default defineConfig([
  {
    ...common,
    entry: walk(src, (p) => p.endsWith('.ts') && !p.includes(join('wasm', 'assembly'))),
    outDir: 'dist',
    format: 'esm',
    bundle: true,
    splitting: false,
    treeshake: false,
    esbuildPlugins: [perModule],
    onSuccess: async () => {
      pureNames()
      await fpShims()
    },
  },
  {
    ...common,
    entry: nodeGroupEntries(),
    outDir: 'dist/node',
    format: ['cjs'],
    // Shared chunks hold the modules the entries share (tsup splits CJS output too).
    splitting: true,
    // fp-ts's few functions are bundled in (the package has no fp-ts dependency).
    // pure-rand stays a dependency, required when first used (lazyPureRand).
    noExternal: [/^fp-ts/, /^pure-rand/],
    external: ['gpu.js', 'fast-check'],
    esbuildPlugins: [lazyPureRand],
    // Node runs ~1,100 __name calls on import otherwise (~1 ms); the names stay the same (scripts/smoke-dist.mjs).
    onSuccess: async () => {
      for (const f of walk(join(root, 'dist', 'node'), (p) => p.endsWith('.cjs'))) {
        const text = readFileSync(f, 'utf8')
        const fixed = shakeNames(text, f)
        if (fixed !== text) writeFileSync(f, fixed)
      }
    },
  },
])
