import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'
import * as descent from '../../src/index'
import { compileExample } from '../_helpers/docExamples'

// The README's example is the first code a user copies: it must run and print what its comment promises.
it('the README example runs and fits y = 2x + 1', async () => {
  const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!
  const { js } = compileExample(block)
  const logged: unknown[][] = []
  const fakeConsole = { log: (...xs: unknown[]) => logged.push(xs) }
  new Function('__mods', 'console', js)({ 'descent-ts': descent }, fakeConsole)
  const [w, b] = logged.at(-1) as [number, number]
  expect(w).toBeCloseTo(2, 2)
  expect(b).toBeCloseTo(1, 2)
})
