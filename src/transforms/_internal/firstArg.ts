// The split lives in core so that schedules (which may not import transforms) share it.
export { firstArg, isOptionsObject } from '../../core/firstArg'
