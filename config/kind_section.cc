#include "config/kind_section.h"

#include <algorithm>
#include <string>

#include "core/text.h"
#include "core/utf8.h"
#include "parsers/format_preset.h"
#include "parsers/layout_kinds.h"
#include "parsers/roster_set.h"

namespace rosterd {
namespace {

std::string kind_names() {
  std::string s = "students";
  for (const EntityKindInfo& k : all_entity_kinds())
    s += ", " + std::string(k.name);
  return s;
}

std::string field_names(const EntityKindInfo& kind) {
  std::string s;
  for (const EntityField& f : kind.fields)
    if (!f.derived) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

// A member's name within a set: one plain file name, no folder.
std::string parse_file_name(const YamlNode& n) {
  const std::string name(trim(n.as_string()));
  if (name.empty() || name.size() > 255 || name == "." || name == ".." ||
      name.find_first_of("/\\") != std::string::npos || !is_valid_utf8(name) ||
      std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    n.fail("must be the name of a file in the set (\"staff.txt\"), without a folder.");
  }
  return name;
}

KindMember parse_member(EntityKind kind, const YamlNode& n, const RosterFormat& students) {
  const EntityKindInfo& info = kind_info(kind);
  KindMember m;
  m.kind = kind;
  m.file = std::string(info.default_file);
  m.format = KindFormat::default_layout(kind);
  m.format.delimiter = students.delimiter;
  m.format.quote = students.quote;
  m.format.encoding = students.encoding;
  m.format.date_format = students.date_format;
  m.format.other_date_formats = students.other_date_formats;
  m.format.status = students.status;
  m.format.list_separator = students.list_separator;
  if (n.is_null()) return m;
  if (!n.is_map()) n.fail("must be a mapping ({} for the default layout, or file: and columns:).");
  n.expect_keys({"file", "columns", "list_separator"});
  if (!n["file"].is_null()) m.file = parse_file_name(n["file"]);
  if (!n["list_separator"].is_null()) {
    const std::string v = n["list_separator"].as_string();
    if (v.size() != 1 || v[0] == ' ' || v[0] == '\n' || v[0] == '\r')
      n["list_separator"].fail("must be one character (e.g. \";\"), got \"" + v + "\".");
    m.format.list_separator = v[0];
  }
  if (m.format.list_separator == m.format.delimiter)
    n["list_separator"].fail("must differ from the delimiter, or a list would split the row.");
  for (auto& [name, value] : n["columns"].entries()) {
    const auto field = entity_field(info, name);
    if (field && info.fields[*field].derived) {
      value.fail(std::string(info.name) + "." + name +
                 " is not read from the file: rosterd fills it (docs/whole-roster.md). Take it "
                 "out of columns:.");
    }
    if (!field) {
      value.fail("\"" + name + "\" is not a field of " + std::string(info.name) +
                 ". Its fields are: " + field_names(info) + ".");
    }
    const std::string header =
        value.is_null() ? std::string() : std::string(trim(value.as_string()));
    if (header.empty() && info.fields[*field].required)
      value.fail(std::string(info.name) + "." + name +
                 " is required: its column cannot be left out.");
    m.format.columns[*field] = header;
  }
  for (std::size_t a = 0; a < m.format.columns.size(); ++a) {
    for (std::size_t b = a + 1; b < m.format.columns.size(); ++b) {
      if (!m.format.columns[a].empty() && iequals(m.format.columns[a], m.format.columns[b])) {
        n["columns"].fail("fields " + std::string(info.fields[a].name) + " and " +
                          std::string(info.fields[b].name) + " both read column \"" +
                          m.format.columns[a] + "\". Give each its own column.");
      }
    }
  }
  return m;
}

// A guardian link needs its guardians, an enrollment its sections: a kind whose references the
// set cannot hold would reject every row.
void require_references(const YamlNode& n, const RosterKinds& kinds) {
  const auto needs = [&](EntityKind kind, EntityKind other) {
    if (kinds.find(kind) != nullptr && kinds.find(other) == nullptr) {
      n[kind_info(kind).name].fail(std::string(kind_info(kind).name) + " name their " +
                                   std::string(kind_info(other).name) + ": take " +
                                   std::string(kind_info(other).name) + " too.");
    }
  };
  needs(EntityKind::guardian_links, EntityKind::guardians);
  needs(EntityKind::enrollments, EntityKind::sections);
}

// A standard layout's kinds: the layout fixes each kind's file and columns, so each kind is
// named with {} alone.
void parse_layout_kinds(const YamlNode& n, const FormatPreset& preset, const RosterFormat& students,
                        RosterKinds& kinds) {
  kinds.layout = std::string(preset.name);
  kinds.students_file = std::string(preset.roster_file);
  std::string carried;
  for (const EntityKindInfo& k : all_entity_kinds())
    if (!layout_kind_file(preset, k.kind).empty())
      carried += (carried.empty() ? "" : ", ") + std::string(k.name);
  if (carried.empty()) {
    n.fail("the " + std::string(preset.title) +
           " layout carries no other kinds rosterd reads: take them in rosterd's layout (a "
           "format without a preset) or a layout that carries them (oneroster-1.1, "
           "oneroster-1.2, sds-v2.1, clever), or leave kinds: out.");
  }
  for (auto& [name, value] : n.entries()) {
    const auto kind = entity_kind_from_name(name);
    if (!kind || layout_kind_file(preset, *kind).empty()) {
      value.fail("\"" + name + "\" is not a kind the " + std::string(preset.title) +
                 " layout carries. It carries: " + carried + ".");
    }
    if (!value.is_null() && !(value.is_map() && value.entries().empty())) {
      value.fail("the " + std::string(preset.name) + " layout fixes the file and columns of " +
                 name + " (" + std::string(layout_kind_file(preset, *kind)) + "): write " + name +
                 ": {}");
    }
    KindMember m;
    m.kind = *kind;
    m.file = std::string(layout_kind_file(preset, *kind));
    m.format = layout_kind_format(*kind, students.encoding);
    kinds.members.push_back(std::move(m));
  }
  if (kinds.members.empty())
    n.fail("names no kind beside students: add one (" + carried + ") or leave kinds: out.");
  std::sort(kinds.members.begin(), kinds.members.end(),
            [](const KindMember& a, const KindMember& b) { return a.kind < b.kind; });
  require_references(n, kinds);
}

}  // namespace

void parse_kinds(const YamlNode& n, const RosterFormat& students, RosterKinds& kinds) {
  if (n.is_null()) return;
  if (!n.is_map())
    n.fail("must map kinds to their files: {staff: {}, sections: {file: classes.txt}}.");
  if (const FormatPreset* preset = find_format_preset(students.preset);
      preset != nullptr && is_set_layout(*preset)) {
    parse_layout_kinds(n, *preset, students, kinds);
    return;
  }
  const auto two_digit_year = [](const std::string& f) {
    return f.find("%y") != std::string::npos;
  };
  std::vector<std::string> formats{students.date_format};
  formats.insert(formats.end(), students.other_date_formats.begin(),
                 students.other_date_formats.end());
  for (const std::string& f : formats) {
    if (two_digit_year(f)) {
      n.fail("the other kinds' files cannot read two-digit years yet (format.date_format \"" + f +
             "\"): export dates with four-digit years.");
    }
  }
  for (auto& [name, value] : n.entries()) {
    if (name == "students") {
      if (!value.is_map())
        value.fail("must be {file: NAME}: the file of the set that holds the students.");
      value.expect_keys({"file"});
      if (!value["file"].is_null()) kinds.students_file = parse_file_name(value["file"]);
      continue;
    }
    const auto kind = entity_kind_from_name(name);
    if (!kind)
      value.fail("\"" + name + "\" is not a kind of the roster. Kinds are: " + kind_names() + ".");
    kinds.members.push_back(parse_member(*kind, value, students));
  }
  if (kinds.members.empty())
    n.fail(
        "names no kind beside students: add one (staff: {}, sections: {}, ...) or leave kinds: "
        "out.");
  std::sort(kinds.members.begin(), kinds.members.end(),
            [](const KindMember& a, const KindMember& b) { return a.kind < b.kind; });
  for (std::size_t i = 0; i < kinds.members.size(); ++i) {
    const KindMember& m = kinds.members[i];
    const auto same_file = [&](const std::string& other) { return iequals(m.file, other); };
    if (same_file(kinds.students_file)) {
      n[kind_info(m.kind).name].fail("reads file \"" + m.file +
                                     "\", which holds the students (kinds.students.file): give "
                                     "each kind its own file.");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (same_file(kinds.members[j].file)) {
        n[kind_info(m.kind).name].fail("reads file \"" + m.file + "\", which " +
                                       std::string(kind_info(kinds.members[j].kind).name) +
                                       " reads too: give each kind its own file.");
      }
    }
  }
  require_references(n, kinds);
}

}  // namespace rosterd
