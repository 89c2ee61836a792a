#include "parsers/set_reading.h"

#include <memory>

#include "core/sha256.h"
#include "core/text.h"

namespace rosterd::set_reading {

std::string short_name(std::string_view name) {
  constexpr std::size_t kMost = 100;
  if (name.size() <= kMost) return std::string(name);
  std::size_t cut = kMost;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(name.substr(0, cut)) + "...";
}

FileSummary index_member(const SetMember& m, Encoding encoding, const std::string& key,
                         const std::string& value, RelatedIndex& index, const std::string& also,
                         bool value_optional) {
  std::vector<ExtraColumn> columns = {{key, false}, {value, value_optional}};
  if (!also.empty()) columns.push_back({also, true});
  return read_member(m, encoding, std::move(columns), [&](const RawRow& r) {
    const std::string_view k = trim(r.extras[0]);
    if (k.empty()) return;
    auto [it, fresh] = index.try_emplace(std::string(k));
    if (fresh) {
      it->second.value =
          value_optional ? short_name(trim(r.extras[1])) : std::string(trim(r.extras[1]));
      if (r.extras.size() > 2) it->second.also = short_name(trim(r.extras[2]));
      it->second.line = r.line;
    } else if (it->second.second_line == 0) {
      it->second.second_line = r.line;
    }
  });
}

Discrepancy member_refusal(const FileSummary& s, const std::string& member) {
  Discrepancy d = *s.refusal;
  d.detail = " in " + member + d.detail;
  if (d.code == DiscrepancyCode::empty_file) d.detail = " (" + member + " has no rows)";
  return d;
}

FileSummary read_students(RosterFormat format, const SetMember& users,
                          const std::vector<std::unique_ptr<CompletingSink>>& parts,
                          std::uint32_t& students) {
  std::vector<RowSink*> sinks;
  for (const auto& p : parts)
    sinks.push_back(p.get());
  const RosterReader reader(std::move(format));
  FileSummary u = users.path.empty() ? reader.read_bytes(users.name, users.bytes, *parts[0])
                                     : reader.read_file(users.path, sinks);
  for (const auto& p : parts)
    students += p->students();
  return u;
}

bool refuses(const FileSummary& member, bool delta) {
  return member.refusal && !(delta && member.refusal->code == DiscrepancyCode::empty_file);
}

void set_identity(FileSummary& summary,
                  const std::vector<std::pair<std::string, FileSummary>>& members) {
  std::vector<std::pair<std::string, std::string>> hashes;
  summary.bytes = 0;
  for (const auto& [name, m] : members) {
    hashes.emplace_back(name, m.sha256);
    summary.bytes += m.bytes;
  }
  summary.sha256 = set_sha256(std::move(hashes));
}

FileSummary refused(FileSummary summary, Discrepancy why, const RosterSet& set) {
  std::vector<std::pair<std::string, FileSummary>> members;
  for (const SetMember& m : set.members) {
    FileSummary f;
    if (m.path.empty()) {
      f.sha256 = sha256_hex(m.bytes);
      f.bytes = m.bytes.size();
    } else {
      f.sha256 = sha256_of_file(m.path, f.bytes);
    }
    members.emplace_back(m.name, std::move(f));
  }
  set_identity(summary, std::move(members));
  summary.rows = 0;
  summary.refusal = std::move(why);
  return summary;
}

FileSummary missing_member(FileSummary summary, const char* file, const std::string& needs,
                           const RosterSet& set) {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_member;
  d.value = file;
  d.detail = " (" + needs + ")";
  return refused(std::move(summary), std::move(d), set);
}

}  // namespace rosterd::set_reading
