import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, SafeHtml } from './html.js';

describe('html escaping', () => {
  it('escapes every character that can break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<script>alert("x") & 'y' \`z\`</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39; &#96;z&#96;&lt;/script&gt;',
    );
  });

  it('escapes interpolated values but keeps the template markup', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(html`<p class="who">${name}</p>`.value).toBe('<p class="who">&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('keeps attribute values inside their quotes', () => {
    const value = '" onmouseover="alert(1)';
    expect(html`<input value="${value}">`.value).toBe('<input value="&quot; onmouseover=&quot;alert(1)">');
  });

  it('does not escape nested templates or raw markup twice', () => {
    const inner = html`<b>${'a & b'}</b>`;
    expect(html`<p>${inner}${raw('<br>')}</p>`.value).toBe('<p><b>a &amp; b</b><br></p>');
  });

  it('renders arrays item by item, escaping each', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${['<x>', 1]}`.value).toBe('&lt;x&gt;1');
  });

  it('renders null, undefined and false as nothing, but 0 as 0', () => {
    expect(html`[${null}${undefined}${false}${0}]`.value).toBe('[0]');
  });

  it('does not treat an object that merely looks safe as safe', () => {
    const forged = { value: '<script>' } as unknown as SafeHtml;
    expect(html`${forged}`.value).toBe('[object Object]');
  });
});
