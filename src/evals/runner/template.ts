/**
 * `{{name}}` templates for suite messages and HTTP bodies. Strict: a variable the item does not
 * have is an error naming it, never an empty string sent to a model. `{{a.b}}` reads nested values.
 */

const VAR = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

function lookup(vars: Readonly<Record<string, unknown>>, path: string): unknown {
  let v: unknown = vars;
  for (const p of path.split(".")) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v as object, p)) throw new TemplateError(`template variable {{${path}}} is not defined for this item`);
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function asText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join("\n\n");
  return JSON.stringify(v);
}

export function renderText(template: string, vars: Readonly<Record<string, unknown>>): string {
  return template.replace(VAR, (_, name: string) => asText(lookup(vars, name)));
}

/**
 * Renders every string in a JSON value. A string that is exactly one `{{name}}` takes the
 * variable's value with its type (an array stays an array); other strings interpolate text.
 */
export function renderJson(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === "string") {
    const whole = /^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$/.exec(value);
    return whole ? lookup(vars, whole[1]) : renderText(value, vars);
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, vars)]));
  return value;
}
