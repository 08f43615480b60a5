// Node's entries of descent-ts (dist/node/index.cjs for `require`, index.js for `import`), on top of the groups tsup
// built from scripts/node-groups.mjs: `core` is loaded on import, every other group on the first call of one of its
// functions, so that importing the package compiles ~100 KB of JavaScript instead of ~580 KB (issue 12).
// - index.cjs: a value of `core` as itself; any other one as a getter that loads its group (the very function).
// - index.js: `import` gets the same files through `require` (one module instance for ESM and CJS, so a Tensor or an
//   error made through one is the other's, and setBackend is one switch); an ESM binding cannot be a getter, so a
//   function of a lazy group is a stand-in of the same name and length that loads the group and calls it (its own
//   properties, such as the hyperparameter defaults injectHyperparams reads, are read through from the function).
// - testing/index.js, gpu/index.js: the same for those entries (which tsup built as CJS in the same split build).
// Run after tsup.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const node = join(root, 'dist', 'node')
const require = createRequire(join(node, 'index.cjs'))
const { groups, exported } = JSON.parse(readFileSync(join(root, '.cache', 'node-groups', 'manifest.json'), 'utf8'))
const lazyGroups = groups.filter((g) => g !== 'core')
const loaded = Object.fromEntries(groups.map((g) => [g, require(`./groups/${g}.cjs`)]))
const header = (what) => `// ${what} (scripts/build-node.mjs; see scripts/node-groups.mjs).\n`
const str = JSON.stringify

// load.cjs: the groups, `core` now and each other one when first asked for.
writeFileSync(
  join(node, 'load.cjs'),
  `${header('descent-ts in Node: the main entry in groups, `core` loaded with this file and the others on first use')}` +
    `'use strict'\nexports.core = require('./groups/core.cjs')\n` +
    lazyGroups
      .map((g) => `let ${g}\nexports.${g} = () => ${g} ?? (${g} = require(${str(`./groups/${g}.cjs`)}))\n`)
      .join(''),
)

/** What a stand-in must reproduce of a function of a lazy group: name, length, own properties (by Symbol.for key). */
function describe(path, value) {
  if (typeof value !== 'function' || /^class\b/.test(Function.prototype.toString.call(value)))
    throw new Error(
      `build-node: ${path} is not a plain function, so it cannot wait for its group to load: declare it in a ` +
        `module of the core group (scripts/node-groups.mjs)`,
    )
  const props = Reflect.ownKeys(value)
    .filter((k) => !['length', 'name', 'prototype', 'arguments', 'caller'].includes(k))
    .map((k) => {
      if (typeof k === 'string') return k
      const key = Symbol.keyFor(k)
      if (key === undefined) throw new Error(`build-node: ${path} has a property keyed by an unregistered symbol`)
      return { symbol: key }
    })
  return { name: value.name, length: value.length, props }
}

/** A name a function expression can carry in strict code, so that a stand-in needs no `defineProperty` for it. */
const declarable = (name) => {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || ['load', 'core', 'arguments', 'eval'].includes(name)) return false
  try {
    new Function(`'use strict'; return function ${name}() {}`)
    return true
  } catch {
    return false
  }
}
const propKey = (p) => (typeof p === 'string' ? str(p) : `Symbol.for(${str(p.symbol)})`)
const getterName = (name) => (declarable(name) ? name : str(name))

// index.cjs: one object literal (getters and values are cheap to create that way, ~300 defineProperty calls are not).
const cjsMembers = (path, members, indent) =>
  Object.keys(members)
    .sort()
    .map((name) => {
      const m = members[name]
      const key = getterName(name)
      if (m.members)
        return `${indent}${key}: {\n${cjsMembers(`${path}.${name}`, m.members, `${indent}  `)}${indent}},\n`
      if (m.group === 'core') return `${indent}${key}: core.${m.key},\n`
      describe(`${path}${name}`, loaded[m.group][m.key])
      return `${indent}get ${key}() {\n${indent}  return load.${m.group}().${m.key}\n${indent}},\n`
    })
    .join('')
writeFileSync(
  join(node, 'index.cjs'),
  `${header('descent-ts for `require` in Node: `core` values as they are, the other groups behind getters')}` +
    `'use strict'\nconst load = require('./load.cjs')\nconst { core } = load\n` +
    `module.exports = {\n${cjsMembers('', exported, '  ')}}\n` +
    `Object.defineProperty(module.exports, '__esModule', { value: true })\n`,
)

// index.js: one stand-in per function of a lazy group (shared by `add` and `ops.add`).
const standIns = new Map()
const esmValue = (path, { group, key }) => {
  if (group === 'core') return `core.${key}`
  const id = `${group}.${key}`
  if (!standIns.has(id)) {
    const { name, length, props } = describe(path, loaded[group][key])
    const params = Array.from({ length }, (_, i) => `a${i}`).join(', ')
    const call = `Reflect.apply(load.${group}().${key}, this, arguments)`
    const s = `s${standIns.size}`
    // An anonymous function expression in a comma expression gets the name '' (as `abs`, made by a higher-order call).
    const fn = declarable(name)
      ? `function ${name}(${params}) {\n  return ${call}\n}`
      : `(0, function (${params}) {\n  return ${call}\n})`
    const extra = [
      ...(name === '' || declarable(name) ? [] : [`Object.defineProperty(${s}, 'name', { value: ${str(name)} })\n`]),
      ...props.map(
        (p) => `Object.defineProperty(${s}, ${propKey(p)}, { get: () => load.${group}().${key}[${propKey(p)}] })\n`,
      ),
    ]
    standIns.set(id, { id: s, text: `const ${s} = ${fn}\n${extra.join('')}` })
  }
  return standIns.get(id).id
}
const esmNamespace = (path, members, indent) =>
  `{\n${Object.keys(members)
    .sort()
    .map((name) => {
      const m = members[name]
      const value = m.members
        ? esmNamespace(`${path}.${name}`, m.members, `${indent}  `)
        : esmValue(`${path}.${name}`, m)
      return m.members
        ? `${indent}  ${getterName(name)}: ${value},\n`
        : `${indent}  get ${getterName(name)}() {\n${indent}    return ${value}\n${indent}  },\n`
    })
    .join('')}${indent}}`
const esm = []
for (const name of Object.keys(exported).sort()) {
  const e = exported[name]
  esm.push(`export const ${name} = ${e.members ? esmNamespace(name, e.members, '') : esmValue(name, e)}\n`)
}
writeFileSync(
  join(node, 'index.js'),
  `${header('descent-ts for `import` in Node: the CJS files themselves, functions of lazy groups as stand-ins')}` +
    `import { createRequire } from 'node:module'\n` +
    `const require = createRequire(import.meta.url)\nconst load = require('./load.cjs')\nconst { core } = load\n` +
    [...standIns.values()].map((s) => s.text).join('') +
    esm.join(''),
)

// testing/index.{cjs,js}, gpu/index.{cjs,js}: their values (not the core keys their group entries re-export).
for (const entry of ['testing', 'gpu']) {
  const names = Object.keys(require(`./groups/${entry}.cjs`)).filter((k) => !/^\$v\d+$/.test(k))
  mkdirSync(join(node, entry), { recursive: true })
  writeFileSync(
    join(node, entry, 'index.cjs'),
    `${header(`descent-ts/${entry} for \`require\` in Node`)}'use strict'\n` +
      `Object.defineProperty(exports, '__esModule', { value: true })\n` +
      `const m = require('../groups/${entry}.cjs')\n${names.map((n) => `exports.${n} = m.${n}\n`).join('')}`,
  )
  writeFileSync(
    join(node, entry, 'index.js'),
    `${header(`descent-ts/${entry} for \`import\` in Node: its CJS entry, one module instance with the main entry's`)}` +
      `import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\n` +
      `const m = require('./index.cjs')\nexport const {\n${names.map((n) => `  ${n},\n`).join('')}} = m\n`,
  )
}
console.log(
  `node entries: core + ${lazyGroups.length} lazy groups (${lazyGroups.join(', ')}), ${standIns.size} ESM stand-ins`,
)
