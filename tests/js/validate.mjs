// Validate RDF with rdf-validate-shacl (Zazuko), an engine independent of pySHACL.
// Reads a JSON list of jobs on stdin: [{"shapes": [file, ...], "data": [file, ...]}, ...] (Turtle files).
// Writes a JSON list of reports: [{"conforms": bool, "results": [{focus, shape, component, severity, path, value}]}].
// Blank nodes are written as "_:" (their labels differ between parsers).
import { readFileSync } from 'node:fs'
import { Parser } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'
import factory from 'rdf-validate-shacl/src/defaultEnv.js'

const parsed = new Map()

function quads (file) {
  if (!parsed.has(file)) {
    parsed.set(file, new Parser({ format: 'text/turtle', baseIRI: `file://${file}` }).parse(readFileSync(file, 'utf8')))
  }
  return parsed.get(file)
}

function dataset (files) {
  const ds = factory.dataset()
  for (const file of files) {
    for (const quad of quads(file)) ds.add(factory.quad(quad.subject, quad.predicate, quad.object))
  }
  return ds
}

const term = (t) => (t === null || t === undefined ? null : t.termType === 'BlankNode' ? '_:' : t.value)

async function run (job) {
  const validator = new SHACLValidator(dataset(job.shapes), { factory })
  const report = await validator.validate(dataset(job.data))
  return {
    conforms: report.conforms,
    results: report.results.map((r) => ({
      focus: term(r.focusNode),
      shape: term(r.sourceShape),
      component: term(r.sourceConstraintComponent),
      severity: term(r.severity),
      path: r.path && r.path.termType ? term(r.path) : null,
      value: term(r.value)
    }))
  }
}

const jobs = JSON.parse(readFileSync(0, 'utf8'))
const reports = []
for (const job of jobs) reports.push(await run(job))
process.stdout.write(JSON.stringify(reports))
