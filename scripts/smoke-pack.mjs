// Installs the packed tarball the way a user's project gets it (npm pack → node_modules/descent, dependencies linked
// from this checkout's node_modules: no network), then imports descent and descent/testing with ESM import, CJS
// require and TypeScript (tsc, node16 resolution), so that the "exports" map, the .d.ts files and the files list are
// tested as shipped. Run after `npm run build`.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'descent-pack-'))
try {
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' })
  const tarball = join(work, out.trim().split('\n').at(-1))
  const app = join(work, 'app')
  const pkg = join(app, 'node_modules', 'descent')
  mkdirSync(pkg, { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1'])
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  mkdirSync(join(app, 'node_modules', '@types'))
  for (const dep of [...Object.keys(dependencies), '@types/node'])
    symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir')
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  const use = `
    const r = verifyTheorem(theorems.gdSmoothConvexTight, ({ L, h }) => sgd(h / L), { numRuns: 5, seed: 1 })
    if (r._tag !== 'Right') throw new Error('verifyTheorem failed')
    const s = initTrainState({ w: tensor([1, 2]) }, sgd(0.1))
    if (applyGradients(sgd(0.1))(s, { w: tensor([1, 1]) }).step !== 1) throw new Error('applyGradients failed')
    console.log('packed tarball: ok')`
  writeFileSync(
    join(app, 'esm.mjs'),
    `import { applyGradients, initTrainState, sgd, tensor } from 'descent'\nimport { theorems, verifyTheorem } from 'descent/testing'\n${use}`,
  )
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const { applyGradients, initTrainState, sgd, tensor } = require('descent')\nconst { theorems, verifyTheorem } = require('descent/testing')\n${use}`,
  )
  writeFileSync(
    join(app, 'main.ts'),
    `import { applyGradients, initTrainState, sgd, tensor, type TrainState } from 'descent'\nimport { theorems, verifyTheorem } from 'descent/testing'\nconst typed: TrainState = initTrainState({ w: tensor([1]) }, sgd(0.1))\nvoid typed\n${use}`,
  )
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'node16',
        moduleResolution: 'node16',
        target: 'ES2022',
        noEmit: true,
        types: ['node'],
      },
      files: ['main.ts'],
    }),
  )
  for (const f of ['esm.mjs', 'cjs.cjs']) {
    const text = execFileSync(process.execPath, [f], { cwd: app, encoding: 'utf8' })
    assert.match(text, /packed tarball: ok/, f)
  }
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: app,
    stdio: 'inherit',
  })
  console.log('packed tarball: ESM, CJS and TypeScript (node16) imports of descent and descent/testing ok')
} finally {
  rmSync(work, { recursive: true, force: true })
}
