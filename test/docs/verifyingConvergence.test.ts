import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as descent from '../../src/index'
import * as descentTesting from '../../src/testing/index'
import { compileExample, runExample } from '../_helpers/docExamples'

// docs/verifying-convergence.md shows users how to test their own transforms: its code must run as written, and
// the theorems and laws it lists must be the shipped ones.
const page = readFileSync(resolve(__dirname, '../../docs/verifying-convergence.md'), 'utf8')
const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

describe('docs/verifying-convergence.md', () => {
  it('runs its TypeScript code blocks (vitest `test` bodies included), whose assertions hold', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2)
    const ran: string[] = []
    // the page's blocks are vitest files: `test(name, fn)` runs fn at once, so a failing assertion fails here
    const vitest = { test: (name: string, fn: () => void) => (fn(), ran.push(name)) }
    for (const block of blocks) {
      const { js, modules } = compileExample(block)
      for (const m of modules) expect(['descent-ts', 'descent-ts/testing', 'vitest']).toContain(m)
      expect(block).toMatch(/assert/)
      await runExample(js, { 'descent-ts': descent, 'descent-ts/testing': descentTesting, vitest })
    }
    expect(ran).toHaveLength(1)
  })

  it('fails the ten-line test when the step is 0.5/L, as the page says', async () => {
    const block = blocks[0]!.replace('myGd(h / L)', 'myGd(0.5 / L)')
    const vitest = { test: (_: string, fn: () => void) => fn() }
    const { js } = compileExample(block)
    await expect(
      runExample(js, { 'descent-ts': descent, 'descent-ts/testing': descentTesting, vitest }),
    ).rejects.toThrow(/at step \d+: f\(x_N\) − f\* = [\s\S]*must be ≤ bound [\s\S]* \+ rounding slack/)
  })

  it('lists every shipped theorem and every law', () => {
    for (const name of Object.keys(descentTesting.theorems)) expect(page).toContain(`| \`${name}\` |`)
    for (const law of Object.keys(descentTesting.transformLaws)) expect(page).toContain(`| \`${law}\` |`)
  })
})
