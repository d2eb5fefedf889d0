/**
 * HTML built from template literals in which every interpolated value is
 * escaped unless it is already markup: a path holding <&"> stays text.
 */

/** A piece of markup that is safe to insert as it is. */
export class Html {
  constructor(readonly markup: string) {}
}

/** A value a template may interpolate: text is escaped, markup is not, lists are concatenated, nothing is empty. */
type Interpolated = Html | string | number | bigint | undefined | null | readonly Interpolated[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text escaped for use both between tags and inside a quoted attribute value. */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

function render(value: Interpolated): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null) return '';
  return escapeText(String(value));
}

/** Tagged template: `html\`<td>${path}</td>\``. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  return new Html(strings.reduce((markup, text, index) => markup + text + (index < values.length ? render(values[index]) : ''), ''));
}

/** Markup from a trusted constant (the style sheet); never pass it data. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
