#include "config/feed_section.h"

#include <algorithm>
#include <fstream>

#include "config/config_values.h"
#include "config/kind_section.h"
#include "config/reference_section.h"
#include "config/safeguard_section.h"
#include "core/civil_date.h"
#include "core/error.h"
#include "core/local_time.h"
#include "core/text.h"
#include "parsers/format_preset.h"
#include "transport/drop.h"

namespace rosterd {
namespace {

std::string field_list() {
  std::string s;
  for (Field f : kAllFields)
    s += (s.empty() ? "" : ", ") + std::string(field_name(f));
  return s;
}

Field parse_field(const YamlNode& n, const std::string& name) {
  const auto f = field_from_name(name);
  if (!f) n.fail("\"" + name + "\" is not a field. Fields are: " + field_list() + ".");
  return *f;
}

char parse_single_char(const YamlNode& n) {
  std::string v = n.as_string();
  if (v == "tab" || v == "\\t") v = "\t";
  if (v.size() != 1) n.fail("must be one character (e.g. \"|\", \",\" or tab), got \"" + v + "\".");
  if (v[0] == '\n' || v[0] == '\r' || v[0] == ' ') n.fail("cannot be a blank or a line break.");
  return v[0];
}

void parse_format(const YamlNode& n, RosterFormat& f) {
  n.expect_keys({"preset", "delimiter", "quote", "encoding", "date_format", "list_separator",
                 "status_values", "columns", "required", "optional_columns"});
  if (!n["preset"].is_null()) {
    const std::string name = n["preset"].as_string();
    const FormatPreset* preset = find_format_preset(name);
    if (preset == nullptr) {
      std::string known;
      for (const FormatPreset& p : format_presets())
        known += (known.empty() ? "" : ", ") + std::string(p.name);
      n["preset"].fail("\"" + name + "\" is not a preset. Presets are: " + known +
                       " (or leave preset out and describe the layout).");
    }
    f = preset->format;
  }
  if (!n["delimiter"].is_null()) f.delimiter = parse_single_char(n["delimiter"]);
  if (!n["quote"].is_null()) {
    f.quote = n["quote"].as_choice({"none", "double"}) == "double" ? QuoteMode::double_quote
                                                                   : QuoteMode::none;
  }
  if (!n["encoding"].is_null()) {
    const std::string e = n["encoding"].as_choice({"utf-8", "utf8", "windows-1252", "cp1252"});
    f.encoding = (e == "windows-1252" || e == "cp1252") ? Encoding::windows1252 : Encoding::utf8;
  }
  if (!n["date_format"].is_null()) {
    // One format, or a list tried in order (the first is how `rosterd export` writes dates).
    std::vector<YamlNode> formats;
    if (n["date_format"].is_sequence())
      formats = n["date_format"].items();
    else
      formats.push_back(n["date_format"]);
    if (formats.empty()) n["date_format"].fail("must name at least one date format.");
    f.other_date_formats.clear();
    for (std::size_t i = 0; i < formats.size(); ++i) {
      const std::string format = formats[i].as_string();
      if (auto why = date_format_problem(format))
        formats[i].fail("\"" + format + "\" is not a usable date format: " + *why + ".");
      if (i == 0)
        f.date_format = format;
      else
        f.other_date_formats.push_back(format);
    }
  }
  if (!n["list_separator"].is_null()) f.list_separator = parse_single_char(n["list_separator"]);
  if (f.list_separator == f.delimiter) {
    n["list_separator"].fail(
        "must differ from the delimiter, or the diagnoses list would split the row.");
  }
  if (f.quote == QuoteMode::double_quote && f.delimiter == '"') {
    n["delimiter"].fail("cannot be '\"' when quote is double.");
  }

  const YamlNode sv = n["status_values"];
  sv.expect_keys({"active", "inactive"});
  if (!sv["active"].is_null()) f.status.active = sv["active"].as_string_list();
  if (!sv["inactive"].is_null()) f.status.inactive = sv["inactive"].as_string_list();
  if (f.status.active.empty()) sv["active"].fail("must list at least one value that means active.");
  for (const auto& a : f.status.active) {
    for (const auto& i : f.status.inactive) {
      if (iequals(a, i)) sv.fail("\"" + a + "\" is listed as both active and inactive.");
    }
  }

  for (auto& [name, value] : n["columns"].entries()) {
    const Field field = parse_field(value, name);
    if (value.is_null() || value.as_string().empty()) {
      if (field == Field::state_id) value.fail("the state ID column cannot be left out.");
      f.columns[field_index(field)].clear();
      f.optional_columns.set(field_index(field));
      continue;
    }
    f.columns[field_index(field)] = std::string(trim(value.as_string()));
  }
  for (Field a : kAllFields) {
    for (Field b : kAllFields) {
      if (a < b && !f.columns[field_index(a)].empty() &&
          iequals(f.columns[field_index(a)], f.columns[field_index(b)])) {
        n["columns"].fail("fields " + std::string(field_name(a)) + " and " +
                          std::string(field_name(b)) + " both read column \"" +
                          f.columns[field_index(a)] + "\". Give each its own column.");
      }
    }
  }
  if (!n["required"].is_null()) {
    f.required.reset();
    for (const YamlNode& item : n["required"].items())
      f.required.set(field_index(parse_field(item, item.as_string())));
  }
  if (!n["optional_columns"].is_null()) {
    for (const YamlNode& item : n["optional_columns"].items()) {
      const Field field = parse_field(item, item.as_string());
      if (field == Field::state_id) item.fail("the state ID column cannot be optional.");
      f.optional_columns.set(field_index(field));
    }
  }
}

// Scores are compared as doubles; a range past this is a typo, not a scale.
constexpr double kMaxScore = 1e6;

void parse_checks(const YamlNode& n, CheckOptions& c, const ReferenceSet& reference) {
  n.expect_keys({"state_id", "age_tolerance_years", "grade_ages", "school_year_start", "scores"});
  const YamlNode id = n["state_id"];
  id.expect_keys({"min_length", "max_length", "charset"});
  if (!id["min_length"].is_null())
    c.state_id.min_length =
        static_cast<std::size_t>(id["min_length"].as_integer_in(1, 4096, "characters"));
  if (!id["max_length"].is_null())
    c.state_id.max_length =
        static_cast<std::size_t>(id["max_length"].as_integer_in(1, 4096, "characters"));
  if (c.state_id.max_length < c.state_id.min_length)
    id.fail("needs 1 <= min_length <= max_length <= 4096.");
  if (!id["charset"].is_null()) {
    const std::string cs = id["charset"].as_choice({"any", "digits", "alphanumeric"});
    c.state_id.charset = cs == "digits"         ? IdCharset::digits
                         : cs == "alphanumeric" ? IdCharset::alphanumeric
                                                : IdCharset::any;
  }
  if (!n["age_tolerance_years"].is_null()) {
    c.age_tolerance_years =
        static_cast<int>(n["age_tolerance_years"].as_integer_in(0, 20, "years"));
  }
  for (auto& [code, age] : n["grade_ages"].entries()) {
    const long a = age.as_integer_in(0, 30, "years of age");
    if (reference.grades && !reference.grades->table().contains(code)) {
      age.fail("\"" + code + "\" is not a code of the platform grade table.");
    }
    c.grade_ages[code] = static_cast<int>(a);
  }
  if (!n["school_year_start"].is_null()) {
    const std::string s = n["school_year_start"].as_string();
    const auto d = parse_date("2001-" + s, "%Y-%m-%d");
    if (!d)
      n["school_year_start"].fail("must be a month and day as MM-DD (e.g. \"09-01\"), got \"" + s +
                                  "\".");
    c.school_year_start_month = d->month;
    c.school_year_start_day = d->day;
  }
  const YamlNode scores = n["scores"];
  scores.expect_keys({"ela", "math"});
  for (const char* which : {"ela", "math"}) {
    const YamlNode s = scores[which];
    s.expect_keys({"min", "max"});
    ScoreRange& r = std::string_view(which) == "ela" ? c.ela_score : c.math_score;
    if (!s["min"].is_null()) r.min = s["min"].as_number_in(-kMaxScore, kMaxScore, "a score");
    if (!s["max"].is_null()) r.max = s["max"].as_number_in(-kMaxScore, kMaxScore, "a score");
    if (r.min > r.max) s.fail("min must not be greater than max.");
  }
}

void parse_drop_rules(const YamlNode& n, SourceConfig& s) {
  if (!n["pattern"].is_null()) {
    s.pattern = n["pattern"].as_string();
    if (s.pattern.empty() || s.pattern.find('/') != std::string::npos)
      n["pattern"].fail("must be a file-name glob such as \"roster-*.txt\" (no '/').");
  }
  if (!n["folders"].is_null()) {
    s.folders = n["folders"].as_string();
    if (s.folders.empty() || s.folders.find('/') != std::string::npos)
      n["folders"].fail("must be a folder-name glob such as \"20*\" (no '/').");
  }
  if (!n["stable_for"].is_null()) s.stable_for = parse_duration(n["stable_for"]);
  if (!n["incomplete_set_wait"].is_null())
    s.incomplete_set_wait = parse_duration(n["incomplete_set_wait"]);
  if (!n["ready_when"].is_null()) {
    s.ready_when = n["ready_when"].as_choice({"stable", "marker"}) == "marker" ? ReadyWhen::marker
                                                                               : ReadyWhen::stable;
  }
  if (!n["markers"].is_null()) {
    s.markers = n["markers"].as_string_list();
    for (const auto& m : s.markers) {
      if (m.empty() || m.find('/') != std::string::npos)
        n["markers"].fail("each marker is a suffix such as \".done\" (no '/').");
    }
    if (s.markers.empty()) n["markers"].fail("must list at least one suffix, e.g. [\".done\"].");
  }
  if (!n["after"].is_null()) {
    const std::string a = n["after"].as_choice({"keep", "move", "delete"});
    s.after = a == "move" ? AfterTake::move : a == "delete" ? AfterTake::remove : AfterTake::keep;
  }
  if (!n["move_to"].is_null()) s.move_to = n["move_to"].as_string();
  if (s.after == AfterTake::move && s.move_to.empty())
    n["after"].fail("is move, so `move_to:` must name the folder files are moved to.");
  if (s.after != AfterTake::move && !s.move_to.empty())
    n["move_to"].fail("is only used with `after: move`.");
  if (const std::string first = s.move_to_folder();
      !s.folders.empty() && !first.empty() && matches_glob(s.folders, first)) {
    n["folders"].fail("matches \"" + first +
                      "\", the folder of move_to: the files moved there would be taken again. "
                      "Narrow the glob, or move files out of the drop.");
  }
  if (!n["max_bytes"].is_null()) s.max_bytes = parse_size(n["max_bytes"]);
  if (!n["max_listing"].is_null()) {
    s.max_listing =
        static_cast<std::size_t>(n["max_listing"].as_integer_in(1, 100000000, "entries"));
  }
  if (!n["attempts"].is_null()) {
    s.attempts = static_cast<unsigned>(n["attempts"].as_integer_in(1, 10, "attempts"));
  }
  if (!n["retry_backoff"].is_null()) s.retry_backoff = parse_duration(n["retry_backoff"]);
}

void parse_source(const YamlNode& n, SourceConfig& s, const std::filesystem::path& base) {
  if (n.is_null()) return;
  n.expect_keys({"sftp", "local"});
  if (!n["sftp"].is_null() && !n["local"].is_null())
    n.fail("has both `sftp:` and `local:`; a feed takes its files from one drop.");
  if (!n["local"].is_null()) {
    const YamlNode l = n["local"];
    l.expect_keys({"dir", "pattern", "folders", "stable_for", "incomplete_set_wait", "ready_when",
                   "markers", "after", "move_to", "max_bytes", "max_listing", "attempts",
                   "retry_backoff"});
    s.kind = SourceKind::local;
    if (l["dir"].is_null()) l.fail("needs `dir:`, the folder the SIS delivers roster files to.");
    s.local_dir = resolve(base, l["dir"].as_string());
    parse_drop_rules(l, s);
    return;
  }
  const YamlNode f = n["sftp"];
  f.expect_keys({"host",
                 "port",
                 "user",
                 "key_file",
                 "passphrase_file",
                 "password_file",
                 "known_hosts",
                 "dir",
                 "pattern",
                 "folders",
                 "stable_for",
                 "incomplete_set_wait",
                 "ready_when",
                 "markers",
                 "after",
                 "move_to",
                 "max_bytes",
                 "max_listing",
                 "attempts",
                 "retry_backoff",
                 "connect_timeout",
                 "io_timeout",
                 "transfer_timeout"});
  s.kind = SourceKind::sftp;
  for (const char* key : {"host", "user", "known_hosts"}) {
    if (f[key].is_null()) f.fail(std::string("needs `") + key + ":`.");
  }
  s.sftp.host = f["host"].as_string();
  s.sftp.user = f["user"].as_string();
  if (!f["port"].is_null()) {
    s.sftp.port = static_cast<int>(f["port"].as_integer_in(1, 65535, "(a TCP port)"));
  }
  const bool key = !f["key_file"].is_null();
  const bool password = !f["password_file"].is_null();
  if (key == password) {
    f.fail(
        "needs exactly one of `key_file:` (a private key) or `password_file:` (a file holding "
        "the password).");
  }
  const auto existing_file = [&](const char* k) { return existing_file_at(f[k], base); };
  if (key) s.sftp.key_file = existing_file("key_file");
  if (!f["passphrase_file"].is_null()) {
    if (!key) f["passphrase_file"].fail("is only used with `key_file:`.");
    s.sftp.passphrase_file = existing_file("passphrase_file");
  }
  if (password) s.sftp.password_file = existing_file("password_file");
  s.sftp.known_hosts = existing_file("known_hosts");
  if (!f["dir"].is_null()) s.sftp.dir = f["dir"].as_string();
  if (!f["connect_timeout"].is_null())
    s.sftp.connect_timeout = parse_duration(f["connect_timeout"]);
  if (!f["io_timeout"].is_null()) s.sftp.io_timeout = parse_duration(f["io_timeout"]);
  if (!f["transfer_timeout"].is_null())
    s.sftp.transfer_timeout = parse_duration(f["transfer_timeout"]);
  if (s.sftp.connect_timeout.count() < 1 || s.sftp.io_timeout.count() < 1 ||
      s.sftp.transfer_timeout.count() < 1)
    f.fail("timeouts must be at least 1s.");
  parse_drop_rules(f, s);
}
void parse_notify(const YamlNode& n, NotifyLists& lists, bool smtp_configured) {
  if (n.is_null()) return;
  n.expect_keys({"qa_report", "held", "failures"});
  const auto list = [&](const char* key, std::vector<std::string>& out) {
    if (n[key].is_null()) return;
    out = n[key].as_string_list();
    for (const auto& a : out) {
      if (!plausible_address(a))
        n[key].fail("\"" + a + "\" is not an email address (name@example.org, one an item).");
    }
  };
  list("qa_report", lists.qa_report);
  list("held", lists.held);
  list("failures", lists.failures);
  if (!smtp_configured &&
      (!lists.qa_report.empty() || !lists.held.empty() || !lists.failures.empty())) {
    n.fail("lists recipients, but there is no `smtp:` section with a url to send through.");
  }
}

void parse_identity(const YamlNode& n, IdentityPolicy& p) {
  n.expect_keys({"match_on", "rekey_min_students", "unmatched_existing", "existing_id_column"});
  if (!n["match_on"].is_null()) {
    const YamlNode m = n["match_on"];
    p.match_on.clear();
    for (const std::string& name : m.as_string_list()) {
      const auto f = field_from_name(name);
      if (!f || !can_match_on(*f)) {
        m.fail("\"" + name +
               "\" cannot be matched on; use first_name, middle_name, last_name, birth_date, "
               "local_id, grade or campus.");
      }
      if (std::find(p.match_on.begin(), p.match_on.end(), *f) != p.match_on.end())
        m.fail("names " + name + " twice.");
      p.match_on.push_back(*f);
    }
    for (Field must : {Field::last_name, Field::birth_date}) {
      if (std::find(p.match_on.begin(), p.match_on.end(), must) == p.match_on.end()) {
        m.fail("must include " + std::string(field_name(must)) +
               ": candidates are found by last name and birth date.");
      }
    }
  }
  if (!n["rekey_min_students"].is_null()) {
    // 0: never propose a re-key.
    p.rekey_min_students =
        static_cast<std::uint32_t>(n["rekey_min_students"].as_integer_in(0, 10000000, "students"));
  }
  if (!n["unmatched_existing"].is_null()) {
    p.unmatched_existing = n["unmatched_existing"].as_choice({"keep", "deactivate"}) == "deactivate"
                               ? UnmatchedExisting::deactivate
                               : UnmatchedExisting::keep;
  }
  if (!n["existing_id_column"].is_null()) {
    p.existing_id_column = n["existing_id_column"].as_string();
    if (p.existing_id_column.empty()) n["existing_id_column"].fail("must name a column.");
  }
}

// A list of platform codes; each must be in the kind's reference table when there is one.
std::set<std::string, std::less<>> platform_codes(const YamlNode& n,
                                                  const std::optional<CodeTranslator>& kind,
                                                  const char* what) {
  std::set<std::string, std::less<>> out;
  if (n.is_null()) return out;
  for (const std::string& code : n.as_string_list()) {
    if (kind && !kind->table().contains(code)) {
      n.fail("\"" + code + "\" is not a platform " + what +
             " code (scope lists use platform codes, after the code maps).");
    }
    out.insert(code);
  }
  return out;
}

void parse_scope(const YamlNode& n, FeedScope& s, const ReferenceSet& ref,
                 const std::filesystem::path& base) {
  n.expect_keys({"campuses", "exclude_campuses", "grades", "exclude_grades", "exclude_students",
                 "out_of_scope", "sections", "exclude_sections", "courses", "exclude_courses",
                 "terms", "exclude_terms"});
  // The district's section IDs, course codes and term IDs, as its files write them.
  const auto ids = [&](const char* key, const char* other, std::set<std::string, std::less<>>& to,
                       const std::set<std::string, std::less<>>& already) {
    if (n[key].is_null()) return;
    for (const std::string& id : n[key].as_string_list())
      to.insert(std::string(trim(id)));
    if (!already.empty()) n[key].fail(std::string("goes with ") + other + ": use one of the two.");
  };
  ids("sections", "exclude_sections", s.sections, s.exclude_sections);
  ids("exclude_sections", "sections", s.exclude_sections, s.sections);
  ids("courses", "exclude_courses", s.courses, s.exclude_courses);
  ids("exclude_courses", "courses", s.exclude_courses, s.courses);
  ids("terms", "exclude_terms", s.terms, s.exclude_terms);
  ids("exclude_terms", "terms", s.exclude_terms, s.terms);
  s.campuses = platform_codes(n["campuses"], ref.campuses, "campus");
  s.exclude_campuses = platform_codes(n["exclude_campuses"], ref.campuses, "campus");
  s.grades = platform_codes(n["grades"], ref.grades, "grade");
  s.exclude_grades = platform_codes(n["exclude_grades"], ref.grades, "grade");
  if (!s.campuses.empty() && !s.exclude_campuses.empty())
    n.fail("has both campuses and exclude_campuses: use one.");
  if (!s.grades.empty() && !s.exclude_grades.empty())
    n.fail("has both grades and exclude_grades: use one.");
  if (!n["exclude_students"].is_null()) {
    const YamlNode f = n["exclude_students"];
    const std::filesystem::path p = existing_file_at(f, base);
    std::ifstream in(p, std::ios::binary);
    if (!in) f.fail("cannot read " + p.string() + ": check its permissions.");
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
      if (first && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      first = false;
      const std::string_view id = trim(line);
      if (id.empty() || id.front() == '#') continue;
      s.exclude_students.emplace(id);
    }
  }
  if (!n["out_of_scope"].is_null()) {
    s.out_of_scope = n["out_of_scope"].as_choice({"deactivate", "keep"}) == "keep"
                         ? OutOfScope::keep
                         : OutOfScope::deactivate;
  }
}

void parse_import_rules(const YamlNode& n, ImportRules& r) {
  n.expect_keys({"add", "update", "deactivate", "fields"});
  if (!n["add"].is_null()) r.add = n["add"].as_bool();
  if (!n["update"].is_null()) r.update = n["update"].as_bool();
  if (!n["deactivate"].is_null()) r.deactivate = n["deactivate"].as_bool();
  const YamlNode fields = n["fields"];
  if (fields.is_null()) return;
  for (const auto& [name, v] : fields.entries()) {
    const auto f = field_from_name(name);
    if (!f) v.fail("\"" + name + "\" is not a field (state_id, local_id, first_name, ...).");
    if (*f == Field::state_id || *f == Field::status || *f == Field::first_name ||
        *f == Field::last_name || *f == Field::birth_date) {
      v.fail(name + " cannot be skipped: it identifies the student or their status.");
    }
    if (*f == Field::campus || *f == Field::grade) {
      v.fail(name + " cannot be skipped: scope and per-campus rules are decided by it.");
    }
    v.as_choice({"skip"});
    r.skip.set(field_index(*f));
  }
}

void parse_per_campus(const YamlNode& n, FeedConfig& feed, bool smtp_configured) {
  if (n.is_null()) return;
  for (const auto& [code, c] : n.entries()) {
    if (feed.reference.campuses && !feed.reference.campuses->table().contains(code))
      c.fail("\"" + code + "\" is not a platform campus code.");
    c.expect_keys({"policy", "notify"});
    const YamlNode p = c["policy"];
    if (!p.is_null()) {
      p.expect_keys({"max_deactivate_pct", "max_reject_pct"});
      CampusPolicy& cp = feed.campus_policies[code];
      for (const char* key : {"max_deactivate_pct", "max_reject_pct"}) {
        if (p[key].is_null()) continue;
        const double v = p[key].as_number_in(0, 100, "a percentage");
        (std::string_view(key) == "max_reject_pct" ? cp.max_reject_pct : cp.max_deactivate_pct) = v;
      }
    }
    if (!c["notify"].is_null()) {
      c["notify"].expect_keys({"qa_report", "held"});
      parse_notify(c["notify"], feed.campus_notify[code], smtp_configured);
    }
  }
}

void parse_report_policy(const YamlNode& n, ReportPolicy& r) {
  n.expect_keys(
      {"pii", "deliver_within", "required", "links_valid_for", "remind_after", "contact"});
  if (!n["pii"].is_null())
    r.pii = n["pii"].as_choice({"minimal", "full"}) == "full" ? PiiLevel::full : PiiLevel::minimal;
  if (!n["deliver_within"].is_null()) r.deliver_within = parse_duration(n["deliver_within"]);
  if (!n["required"].is_null()) r.required = n["required"].as_bool();
  if (!n["links_valid_for"].is_null()) {
    r.links_valid_for = parse_duration(n["links_valid_for"]);
    if (r.links_valid_for.count() < 3600)
      n["links_valid_for"].fail("must be at least 1h: a coordinator needs time to open the mail.");
  }
  if (!n["remind_after"].is_null()) r.remind_after = parse_duration(n["remind_after"]);
  if (!n["contact"].is_null()) {
    r.contact = n["contact"].as_string();
    if (r.contact.size() > 200 || r.contact.find_first_of("\r\n") != std::string::npos)
      n["contact"].fail("must be one line of at most 200 characters (a name and an address).");
  }
}
bool valid_feed_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return name[0] != '-' && name[0] != '_';
}

}  // namespace

FeedConfig parse_feed(const std::string& name, const YamlNode& n, const std::filesystem::path& base,
                      bool smtp_configured) {
  if (!valid_feed_name(name)) {
    n.fail("feed name \"" + name +
           "\" must be 1-64 lowercase letters, digits, '-' or '_' (it names files and logs).");
  }
  n.expect_keys({"mode", "format", "reference", "checks", "policy", "source", "notify", "report",
                 "schedule", "identity", "scope", "import", "per_campus", "school_year", "expect",
                 "kinds", "people"});
  FeedConfig feed;
  feed.name = name;
  if (!n["mode"].is_null())
    feed.mode = n["mode"].as_choice({"live", "test"}) == "test" ? FeedMode::test : FeedMode::live;
  parse_format(n["format"], feed.format);
  feed.reference = parse_reference(n["reference"], feed.format.preset, base);
  parse_checks(n["checks"], feed.checks, feed.reference);
  parse_policy(n["policy"], feed.policy);
  parse_school_year(n["school_year"], feed.rollover, feed.blackout);
  parse_expect(n["expect"], feed.expect_students, feed.expect_kinds);
  parse_kinds(n["kinds"], feed.format, feed.kinds);
  check_reference_kinds(n["reference"], feed.reference, feed.kinds);
  if (const YamlNode people = n["people"]; !people.is_null()) {
    if (feed.kinds.find(EntityKind::staff) == nullptr ||
        feed.kinds.find(EntityKind::guardians) == nullptr) {
      people.fail(
          "tells staff members who are guardians too: the feed must take staff and "
          "guardians (kinds:).");
    }
    people.expect_keys({"key"});
    PersonKey key{false, false, false, false};
    for (const std::string& part : people["key"].as_string_list()) {
      if (part == "email") {
        key.email = true;
      } else if (part == "name") {
        key.name = true;
      } else if (part == "phone") {
        key.phone = true;
      } else if (part == "id") {
        key.id = true;
      } else {
        people["key"].fail("\"" + part +
                           "\" is not a part of a person key: use email, name, "
                           "phone or id.");
      }
    }
    if (key.empty()) people["key"].fail("names no part: give email, name, phone or id.");
    feed.kinds.person_key = key;
  }
  for (const auto& [kind, count] : feed.expect_kinds) {
    if (feed.kinds.find(kind) == nullptr) {
      n["expect"][kind_info(kind).name].fail(
          "the feed does not take " + std::string(kind_info(kind).name) +
          " (kinds:): a count of them can gate nothing. Add the kind, or remove the count.");
    }
  }
  parse_source(n["source"], feed.source, base);
  parse_notify(n["notify"], feed.notify, smtp_configured);
  parse_report_policy(n["report"], feed.report);
  parse_identity(n["identity"], feed.identity);
  parse_scope(n["scope"], feed.rules.scope, feed.reference, base);
  if (feed.rules.scope.filters_sections() && feed.kinds.find(EntityKind::sections) == nullptr) {
    n["scope"].fail(
        "scopes sections, courses or terms, but the feed takes no sections: add sections to "
        "kinds:, or take the section keys out of scope:.");
  }
  parse_import_rules(n["import"], feed.rules.import);
  parse_per_campus(n["per_campus"], feed, smtp_configured);
  for (Field f : feed.identity.match_on) {
    if (feed.rules.import.skip.test(field_index(f))) {
      n["import"]["fields"].fail(std::string(field_name(f)) +
                                 " is skipped but identity.match_on compares it: remove it from "
                                 "one of them.");
    }
  }
  const YamlNode schedule = n["schedule"];
  schedule.expect_keys({"poll_every", "expect_by", "timezone", "expect_days", "stale_after"});
  if (!schedule["stale_after"].is_null())
    feed.schedule.stale_after = parse_duration(schedule["stale_after"]);
  if (!schedule["expect_by"].is_null()) {
    const std::string t = schedule["expect_by"].as_string();
    unsigned h = 0, m = 0;
    char colon = 0;
    std::istringstream in(t);
    if (!(in >> h >> colon >> m) || colon != ':' || h > 23 || m > 59 || !in.eof())
      schedule["expect_by"].fail("must be a local time as HH:MM (e.g. \"07:00\"), got \"" + t +
                                 "\".");
    feed.schedule.expect_by = static_cast<int>(h * 60 + m);
  }
  if (!schedule["timezone"].is_null()) {
    feed.schedule.timezone = schedule["timezone"].as_string();
    if (!known_time_zone(feed.schedule.timezone))
      schedule["timezone"].fail("\"" + feed.schedule.timezone +
                                "\" is not a time zone of this machine's tzdata (e.g. "
                                "America/Chicago).");
  }
  if (!schedule["expect_days"].is_null()) {
    static const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    feed.schedule.expect_days.fill(false);
    for (const YamlNode& d : schedule["expect_days"].items()) {
      const std::string day = d.as_choice({"sun", "mon", "tue", "wed", "thu", "fri", "sat"});
      for (int i = 0; i < 7; ++i)
        if (day == kDays[i]) feed.schedule.expect_days[static_cast<std::size_t>(i)] = true;
    }
  }
  if (!schedule["poll_every"].is_null()) {
    feed.schedule.poll_every = parse_duration(schedule["poll_every"]);
    if (feed.schedule.poll_every.count() < 1) schedule["poll_every"].fail("must be at least 1s.");
  }
  return feed;
}

std::string SourceConfig::move_to_folder() const {
  if (after != AfterTake::move || move_to.empty()) return "";
  // Compared by path, as written: "processed/x", "../drop/processed" and an absolute
  // "/srv/drop/processed" all fill the drop's folder "processed".
  const std::filesystem::path drop =
      std::filesystem::path(kind == SourceKind::sftp ? sftp.dir : local_dir.string())
          .lexically_normal();
  const std::filesystem::path target =
      (std::filesystem::path(move_to).is_absolute() ? std::filesystem::path(move_to)
                                                    : drop / move_to)
          .lexically_normal();
  const std::filesystem::path inside = target.lexically_relative(drop);
  if (inside.empty() || *inside.begin() == ".." || *inside.begin() == ".") return "";
  return inside.begin()->string();
}

bool SourceConfig::takes_folder(std::string_view name) const {
  return !folders.empty() && matches_glob(folders, name) && name != move_to_folder();
}

std::string SourceConfig::where() const {
  switch (kind) {
    case SourceKind::local:
      return local_dir.string();
    case SourceKind::sftp:
      return describe_sftp(sftp);
    case SourceKind::none:
      break;
  }
  return "(no source)";
}

}  // namespace rosterd
