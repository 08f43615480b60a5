// The namespace entries (descent-ts/contrib, /losses, /projections, /schedules, /tree, /ops: every package.json
// "exports" entry named after a namespace of the main entry) in Node's layout (dist/node/<name>/index.{js,cjs}): each
// re-exports, name by name, the main entry's namespace of that name, so that the two are one module instance (the
// same functions, the same backend state) and importing one costs nothing more than the main entry. Bundlers get the
// per-module barrels themselves ("import" condition), from which an app keeps only the functions it imports: through
// a namespace object (`projections.projectionBox`) esbuild keeps every member of the namespace. Run after tsup.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')
const node = join(root, 'dist', 'node')
const main = await import(pathToFileURL(join(node, 'index.js')).href)
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const names = Object.keys(manifest.exports)
  .map((k) => k.slice(2))
  .filter((name) => main[name] !== null && typeof main[name] === 'object')
if (names.length < 6) throw new Error(`namespace entries: only [${names}]`)
for (const name of names) {
  const keys = Object.keys(main[name]).sort()
  const bad = keys.filter((k) => !/^[A-Za-z_$][\w$]*$/.test(k))
  if (keys.length === 0 || bad.length > 0) throw new Error(`descent-ts/${name}: cannot re-export [${bad}]`)
  const header = `// descent-ts/${name}: the main entry's \`${name}\` namespace, name by name (scripts/build-subpaths.mjs).\n`
  mkdirSync(join(node, name), { recursive: true })
  writeFileSync(
    join(node, name, 'index.js'),
    `${header}import { ${name} } from '../index.js'\nexport const {\n${keys.map((k) => `  ${k},\n`).join('')}} = ${name}\n`,
  )
  writeFileSync(
    join(node, name, 'index.cjs'),
    `${header}'use strict'\nconst { ${name} } = require('../index.cjs')\n${keys.map((k) => `exports.${k} = ${name}.${k}\n`).join('')}`,
  )
}
