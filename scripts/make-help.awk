# `make help`: the targets with a `## description`, grouped by journey in the order of the
# `groups` variable ("Title|target target ...;Title|..."); a target in no group is listed last.
BEGIN {
  FS = ":.*## "
  n = split(groups, spec, ";")
  for (g = 1; g <= n; g++) {
    split(spec[g], part, "|")
    sub(/^ +/, "", part[1])
    title[g] = part[1]
    count[g] = split(part[2], members, " ")
    for (m = 1; m <= count[g]; m++) {
      member[g, m] = members[m]
      group_of[members[m]] = g
    }
  }
}
/^[a-zA-Z0-9_-]+:.*## / { description[$1] = $2; order[++targets] = $1 }
END {
  for (g = 1; g <= n; g++) {
    printf "%s\n", title[g]
    for (m = 1; m <= count[g]; m++)
      if (member[g, m] in description) printf "  %-20s %s\n", member[g, m], description[member[g, m]]
    printf "\n"
  }
  for (t = 1; t <= targets; t++)
    if (!(order[t] in group_of)) { if (!other++) printf "Other\n"; printf "  %-20s %s\n", order[t], description[order[t]] }
}
