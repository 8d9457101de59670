// Copy the browser libraries from node_modules into the package's static/vendor folder, with the licence
// of every npm package they bundle. Run after `npm ci` (by `make install` and by the wheel's build hook).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const target = join(web, "..", "service", "clusterkg", "static", "vendor");

// What the pages load, from where in node_modules. Source-map comments are dropped: the maps are not shipped.
const ASSETS = {
  "chart.umd.js": "chart.js/dist/chart.umd.js",
  "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
  "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
};
const LICENCE_FILES = /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i;

function copyAsset(name, from) {
  const text = readFileSync(join(web, "node_modules", from), "utf8");
  writeFileSync(join(target, name), text.replace(/\n?\/[/*][#@] sourceMappingURL=\S+(\s*\*\/)?\s*$/, "\n"));
}

// Every package npm installed (the lock file lists them), with its licence text where it ships one.
function notices() {
  const lock = JSON.parse(readFileSync(join(web, "package-lock.json"), "utf8"));
  const parts = ["Third-party software in static/vendor (installed from npm; see web/package-lock.json).\n"];
  for (const path of Object.keys(lock.packages).filter((p) => p).sort()) {
    const folder = join(web, path);
    if (!existsSync(join(folder, "package.json"))) continue;
    const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    const file = readdirSync(folder).find((name) => LICENCE_FILES.test(name));
    const text = file ? readFileSync(join(folder, file), "utf8").trim() : `Licence: ${meta.license} (no licence file in the package)`;
    parts.push(`${"=".repeat(78)}\n${meta.name} ${meta.version} (${meta.license})\n${"-".repeat(78)}\n${text}\n`);
  }
  return parts.join("\n");
}

mkdirSync(target, { recursive: true });
for (const [name, from] of Object.entries(ASSETS)) copyAsset(name, from);
writeFileSync(join(target, "THIRD-PARTY-NOTICES.txt"), notices());
console.log(`static/vendor: ${Object.keys(ASSETS).join(", ")}, THIRD-PARTY-NOTICES.txt`);
