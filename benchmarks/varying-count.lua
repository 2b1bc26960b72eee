-- wrk: the COUNT over all quads with LIMIT n, n new on every request (so no answer or parse is reused).
counter = 0
request = function()
  counter = counter + 1
  local q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } LIMIT " .. counter
  local encoded = q:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)
  return wrk.format("GET", "/sparql?query=" .. encoded)
end
