/**
 * A tiny, safe HTML templating helper: every interpolated value is escaped unless it is already
 * `SafeHtml` (the result of another `html` template or of `raw`). Arrays are rendered item by
 * item; `null`, `undefined` and `false` render as nothing, so `${cond && html`…`}` works.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Marks trusted markup as safe. Never pass user or bot data here. */
export const raw = (markup: string): SafeHtml => new SafeHtml(markup);

export function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A path segment for an href (ids are validated upstream; this keeps a bad one harmless). */
export const segment = (value: string): string => encodeURIComponent(value);
