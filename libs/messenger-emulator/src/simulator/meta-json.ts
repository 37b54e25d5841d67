/**
 * JSON as Meta puts it on the wire: non-ASCII characters as lowercase `\uXXXX` escapes (§1.3) and
 * `/` escaped as `\/` (Meta's encoder does this; an assumption from observed payloads). Both are
 * valid JSON that parses to the same value, but the bytes differ from `JSON.stringify`, so an
 * ingress that re-serialises instead of hashing the raw body fails signature checks — as it would
 * in production.
 */
export function metaJsonStringify(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('metaJsonStringify: value is not JSON-serialisable');
  // Outside string literals JSON has neither non-ASCII characters nor slashes, so a global replace is safe.
  return json
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}
