// Runs one TypeScript example: `node scripts/run-example.mjs examples/05-mnist-mlp.long.ts [args]`.
//
// The same program as `npx tsx examples/<file>`, started ~2 s sooner on a 2-core machine: tsx compiles and resolves
// each of the ~400 source modules an example reaches through Node's loader hooks (~1 s), and `npx tsx` starts two
// Node processes (~0.6 s). Here esbuild bundles the example and the descent sources it imports into one ES module
// (~0.2 s) and this process imports it. Each bundled file sees
// its own source URL as `import.meta.url`, so paths resolved next to a source file are the ones tsx gives. The bundle
// stays in node_modules/.cache/descent-examples/<example>.mjs, where stack traces point (each source file's part
// starts with a `// src/…` comment); no source map, since Node's source map support made the demo's training ~15 %
// slower here.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const [file, ...args] = process.argv.slice(2)
if (file === undefined || !existsSync(file)) {
  console.error('usage: node scripts/run-example.mjs <example.ts> [args…]' + (file ? ` (no such file: ${file})` : ''))
  process.exit(2)
}

const entry = resolve(file)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, 'node_modules', '.cache', 'descent-examples')
const outfile = join(cacheDir, `${basename(entry).replace(/\.[cm]?[jt]s$/, '')}.mjs`)

/** esbuild plugin: `import.meta.url` in each TypeScript file becomes that file's own URL (what tsx gives it). */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }))
  },
}

let code
try {
  const result = await build({
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [ownUrls],
    logLevel: 'error',
  })
  code = result.outputFiles[0].contents
} catch {
  // esbuild has printed the errors (a syntax error, an import that does not resolve)
  process.exit(1)
}
// Written under a name of its own, then renamed: two runs of one example never import half a file.
mkdirSync(cacheDir, { recursive: true })
const partial = `${outfile}.${process.pid}.tmp`
writeFileSync(partial, code)
renameSync(partial, outfile)
process.argv = [process.argv[0], entry, ...args]
await import(pathToFileURL(outfile).href)
