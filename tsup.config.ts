import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  // gpu.js transpiles kernel function sources at run time; minified names would break them.
  minify: false,
  target: 'es2022',
})
