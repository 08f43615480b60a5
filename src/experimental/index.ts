// optax.experimental, exported from the root as `experimental`.
export * as aggregating from './aggregating/index'
