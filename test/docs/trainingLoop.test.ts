import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as descent from '../../src/index'
import { compileExample, runExample } from '../_helpers/docExamples'

// docs/training-loop.md is the guide to the train layer: every code block must run as written and its assertions hold.
const page = readFileSync(resolve(__dirname, '../../docs/training-loop.md'), 'utf8')
const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

describe('docs/training-loop.md', () => {
  it('has its code blocks', () => expect(blocks.length).toBeGreaterThanOrEqual(6))

  it.each(blocks.map((b, i) => [i + 1, b] as const))('code block %i runs and its assertions hold', async (_, block) => {
    const { js, modules } = compileExample(block)
    for (const m of modules) expect(m).toBe('descent-ts')
    expect(block).toMatch(/assert/)
    await runExample(js, { 'descent-ts': descent })
  })

  it('names every train-layer export', () => {
    for (const name of ['initTrainState', 'applyGradients', 'trainStep', 'fit', 'batches', 'saveCheckpoint'])
      expect(page).toContain(`\`${name}\``)
    for (const name of ['loadCheckpoint', 'loadCheckpointE', 'lrFind', 'lossCurveSvg']) expect(page).toContain(name)
  })
})
