// The subpath entries descent-ts/contrib, descent-ts/losses and descent-ts/projections in Node's layout (dist/node):
// each re-exports, name by name, the main entry's namespace of the same name, so that the two are one module
// instance (the same functions, the same backend state) and importing a subpath costs nothing more than the main
// entry. Bundlers get the per-module barrels themselves (package.json "exports"), from which an app keeps only the
// functions it imports: through the main entry's namespace objects (`projections.projectionBox`) a bundler keeps
// every member of the namespace. Run after tsup (npm run build).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const node = join(resolve(import.meta.dirname, '..'), 'dist', 'node')
const main = await import(pathToFileURL(join(node, 'index.js')).href)
for (const name of ['contrib', 'losses', 'projections']) {
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
