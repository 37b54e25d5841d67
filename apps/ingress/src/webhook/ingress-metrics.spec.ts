import { describe, expect, it } from 'vitest';
import { rejectionReasonFor } from './ingress-metrics.js';

describe('rejectionReasonFor', () => {
  it('names every 4xx the webhook answers, and nothing else', () => {
    expect([400, 401, 403, 404, 413, 415].map(rejectionReasonFor)).toEqual(['json', 'signature', 'verify_token', 'unknown_app', 'size', 'content_type']);
    expect([200, 500, 503].map(rejectionReasonFor)).toEqual([undefined, undefined, undefined]);
  });
});
