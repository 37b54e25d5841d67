import { missingServices } from '../support/services.js';

/** Stop the whole run at once, with one line per missing service, rather than 50 timeouts. */
export default async function setup(): Promise<void> {
  const missing = await missingServices();
  if (missing.length > 0) throw new Error(missing.join('\n'));
}
