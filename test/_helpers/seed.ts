/** The fixed fast-check seed for the whole suite; override with the FC_SEED environment variable. */
export const DEFAULT_SEED = 20261121
