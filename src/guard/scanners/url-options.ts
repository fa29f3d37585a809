import { z } from "zod";

const hostPattern = z.string().min(1).max(253).regex(/^(?:\*\.)?[a-z0-9.-]+$/i, "a host name, optionally starting with *.");
export const urlOptions = z.strictObject({
  /** Hosts allowed; `*.example.com` allows its subdomains (and example.com itself). Empty: every host is outside. */
  allow: z.array(hostPattern).max(10_000).default([]),
  /** Schemes allowed at all (others, such as javascript: or data:, are always findings). */
  schemes: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*$/)).default(["https", "http"]),
});
export type UrlOptions = z.output<typeof urlOptions>;
