// A JSON-LD release file read by jsonld.js, an independent JSON-LD processor, as N-Quads on stdout.
//
// Usage: node jsonld_to_nquads.mjs DOCUMENT CONTEXT_FILE CONTEXT_IRI
//
// The document's embedded @context is replaced by CONTEXT_IRI, the IRI the release publishes
// context.jsonld at, so the published context alone must be enough to read the data. The document
// loader serves CONTEXT_IRI from CONTEXT_FILE (the local copy in dist/) and refuses every other URL:
// the run is offline. `safe: true` makes jsonld.js fail instead of silently dropping a term it cannot
// turn into an IRI.
import { readFileSync } from "node:fs";
import jsonld from "jsonld";

const [documentPath, contextPath, contextIri] = process.argv.slice(2);
if (!contextIri) {
  console.error("usage: node jsonld_to_nquads.mjs DOCUMENT CONTEXT_FILE CONTEXT_IRI");
  process.exit(2);
}

const served = new Map([[contextIri, JSON.parse(readFileSync(contextPath, "utf8"))]]);

async function documentLoader(url) {
  if (!served.has(url)) {
    throw new Error(`refused to load ${url}: only the published context is served, offline`);
  }
  return { contextUrl: null, documentUrl: url, document: served.get(url) };
}

const document = JSON.parse(readFileSync(documentPath, "utf8"));
document["@context"] = contextIri;
try {
  const nquads = await jsonld.toRDF(document, {
    format: "application/n-quads",
    documentLoader,
    safe: true,
  });
  process.stdout.write(nquads);
} catch (error) {
  const cause = error.details?.cause?.message;
  console.error(`jsonld.js could not read ${documentPath}: ${error.message ?? error}${cause ? ` (${cause})` : ""}`);
  process.exit(1);
}
