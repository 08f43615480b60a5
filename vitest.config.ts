import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// The suite's longest files, though small: each drives a whole tool (typedoc; one TypeScript program over ~500
// snippets; Chromium; a Node process per example; every TSDoc example). Without vitest's results cache (a fresh
// `npm ci`, as in CI) files run largest first, so these would start last and leave one worker alone at the end; with
// the cache they come first anyway, by their recorded durations.
const LONGEST = [
  'test/docs/site.test.ts',
  'test/docs/codeBlocks.test.ts',
  'test/examples.test.ts',
  'test/browser/demo.test.ts',
  'test/docs/examples.test.ts',
]
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((p) => f.moduleId.endsWith(p))
      return i === -1 ? LONGEST.length : i
    }
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // Most of the suite's time was importing src/ afresh for each of ~160 files (isolation). The library keeps no
    // module state a test could leak beyond the backend choice and the autodiff trace stack (test/architecture.test.ts
    // pins that list), and vitest.setup.ts checks both after every test, so files share one module graph per worker.
    isolate: false,
    // vitest's default leaves a core to the main process (1 worker on 2 cores); without isolation it has little to do.
    maxWorkers: '100%',
    // Worker threads rather than child processes (vitest's default): ~10 % less CPU for the same files here (forks
    // vs threads on test/optimizers, test/transforms and test/core), and nothing in the library or the tests needs a
    // process of its own (no process.chdir, no native module; the wasm matmul's own worker starts from a thread too).
    pool: 'threads',
    sequence: { sequencer: LongestFirst },
    // test/types/*.test-d.ts: `npm test` checks them once, in `npm run typecheck` (tsconfig.json includes test/);
    // `npx vitest run --typecheck` still reports them test by test.
    typecheck: { include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    coverage: { provider: 'v8', include: ['src/**'] },
  },
})
