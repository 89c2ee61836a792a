// The other kinds a feed takes beside students, in the configuration: `feeds.NAME.kinds`
// (docs/whole-roster.md).
#pragma once

#include "config/yaml_node.h"
#include "parsers/roster_format.h"
#include "validators/kind_check.h"

namespace rosterd {

// Reads `kinds:` into `kinds`: which file of a set holds the students (`students: {file: ...}`)
// and, for each other kind named, its file and columns; the delimiter, quoting, encoding, date
// format and status words are the students' `format`'s (read before). Left out: students
// alone. Throws ConfigError naming the key and its line.
void parse_kinds(const YamlNode& n, const RosterFormat& students, RosterKinds& kinds);

}  // namespace rosterd
