import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { shakeNames } from '../../scripts/shake-names'

// scripts/shake-names.ts rewrites each per-module file of dist/ (built with keepNames): every function and class
// must keep its name, and a bundler must be able to drop what an app does not use.
const SOURCE = `
export class FooError extends Error {
  static isFoo(x: unknown) { return x instanceof FooError }
  constructor(m: string) { super(m); this.name = new.target.name }
}
export class Unused { static { void 0 } x = 1 }
export const arrow = (x: number) => x + 1
export const obj = { update: (x: number) => x * 2, ['init']: function () { return 0 } }
export function declared() { return 1 }
export const FROZEN = Object.freeze({ kind: 'leaf', nested: Object.freeze([1]) })
export const made = Object.freeze(() => 1)
`

// As tsup builds each module of dist/: bundle mode (classes become `var C = class`), keepNames, ESM.
const keepNamesBuild = async () =>
  (
    await build({
      stdin: { contents: SOURCE, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      keepNames: true,
      target: 'es2022',
      platform: 'neutral',
    })
  ).outputFiles[0]!.text

async function evaluate(code: string): Promise<Record<string, any>> {
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)
}

describe('shakeNames', () => {
  it('removes the name wrappers (there are some to remove)', async () => {
    const before = await keepNamesBuild()
    const after = shakeNames(before)
    expect(before).toMatch(/__name\(\(x\) => x \+ 1, "arrow"\)/)
    expect(after).not.toMatch(/__name\(\(x\) => x \+ 1/)
    expect(after).not.toMatch(/__name\(declared/)
  })

  it('every function and class keeps the name it had', async () => {
    const before = await evaluate(await keepNamesBuild())
    const after = await evaluate(shakeNames(await keepNamesBuild()))
    const names = (m: Record<string, any>) => ({
      FooError: m.FooError.name,
      error: new m.FooError('m').name,
      isFoo: m.FooError.isFoo(new m.FooError('m')),
      Unused: m.Unused.name,
      arrow: m.arrow.name,
      update: m.obj.update.name,
      init: m.obj.init.name,
      declared: m.declared.name,
      made: m.made.name,
    })
    expect(names(after)).toEqual(names(before))
    expect(names(after)).toEqual({
      FooError: 'FooError',
      error: 'FooError',
      isFoo: true,
      Unused: 'Unused',
      arrow: 'arrow',
      update: 'update',
      init: 'init',
      declared: 'declared',
      made: '', // not an initialiser of its own: unnamed before and after
    })
    expect(Object.isFrozen(after.FROZEN) && Object.isFrozen(after.FROZEN.nested)).toBe(true)
    expect(after.arrow(1) + after.obj.update(2) + after.declared()).toBe(7)
  })

  it('tsup\'s CommonJS form of the calls (`_chunkXcjs.__name.call(void 0, fn, "n")`) goes where the plain one would', () => {
    const cjs = [
      'function declared() {}',
      '_chunkAcjs.__name.call(void 0, declared, "declared");',
      'function renamed2() {}',
      '_chunkAcjs.__name.call(void 0, renamed2, "renamed");',
      'var arrow = /* @__PURE__ */ _chunkAcjs.__name.call(void 0, (x) => x + 1, "arrow");',
      'var other = /* @__PURE__ */ _chunkAcjs.__name.call(void 0, (x) => x, "notOther");',
      '',
    ].join('\n')
    expect(shakeNames(cjs)).toBe(
      [
        'function declared() {}',
        '',
        'function renamed2() {}',
        '_chunkAcjs.__name.call(void 0, renamed2, "renamed");',
        'var arrow = (x) => x + 1;',
        'var other = /* @__PURE__ */ _chunkAcjs.__name.call(void 0, (x) => x, "notOther");',
        '',
      ].join('\n'),
    )
  })

  it('a minified bundle drops the unused class and frozen constant, and keeps the used class name', async () => {
    const bundle = async (code: string) =>
      (
        await build({
          stdin: { contents: `import { FooError } from './m.js'\nconsole.log(new FooError('m').name)`, loader: 'js' },
          plugins: [
            {
              name: 'm',
              setup: (b) => {
                b.onResolve({ filter: /m\.js$/ }, () => ({ path: 'm', namespace: 'm' }))
                b.onLoad({ filter: /.*/, namespace: 'm' }, () => ({ contents: code, loader: 'js' }))
              },
            },
          ],
          bundle: true,
          minify: true,
          format: 'esm',
          write: false,
        })
      ).outputFiles[0]!.text
    const before = await bundle(await keepNamesBuild())
    const after = await bundle(shakeNames(await keepNamesBuild()))
    expect(before).toMatch(/"Unused"/) // the static block kept it
    expect(after).not.toMatch(/"Unused"|leaf/)
    expect(after).toMatch(/"FooError"/)
    expect(after.length).toBeLessThan(before.length)
  })
})
