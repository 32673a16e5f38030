/** exports: a pond's CRABBOX_POND_* export lines for the shells (spec §5.5). */
import { z } from 'zod';

export const exportFormatSchema = z.enum(['sh', 'fish', 'powershell', 'dotenv', 'json']);
export type ExportFormatShape = z.infer<typeof exportFormatSchema>;

export const exportsGetInput = z.object({ pond: z.string().min(1), format: exportFormatSchema.default('sh') });

export const exportsViewSchema = z.object({
  pond: z.string(),
  format: exportFormatSchema,
  /** `mesh`: this app's forwards; `env-file`: another process's (`pond connect`, crabbox); `none`: not connected. */
  source: z.enum(['mesh', 'env-file', 'none']),
  /** `$HOME/.crabbox/pond/<pond>/env`; `''` when HOME is unset. */
  envPath: z.string(),
  text: z.string(),
  lines: z.array(z.object({ name: z.string(), value: z.string(), line: z.string() })),
  problem: z.string().optional(),
});
export type ExportsViewShape = z.infer<typeof exportsViewSchema>;

/** A pond's exports changed (its env/hosts files were rewritten or removed). */
export const exportsChangedSchema = z.object({ pond: z.string() });
