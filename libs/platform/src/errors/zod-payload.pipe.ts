import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { invalidPayload } from './domain-error.js';

/** Validates a message or request body against its contract schema; failures become INVALID_PAYLOAD. */
@Injectable()
export class ZodPayloadPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
    throw invalidPayload(issues.join('; '));
  }
}
