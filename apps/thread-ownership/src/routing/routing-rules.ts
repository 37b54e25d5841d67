import { z } from 'zod';

/**
 * Conversation Routing's entry points (§2.4): a thread that is idle when the user comes in through
 * an m.me link with `ref`, a click-to-Messenger ad, or a given referral source goes to the app the
 * Page configured for it; everything else goes to the default app.
 */
export const routingRuleSchema = z
  .object({
    match: z.object({ ref: z.string().min(1).optional(), adId: z.string().min(1).optional(), source: z.string().min(1).optional() }),
    appId: z.string(),
  })
  .refine((r) => r.match.ref !== undefined || r.match.adId !== undefined || r.match.source !== undefined, {
    message: 'a rule matches on ref, adId or source',
  });
export type RoutingRule = z.infer<typeof routingRuleSchema>;

interface Referral {
  ref?: unknown;
  ad_id?: unknown;
  source?: unknown;
}

/** The referral carried by an event: standalone, inside a message (ads) or inside a postback (new threads). */
export function referralOf(event: Record<string, unknown>): Referral | undefined {
  const direct = event.referral as Referral | undefined;
  const inMessage = (event.message as { referral?: Referral } | undefined)?.referral;
  const inPostback = (event.postback as { referral?: Referral } | undefined)?.referral;
  return direct ?? inMessage ?? inPostback;
}

/** The first rule all of whose conditions hold, in the order the Page lists them. */
export function matchRule(rules: RoutingRule[], event: Record<string, unknown>): RoutingRule | undefined {
  const referral = referralOf(event);
  if (!referral) return undefined;
  return rules.find(
    (rule) =>
      (rule.match.ref === undefined || rule.match.ref === referral.ref) &&
      (rule.match.adId === undefined || rule.match.adId === String(referral.ad_id ?? '')) &&
      (rule.match.source === undefined || rule.match.source === referral.source),
  );
}
