import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as Either from 'fp-ts/Either'
import * as Option from 'fp-ts/Option'
import * as FpFunction from 'fp-ts/function'
import fc from 'fast-check'
import { collectExamples, compileExample, runExample } from '../_helpers/docExamples'
import { packageModules } from '../_helpers/packageModules'

// Documentation examples that do not run rot (STYLE.md item 22): every @example in src/ is executed here (and
// type-checked under the project's strict options by test/docs/codeBlocks.test.ts).
const root = resolve(__dirname, '../..')
const examples = collectExamples(resolve(root, 'src'), root)
const mods: Record<string, unknown> = {
  ...packageModules,
  'fast-check': { default: fc, ...fc },
  'fp-ts/Either': Either,
  'fp-ts/Option': Option,
  'fp-ts/function': FpFunction,
}

describe('TSDoc @example blocks', () => {
  it('finds examples', () => expect(examples.length).toBeGreaterThan(50))

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))(
    '%s runs and its assertions hold',
    async (_, example) => {
      const { js, modules } = compileExample(example.code)
      for (const m of modules) expect(Object.keys(mods), `example imports '${m}'`).toContain(m)
      expect(example.code, 'an example must assert its result').toMatch(/assert/)
      await runExample(js, mods)
    },
  )
})
