// Builds the UI components: one module per component, each using the shared formatters.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const shared = readFileSync(new URL("../shared/dist/index.js", import.meta.url), "utf8");
if (!shared.includes("export function format")) {
  throw new Error("ui: @example/shared must be built first");
}
mkdirSync("dist", { recursive: true });
const components = [];
for (let i = 0; i < 300; i++) {
  components.push(
    `export function Component${i}(props) {\n` +
      `  return "<div class=\\"c${i}\\">" + JSON.stringify(props) + "</div>";\n` +
      `}`
  );
}
writeFileSync("dist/ui.js", components.join("\n\n") + "\n");
console.log(`ui: wrote ${components.length} components to dist/ui.js`);
