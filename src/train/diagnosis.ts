// The Diagnosis data lives in src/core (transforms attach hyperparameter diagnoses, and transforms cannot import train).
export type { Diagnosis, DiagnosisCode } from '../core/diagnosis'
