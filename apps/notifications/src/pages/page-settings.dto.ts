import { z } from 'zod';
import { pageIdSchema } from '@app/contracts';

export const pageIdParamSchema = pageIdSchema;
export const putPageSettingsSchema = z.strictObject({ otnEnabled: z.boolean() });
export type PutPageSettings = z.infer<typeof putPageSettingsSchema>;
