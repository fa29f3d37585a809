// Runs the CLI from source (tests spawn it with tsx); the published entry point is bin/keel.js.
import { main } from "./main.js";

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`keel: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
