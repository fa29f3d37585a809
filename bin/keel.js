#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { main } from "../dist/cli/main.js";
main(process.argv).catch((err) => {
  process.stderr.write(`keel: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
