// Renders Mermaid diagrams to SVG with @mermaid-js/mermaid-cli, in one Chromium for all
// of them (starting Chromium costs more than a diagram). Used by cnnotes.mermaid.
//
// stdin:  {"chromium": path, "diagrams": [{"key", "text", "config", "svgId"}]}
// stdout: {"results": [{"key", "svg"} | {"key", "error"}]}
// Exit 0 when it could render (a diagram with an error is a result); 2 when it could not
// start at all (the reason on stderr).
import { renderMermaid } from "@mermaid-js/mermaid-cli";
import puppeteer from "puppeteer";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const request = await readStdin();
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: request.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
} catch (err) {
  process.stderr.write(`cannot start ${request.chromium}: ${err.message}\n`);
  process.exit(2);
}
const results = [];
try {
  for (const d of request.diagrams) {
    try {
      const { data } = await renderMermaid(browser, d.text, "svg", {
        backgroundColor: "transparent",
        mermaidConfig: d.config,
        svgId: d.svgId,
        fontEmbed: false,
      });
      results.push({ key: d.key, svg: new TextDecoder().decode(data) });
    } catch (err) {
      results.push({ key: d.key, error: String(err && err.message ? err.message : err).split("\n").slice(0, 6).join("\n") });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ results }));
