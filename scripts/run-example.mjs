// Runs one TypeScript example: `node scripts/run-example.mjs examples/05-mnist-mlp.long.ts [args]`.
//
// The same program as `npx tsx examples/<file>`, started ~2 s sooner on a 2-core machine: tsx compiles and resolves
// each of the ~400 source modules an example reaches through Node's loader hooks (~1 s), and `npx tsx` starts two
// Node processes (~0.6 s). Here esbuild bundles the example and the descent sources it imports into one ES module
// (~0.35 s) and this process imports it. Each bundled file sees its own source URL as `import.meta.url`, so paths
// resolved next to a source file are the ones tsx gives. The bundle stays in node_modules/.cache/descent-examples/
// <example>.mjs, where stack traces point (each source file's part starts with a `// src/…` comment), with the list
// of the files it was built from and a hash of each: while none of them changes, the next run imports it without
// building (a file added where an import would now resolve to it is not noticed: `rm -r node_modules/.cache/
// descent-examples` then). No source map: Node's source map support made the demo's training ~15 % slower here.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [file, ...args] = process.argv.slice(2)
if (file === undefined || !existsSync(file)) {
  console.error('usage: node scripts/run-example.mjs <example.ts> [args…]' + (file ? ` (no such file: ${file})` : ''))
  process.exit(2)
}

const entry = resolve(file)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, 'node_modules', '.cache', 'descent-examples')
const outfile = join(cacheDir, `${basename(entry).replace(/\.[cm]?[jt]s$/, '')}.mjs`)
const inputsFile = `${outfile}.inputs.json`
const self = fileURLToPath(import.meta.url)

const hashOf = (path) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** Whether the bundle on disk was built from this entry and from files that all still hash the same (and by this script). */
function upToDate() {
  try {
    const built = JSON.parse(readFileSync(inputsFile, 'utf8'))
    if (built.entry !== entry || !existsSync(outfile)) return false
    return Object.entries(built.hashes).every(([path, hash]) => hashOf(path) === hash)
  } catch {
    return false // no bundle yet, or a file it was built from is gone
  }
}

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

if (!upToDate()) {
  const { build } = await import('esbuild')
  let result
  try {
    result = await build({
      entryPoints: [entry],
      outfile,
      write: false,
      metafile: true,
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      plugins: [ownUrls],
      logLevel: 'error',
    })
  } catch {
    // esbuild has printed the errors (a syntax error, an import that does not resolve)
    process.exit(1)
  }
  const inputs = [self, ...Object.keys(result.metafile.inputs).map((path) => resolve(root, path))]
  const hashes = Object.fromEntries(inputs.map((path) => [path, hashOf(path)]))
  // Each written under a name of its own, then renamed: two runs of one example never import half a file.
  mkdirSync(cacheDir, { recursive: true })
  for (const [path, contents] of [
    [outfile, result.outputFiles[0].contents],
    [inputsFile, JSON.stringify({ entry, hashes })],
  ]) {
    const partial = `${path}.${process.pid}.tmp`
    writeFileSync(partial, contents)
    renameSync(partial, path)
  }
}
process.argv = [process.argv[0], entry, ...args]
await import(pathToFileURL(outfile).href)
