// The declaration files of the per-module build (tsup.config.ts builds the JavaScript): tsc emits one .d.ts per
// source module into .cache/dts (incremental: a rebuild with no source change takes a second), then every file is
// written to dist twice, as .d.ts for `import` (relative imports completed with '.js', as node16/nodenext resolution
// requires) and as .d.cts for `require` (with '.cjs'). fp-ts is no dependency of the package (its functions are
// bundled into the modules that use them): its Either and Option types, which the declarations name, are shipped as
// dist/_fp/*.d.ts, structurally identical to fp-ts's, so values pass to and from fp-ts unchanged.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
// DESCENT_DTS: the declarations scripts/typecheck.mjs --dts wrote from its program (npm test), the same files tsc
// writes here, without type-checking src/ a second time.
const cache = process.env.DESCENT_DTS ? resolve(process.env.DESCENT_DTS) : join(root, '.cache', 'dts')
const dist = join(root, 'dist')

if (!process.env.DESCENT_DTS)
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )

const FP = {
  Either: `export interface Left<E> {
  readonly _tag: 'Left'
  readonly left: E
}
export interface Right<A> {
  readonly _tag: 'Right'
  readonly right: A
}
export type Either<E, A> = Left<E> | Right<A>
`,
  Option: `export interface None {
  readonly _tag: 'None'
}
export interface Some<A> {
  readonly _tag: 'Some'
  readonly value: A
}
export type Option<A> = None | Some<A>
`,
}
const header = '// fp-ts 2 types, structurally identical to fp-ts/' // + module name

const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.d.ts') ? [p] : []
  })

/** The specifier `spec` (in the declaration file `file` of the cache) as the dist file `ext` needs it. */
function rewrite(file, spec, ext) {
  const fp = /^fp-ts\/(Either|Option)$/.exec(spec)
  if (fp) {
    const target = relative(dirname(join(dist, relative(cache, file))), join(dist, '_fp', fp[1]))
    return (target.startsWith('.') ? target : `./${target}`) + ext
  }
  if (!spec.startsWith('.')) return spec
  const base = resolve(dirname(file), spec)
  if (existsSync(`${base}.d.ts`)) return `${spec}${ext}`
  if (existsSync(join(base, 'index.d.ts'))) return `${spec.replace(/\/$/, '')}/index${ext}`
  throw new Error(`${relative(cache, file)}: cannot resolve ${spec}`)
}

// tsc's incremental build leaves the declarations of deleted sources behind: only those of present sources ship.
const src = join(root, 'src')
const declarations = walk(cache).filter((f) => existsSync(join(src, relative(cache, f)).replace(/\.d\.ts$/, '.ts')))
const unknownFp = []
for (const file of declarations) {
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/^import .* from '(fp-ts\/[^']+)'/gm))
    if (!/Either|Option/.test(m[1])) unknownFp.push(m[1])
  const out = join(dist, relative(cache, file))
  mkdirSync(dirname(out), { recursive: true })
  for (const [ext, suffix] of [
    ['.js', '.d.ts'],
    ['.cjs', '.d.cts'],
  ]) {
    const fixed = text
      .replace(
        /^((?:import|export)\b[^'\n]*? from ')([^']+)(';?)$/gm,
        (_, a, spec, b) => a + rewrite(file, spec, ext) + b,
      )
      .replace(/\bimport\("(\.[^"]*)"\)/g, (_, spec) => `import("${rewrite(file, spec, ext)}")`)
    const bare = /\bfrom '(\.[^']*)'|\bimport\("(\.[^"]*)"\)/g
    for (const m of fixed.matchAll(bare)) {
      if (!(m[1] ?? m[2]).endsWith(ext)) throw new Error(`${relative(cache, file)}: ${m[1] ?? m[2]} kept no extension`)
    }
    writeFileSync(out.replace(/\.d\.ts$/, suffix), fixed)
  }
}
if (unknownFp.length > 0) throw new Error(`declarations import fp-ts modules with no shipped types: ${unknownFp}`)
mkdirSync(join(dist, '_fp'), { recursive: true })
for (const [name, body] of Object.entries(FP)) {
  for (const suffix of ['.d.ts', '.d.cts'])
    writeFileSync(join(dist, '_fp', name + suffix), `${header}${name}.\n${body}`)
}
console.log(`declarations: ${declarations.length} modules → dist/**/*.d.ts and *.d.cts`)
