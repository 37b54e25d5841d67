import { z } from 'zod';

/** Unset and empty (`META_APP_ID=` in a .env file) both mean "not configured". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** Facebook Login install flow; all optional: without META_APP_ID the onboarding endpoints answer 503. */
export const onboardingEnvShape = {
  /** The Meta app's id (App Dashboard); enables onboarding. */
  META_APP_ID: optional(z.string().regex(/^\d+$/, 'digits only (the app id from the App Dashboard)')),
  /** Where the Login dialog lives; tests point it at the emulator. */
  FACEBOOK_DIALOG_URL: z.string().url().default('https://www.facebook.com'),
  /** This service's `/onboarding/callback` as the browser reaches it; must be listed in the app's Valid OAuth Redirect URIs. */
  ONBOARDING_REDIRECT_URI: optional(z.string().url()),
  /** How long a started install may take before its `state` expires. */
  ONBOARDING_STATE_TTL_MS: z.coerce.number().int().positive().default(10 * 60 * 1000),
  /** Page tokens are re-checked with debug_token this often (0 = never). */
  PAGE_TOKEN_RECHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(6 * 60 * 60 * 1000),
};

/** A half-configured install flow is a boot error, not a runtime surprise. */
export function checkOnboardingEnv(env: { META_APP_ID?: string; ONBOARDING_REDIRECT_URI?: string }, ctx: z.RefinementCtx): void {
  if (env.META_APP_ID && !env.ONBOARDING_REDIRECT_URI) {
    ctx.addIssue({ code: 'custom', path: ['ONBOARDING_REDIRECT_URI'], message: 'required when META_APP_ID is set' });
  }
}
