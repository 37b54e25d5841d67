/** One `X-Business-Use-Case-Usage` entry as Meta sends it (§5.5); percentages, regain time in minutes. */
export interface BusinessUsage {
  type?: string;
  call_count: number;
  total_time: number;
  total_cputime: number;
  estimated_time_to_regain_access?: number;
}

export const BUSINESS_USAGE_HEADER = 'x-business-use-case-usage';

/** The usage a test says each Page is at; the emulator reports it on every call for that Page. */
export class BusinessUsageBoard {
  private readonly byPage = new Map<string, BusinessUsage>();

  set(pageId: string, usage: BusinessUsage | null): void {
    if (usage === null) this.byPage.delete(pageId);
    else this.byPage.set(pageId, { ...usage });
  }

  /** The header for a call on this Page, if a usage is set. */
  headerFor(pageId: string | null): Record<string, string> | undefined {
    const usage = pageId === null ? undefined : this.byPage.get(pageId);
    if (!usage || pageId === null) return undefined;
    const entry = { type: 'messenger', estimated_time_to_regain_access: 0, ...usage };
    return { [BUSINESS_USAGE_HEADER]: JSON.stringify({ [pageId]: [entry] }) };
  }

  clear(): void {
    this.byPage.clear();
  }
}
