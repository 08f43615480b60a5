import fc from 'fast-check'
import { DEFAULT_SEED } from './test/_helpers/seed'

// Properties are reproducible: every run explores the same cases unless FC_SEED overrides it.
fc.configureGlobal({ seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : DEFAULT_SEED, numRuns: 100 })
