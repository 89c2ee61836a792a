#include "ops/format_suggestions.h"

#include <fstream>

#include <algorithm>

#include "core/discrepancy.h"
#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/field_splitter.h"
#include "parsers/roster_set.h"

namespace rosterd {
namespace {

// A YAML double-quoted scalar.
std::string yaml_quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) {  // YAML takes no raw control character in a scalar
      static const char* kHex = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string yaml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : ", ") + yaml_quoted(items[i]);
  return out + "]";
}

std::string date_formats_yaml(const RosterFormat& f) {
  if (f.other_date_formats.empty()) return yaml_quoted(f.date_format);
  std::vector<std::string> all{f.date_format};
  all.insert(all.end(), f.other_date_formats.begin(), f.other_date_formats.end());
  return yaml_list(all);
}

// Comment lines: "# " + text, wrapped at about 96 columns.
void comment(std::string& out, std::string_view text, std::string_view first = "",
             std::string_view indent = "") {
  std::string line = "# " + std::string(first);
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (line.size() + word.size() > 96 && line.size() > 2 + first.size()) {
      line.pop_back();  // the blank after the last word
      out += line + "\n";
      line = "# " + std::string(indent);
    }
    line += std::string(word) + " ";
    start = end + 1;
  }
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  out += line + "\n";
}

}  // namespace

namespace {

// The set preset whose every file is among `files` (by name, without case), if any: the files
// are then one delivery of that layout, and its roster file's header must have the columns the
// preset reads there.
std::optional<FormatSuggestion> suggest_set(const std::vector<std::filesystem::path>& files) {
  for (const FormatPreset& p : format_presets()) {
    // A layout whose roster file is read alone (Clever) is suggested from that file, below.
    if (p.set_files.empty() || reads_alone(p)) continue;
    std::vector<std::string> names;
    bool all = true;
    for (std::string_view want : p.set_files) {
      const auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) {
        return iequals(f.filename().string(), want);
      });
      all = all && it != files.end();
      if (it != files.end()) names.push_back(it->filename().string());
    }
    if (!all) continue;
    FormatSuggestion s;
    s.preset = &p;
    s.format = p.format;
    for (const std::string& n : names)
      s.file += (s.file.empty() ? "" : ", ") + n;
    s.found.push_back("the files of a set: " + std::string(p.title));
    // The roster file's header, against the columns the preset reads from it.
    const auto roster = std::find_if(files.begin(), files.end(), [&](const auto& f) {
      return iequals(f.filename().string(), p.roster_file);
    });
    // Its header: the first line, read no further than a suggestion reads any file.
    std::ifstream in(*roster, std::ios::binary);
    std::string head(kSuggestionSampleBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    std::string header = head.substr(0, head.find('\n'));
    if (!header.empty() && header.back() == '\r') header.pop_back();
    if (header.substr(0, 3) == "\xEF\xBB\xBF") header.erase(0, 3);
    std::vector<std::string_view> fields;
    header.push_back('\0');
    FieldSplitter(',', QuoteMode::double_quote).split(header.data(), fields);
    std::vector<std::string> columns;
    for (std::string_view c : fields)
      columns.push_back(ascii_lower(trim(c)));
    for (Field f : kAllFields) {
      const std::string& want = p.format.columns[field_index(f)];
      // A field another file of the set gives (OneRoster 1.2's school, from roles.csv) is not
      // looked for here.
      const bool elsewhere = std::any_of(
          p.field_sources.begin(), p.field_sources.end(),
          [&](const auto& from) { return from.field == f && !iequals(from.file, p.roster_file); });
      if (want.empty() || elsewhere || p.format.optional_columns.test(field_index(f))) continue;
      if (std::find(columns.begin(), columns.end(), ascii_lower(want)) == columns.end())
        s.unsure.push_back(std::string(p.roster_file) + " has no column \"" + want + "\" for the " +
                           std::string(field_words(f)) + ": map " + std::string(field_name(f)) +
                           " to the column that holds it");
    }
    return s;
  }
  return std::nullopt;
}

}  // namespace

std::vector<FormatSuggestion> suggest_formats(const std::vector<std::filesystem::path>& given,
                                              CivilDate as_of) {
  // A folder stands for the files in it.
  std::vector<std::filesystem::path> files;
  for (const auto& path : given) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::filesystem::path> inside;
    for (const auto& e : std::filesystem::directory_iterator(path, ec))
      if (e.is_regular_file(ec) && !e.is_symlink(ec)) inside.push_back(e.path());
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  std::vector<FormatSuggestion> out;
  if (auto set = suggest_set(files)) {
    out.push_back(std::move(*set));
    return out;
  }
  for (const auto& path : files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error(display_safe(path.string()) + " is not a regular file: name a roster file.");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open " + display_safe(path.string()) + ": check the path.");
    std::string sample(kSuggestionSampleBytes + 1, '\0');
    in.read(sample.data(), static_cast<std::streamsize>(sample.size()));
    sample.resize(static_cast<std::size_t>(in.gcount()));
    const bool whole = sample.size() <= kSuggestionSampleBytes;
    if (!whole) sample.resize(kSuggestionSampleBytes);
    out.push_back(suggest_format(path.filename().string(), sample, whole, as_of));
  }
  return out;
}

std::string suggested_format_yaml(const FormatSuggestion& s) {
  std::string out;
  const bool set = s.preset != nullptr && is_set_layout(*s.preset) && !reads_alone(*s.preset);
  if (set)
    comment(out, "from the set " + display_safe(s.file) + ".", "rosterd suggest-format: ");
  else
    comment(out,
            "from " + display_safe(s.file) + " (" + std::to_string(s.rows_sampled) +
                " rows looked at).",
            "rosterd suggest-format: ");
  if (!s.refusal.empty()) {
    comment(out, "Not a roster rosterd can read: " + s.refusal + ".");
    return out;
  }
  for (const std::string& f : s.found)
    comment(out, display_safe(f) + ".", "Found: ", "  ");
  for (const std::string& u : s.unsure)
    comment(out, display_safe(u) + ".", "Check: ", "  ");
  std::vector<std::string> unread;
  for (const ColumnPlacement& c : s.columns)
    if (!c.field) unread.push_back(display_safe(c.header));
  if (!unread.empty()) {
    std::string list;
    for (const std::string& u : unread)
      list += (list.empty() ? "" : ", ") + u;
    comment(out, list + ".", "Not read by rosterd: ", "  ");
  }
  comment(out,
          "Paste under feeds.NAME: in rosterd.yaml, then run rosterd check --config "
          "rosterd.yaml --feed NAME " +
              (set ? std::string("FOLDER (the folder or zip holding the set).")
                   : display_safe(s.file) + "."));

  const RosterFormat& f = s.format;
  const std::string in = "      ";
  out += "    format:\n";
  const RosterFormat* base = s.preset != nullptr ? &s.preset->format : nullptr;
  static const RosterFormat kDefault = RosterFormat::default_layout();
  if (base != nullptr) out += in + "preset: " + std::string(s.preset->name) + "\n";
  const RosterFormat& ref = base != nullptr ? *base : kDefault;
  if (base == nullptr || f.delimiter != ref.delimiter)
    out += in + "delimiter: " +
           (f.delimiter == '\t' ? std::string("tab") : yaml_quoted(std::string(1, f.delimiter))) +
           "\n";
  if (base == nullptr || f.quote != ref.quote)
    out += in + "quote: " + (f.quote == QuoteMode::double_quote ? "double" : "none") + "\n";
  if (base == nullptr || f.encoding != ref.encoding)
    out += in + "encoding: " + (f.encoding == Encoding::utf8 ? "utf-8" : "windows-1252") + "\n";
  if (base == nullptr || f.date_format != ref.date_format ||
      f.other_date_formats != ref.other_date_formats)
    out += in + "date_format: " + date_formats_yaml(f) + "\n";
  if (f.list_separator != ref.list_separator)
    out += in + "list_separator: " + yaml_quoted(std::string(1, f.list_separator)) + "\n";
  if (f.status.active != ref.status.active || f.status.inactive != ref.status.inactive) {
    out += in + "status_values: {active: " + yaml_list(f.status.active) +
           ", inactive: " + yaml_list(f.status.inactive) + "}\n";
  }
  if (base != nullptr) {
    std::string changed;
    for (Field field : kAllFields) {
      const std::string& column = f.columns[field_index(field)];
      if (column == base->columns[field_index(field)]) continue;
      changed += (changed.empty() ? "" : ", ") + std::string(field_name(field)) + ": " +
                 yaml_quoted(column);
    }
    if (!changed.empty()) out += in + "columns: {" + changed + "}\n";
    return out;
  }
  out += in + "columns:\n";
  for (Field field : kAllFields) {
    const std::string& column = f.columns[field_index(field)];
    out += in + "  " + std::string(field_name(field)) + ": " + yaml_quoted(column) +
           (column.empty() ? "  # no column" : "") + "\n";
  }
  std::vector<std::string> required;
  for (Field field : kAllFields)
    if (f.required.test(field_index(field))) required.emplace_back(field_name(field));
  out += in + "required: [";
  for (std::size_t i = 0; i < required.size(); ++i)
    out += (i == 0 ? "" : ", ") + required[i];
  out += "]\n";
  return out;
}

}  // namespace rosterd
