import { randomBytes } from 'node:crypto';

/** A fresh message id in Meta's style (`m_` + opaque base64url). */
export const newMid = (): string => `m_${randomBytes(18).toString('base64url')}`;

/** A fresh one-time-notification token; Meta's are long opaque strings. */
export const newOtnToken = (): string => `otn_${randomBytes(24).toString('base64url')}`;
