# Rewrites a go1.15-era vendor/modules.txt so that Go >= 1.17 reads it correctly.
# Go >= 1.17 attributes each package line to the module header line right above it, but the go1.15 file
# interleaves wildcard replacement lines ("# path => repl") between a module's header and its packages.
# Output: every versioned module header, followed by its "## " annotations and its packages (each package
# goes to the versioned module whose path is its longest prefix), then all wildcard replacement lines.
function modof(pkg,   p) {
  p = pkg
  while (p != "") {
    if (p in isver) return p
    if (p !~ /\//) break
    sub(/\/[^\/]*$/, "", p)
  }
  return cur
}
/^# / {
  if ($3 == "=>") { wild[++nw] = $0; cur = ""; next }
  order[++nm] = $2; head[$2] = $0; isver[$2] = 1; cur = $2; next
}
/^## / { if (cur != "") ann[cur] = ann[cur] $0 "\n"; next }
/^\/\// { comments = comments $0 "\n"; next }
NF == 1 { m = modof($1); pk[m] = pk[m] $1 "\n"; next }
END {
  printf "%s", comments
  for (i = 1; i <= nm; i++) { m = order[i]; printf "%s\n%s%s", head[m], ann[m], pk[m] }
  for (i = 1; i <= nw; i++) print wild[i]
}
