/**
 * The emit stage of `es-gen build`: renders generated files from the schema model, and plans
 * the user-owned files (created once, then only given missing stubs).
 */
export type {
  EmitOptions,
  OutputFile,
  UserFilePlan,
  UserFileUpdate,
} from './emit-contract.ts';
export { emitGenerated } from './emit-generated.ts';
export { createLayout, type Layout } from './layout.ts';
export { planUserFiles } from './user-files/plan-user-files.ts';
