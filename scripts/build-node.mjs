// Node's entries of descent-ts (dist/node/index.cjs for `require`, index.js for `import`), on top of the groups tsup
// built from scripts/node-groups.mjs: `core` is loaded on import, every other group on the first call of one of its
// functions, so that importing the package compiles ~85 KB of JavaScript instead of ~580 KB (issue 12).
// - index.cjs: a value of `core` as itself; any other one as a getter that loads its group (the very function).
// - index.js: `import` gets the same files through `require` (one module instance for ESM and CJS, so a Tensor or an
//   error made through one is the other's, and setBackend is one switch); an ESM binding cannot be a getter, so a
//   function of a lazy group is a stand-in of the same name and length that loads the group and calls it; its own
//   properties (the hyperparameter defaults injectHyperparams reads) are copied as data, or else read through.
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

const symbols = new Map() // Symbol.for key → its const in index.js
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
      const { value: v, get, set, ...attributes } = Object.getOwnPropertyDescriptor(value, k)
      const flags = Object.entries(attributes).flatMap(([a, on]) => (on ? [`${a}: true`] : []))
      const text = get === undefined && set === undefined ? literal(v) : undefined
      if (typeof k === 'string') return { key: str(k), text, flags }
      const key = Symbol.keyFor(k)
      if (key === undefined) throw new Error(`build-node: ${path} has a property keyed by an unregistered symbol`)
      if (!symbols.has(key)) symbols.set(key, `$sym${symbols.size}`)
      return { key: symbols.get(key), text, flags }
    })
  return { name: value.name, length: value.length, props }
}

/**
 * A data value (numbers, strings, booleans, null, undefined, arrays and plain objects of them, frozen where the value
 * is) as JavaScript source, or undefined for anything else: a stand-in carries the hyperparameter defaults of its
 * function as data (the same values; a getter per function would cost each stand-in a map of its own in V8).
 */
function literal(v) {
  if (v === undefined) return 'undefined'
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return str(v)
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  let text
  if (Array.isArray(v)) {
    const items = v.map(literal)
    if (items.includes(undefined) || Object.keys(v).length !== v.length) return undefined
    text = `[${items.join(', ')}]`
  } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const entries = Reflect.ownKeys(v).map((k) => [k, literal(v[k])])
    if (entries.some(([k, t]) => typeof k !== 'string' || t === undefined || !Object.hasOwn(v, k))) return undefined
    text = `{ ${entries.map(([k, t]) => `${str(k)}: ${t}`).join(', ')} }`
  } else return undefined
  return Object.isFrozen(v) ? `$freeze(${text})` : text
}

/** A name a function expression can carry in strict code, so that a stand-in needs no `defineProperty` for it. */
const declarable = (name) => {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || ['arguments', 'eval'].includes(name)) return false
  try {
    new Function(`'use strict'; return function ${name}() {}`)
    return true
  } catch {
    return false
  }
}
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
      if (m.group === 'core') return `${indent}${key}: $core.${m.key},\n`
      describe(`${path ? `${path}.` : ''}${name}`, loaded[m.group][m.key])
      return `${indent}get ${key}() { return $load.${m.group}().${m.key} },\n`
    })
    .join('')
writeFileSync(
  join(node, 'index.cjs'),
  `${header('descent-ts for `require` in Node: `core` values as they are, the other groups behind getters')}` +
    `'use strict'\nconst $load = require('./load.cjs')\nconst $core = $load.core\n` +
    `module.exports = {\n${cjsMembers('', exported, '  ')}}\n` +
    `Object.defineProperty(module.exports, '__esModule', { value: true })\n`,
)

// index.js: one stand-in per function of a lazy group (shared by `add` and `ops.add`).
const standIns = new Map()
const esmValue = (path, { group, key }) => {
  if (group === 'core') return `$core.${key}`
  const id = `${group}.${key}`
  if (!standIns.has(id)) {
    const { name, length, props } = describe(path, loaded[group][key])
    const params = Array.from({ length }, (_, i) => `a${i}`).join(', ')
    const call = `$load.${group}().${key}.apply(this, arguments)`
    const s = `$s${standIns.size}`
    // An anonymous function expression in a comma expression gets the name '' (as `abs`, made by a higher-order call).
    // One line each: V8 scans every byte of this file on import.
    const fn = declarable(name)
      ? `function ${name}(${params}) { return ${call} }`
      : `(0, function (${params}) { return ${call} })`
    const extra = [
      ...(name === '' || declarable(name) ? [] : [`$def(${s}, 'name', { value: ${str(name)} })\n`]),
      ...props.map(
        (p) =>
          `$def(${s}, ${p.key}, { ${[
            p.text === undefined ? `get: () => $load.${group}().${key}[${p.key}]` : `value: ${p.text}`,
            ...p.flags,
          ].join(', ')} })\n`,
      ),
    ]
    standIns.set(id, { id: s, text: `const ${s} = ${fn}\n${extra.join('')}` })
  }
  return standIns.get(id).id
}
// A namespace is a frozen object (as an ES module namespace, its members cannot be reassigned).
const esmNamespace = (path, members, indent) =>
  `$freeze({\n${Object.keys(members)
    .sort()
    .map((name) => {
      const m = members[name]
      const value = m.members
        ? esmNamespace(`${path}.${name}`, m.members, `${indent}  `)
        : esmValue(`${path}.${name}`, m)
      return `${indent}  ${getterName(name)}: ${value},\n`
    })
    .join('')}${indent}})`
const esm = []
for (const name of Object.keys(exported).sort()) {
  const e = exported[name]
  esm.push(`export const ${name} = ${e.members ? esmNamespace(name, e.members, '') : esmValue(name, e)}\n`)
}
writeFileSync(
  join(node, 'index.js'),
  `${header('descent-ts for `import` in Node: the CJS files themselves, functions of lazy groups as stand-ins')}` +
    `import { createRequire } from 'node:module'\n` +
    `const $require = createRequire(import.meta.url)\nconst $load = $require('./load.cjs')\nconst $core = $load.core\n` +
    `const $def = Object.defineProperty\nconst $freeze = Object.freeze\n` +
    [...symbols].map(([key, id]) => `const ${id} = Symbol.for(${str(key)})\n`).join('') +
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
      `const $m = require('../groups/${entry}.cjs')\n${names.map((n) => `exports.${n} = $m.${n}\n`).join('')}`,
  )
  writeFileSync(
    join(node, entry, 'index.js'),
    `${header(`descent-ts/${entry} for \`import\` in Node: its CJS entry, one module instance with the main entry's`)}` +
      `import { createRequire } from 'node:module'\nconst $require = createRequire(import.meta.url)\n` +
      `export const {\n${names.map((n) => `  ${n},\n`).join('')}} = $require('./index.cjs')\n`,
  )
}
console.log(
  `node entries: core + ${lazyGroups.length} lazy groups (${lazyGroups.join(', ')}), ${standIns.size} ESM stand-ins`,
)
