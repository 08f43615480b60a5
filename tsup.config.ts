import { defineConfig } from 'tsup'

export default defineConfig({
  // descent/testing is its own entry: only it imports fast-check, so the main entry never loads it.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  // gpu.js transpiles kernel function sources at run time; minified names would break them.
  minify: false,
  target: 'es2022',
  // fp-ts 2 has no exports map, so Node's ESM loader cannot resolve 'fp-ts/Either' from a published build;
  // bundling the few fp-ts functions used keeps both formats loadable (its Either/Option values are plain data).
  noExternal: [/^fp-ts/],
})
