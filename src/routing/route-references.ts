import { ConfigError } from "../errors/config-error.js";
import type { ModelConfig } from "./model-schema.js";
import type { RouteConfig } from "./route-schema.js";

/**
 * What the schema cannot see alone: every target names a configured provider, route names and
 * aliases collide neither with each other nor with `models:`, and every rule points at a route or
 * model of the same type. Run once at load, so a typo stops start-up with the key's path.
 */
export function checkRouteReferences(
  routes: readonly RouteConfig[], models: readonly ModelConfig[], providers: ReadonlySet<string>, file: string,
): void {
  const types = new Map<string, ModelConfig["type"]>();
  for (const m of models) for (const n of [m.name, ...m.aliases]) types.set(n, m.type);
  routes.forEach((r, i) => {
    const at = `${file}: routes[${i}]`;
    r.targets.forEach((t, j) => {
      if (!providers.has(t.provider)) {
        throw new ConfigError(`${at}.targets[${j}].provider: unknown provider "${t.provider}" (known: ${[...providers].join(", ")})`);
      }
    });
    for (const n of [r.name, ...r.aliases]) {
      if (types.has(n)) throw new ConfigError(`${at}: duplicate model name or alias "${n}" (models and routes share one namespace)`);
      types.set(n, r.type);
    }
  });
  routes.forEach((r, i) => {
    r.rules.forEach((rule, j) => {
      const at = `${file}: routes[${i}].rules[${j}]`;
      const type = types.get(rule.route);
      if (type === undefined) throw new ConfigError(`${at}.route: unknown route or model "${rule.route}"`);
      if (type !== r.type) throw new ConfigError(`${at}.route: "${rule.route}" serves ${type}, route "${r.name}" serves ${r.type}`);
      const { min_prompt_tokens: lo, max_prompt_tokens: hi } = rule.when;
      if (lo !== undefined && hi !== undefined && lo > hi) throw new ConfigError(`${at}.when: min_prompt_tokens is above max_prompt_tokens`);
    });
  });
}
