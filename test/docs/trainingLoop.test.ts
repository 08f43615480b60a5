import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// docs/training-loop.md is the guide to the train layer: it names every train-layer export. Its code blocks are
// type-checked and run by test/docs/codeBlocks.test.ts.
const page = readFileSync(resolve(__dirname, '../../docs/training-loop.md'), 'utf8')
const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)

describe('docs/training-loop.md', () => {
  it('has its code blocks', () => expect(blocks.length).toBeGreaterThanOrEqual(6))

  it('names every train-layer export', () => {
    for (const name of ['initTrainState', 'applyGradients', 'trainStep', 'fit', 'batches', 'saveCheckpoint'])
      expect(page).toContain(`\`${name}\``)
    for (const name of ['loadCheckpoint', 'loadCheckpointE', 'lrFind', 'lossCurveSvg']) expect(page).toContain(name)
  })
})
