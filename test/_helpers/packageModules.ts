import * as descent from '../../src/index'
import * as descentGpu from '../../src/gpu/index'
import * as descentTesting from '../../src/testing/index'

/**
 * The package's entries as documentation snippets import them, mapped to the sources: one list for every test that
 * runs snippets, so a new subpath entry is added once.
 */
export const packageModules: Readonly<Record<string, unknown>> = {
  'descent-ts': descent,
  'descent-ts/testing': descentTesting,
  'descent-ts/gpu': descentGpu,
  'descent-ts/contrib': descent.contrib,
  'descent-ts/losses': descent.losses,
  'descent-ts/projections': descent.projections,
  'descent-ts/schedules': descent.schedules,
  'descent-ts/tree': descent.tree,
  'descent-ts/ops': descent.ops,
}
