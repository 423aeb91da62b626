export * as v73100 from './v73100.ts'
export * as events from './events.ts'
export * as calls from './calls.ts'
