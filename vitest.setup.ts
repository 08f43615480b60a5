import fc from 'fast-check'
import { afterEach, expect } from 'vitest'
import { getBackend } from './src/kernels/dispatch'
import { depth } from './src/grad/trace'
import { DEFAULT_SEED } from './test/_helpers/seed'

// Properties are reproducible: every run explores the same cases unless FC_SEED overrides it. numRuns stays at
// fast-check's default (100 per property): @fast-check/vitest runs the body of every plain `test` it exports as a
// property of no input, global numRuns times, so setting numRuns here repeated each deterministic test 100 times.
fc.configureGlobal({ seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : DEFAULT_SEED })

// Test files share one module graph per worker (isolate: false in vitest.config.ts), so the library's only
// process-wide state must be back to its default after every test: the backend choice and the autodiff trace stack.
afterEach(() => {
  expect(getBackend(), 'a test left setBackend changed: restore it (afterEach or withBackend)').toBe('auto')
  expect(depth(), 'a test left an autodiff trace open').toBe(0)
})
