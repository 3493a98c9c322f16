// Door of main/api: the contract (every call and event as a zod schema), the service that implements it over the rooms
// below, and a run's report folder. The renderer bundles only contract.ts, never this door (the service is Node code).
export * from './contract.js';
export { AcbenchService, ServiceError, APP_NAME, APP_VERSION, canonicalJson, specHash, type ServiceOptions } from './service.js';
export { writeReport, summarise, type StudySummary, type ReportFiles } from './report.js';
