#include "parsers/roster_set.h"

#include <algorithm>

#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/oneroster_set.h"
#include "parsers/school_checked_roster.h"
#include "parsers/sds_set.h"

namespace rosterd {

const SetMember* RosterSet::find(std::string_view file) const {
  for (const SetMember& m : members)
    if (iequals(m.name, file)) return &m;
  return nullptr;
}

RosterSet roster_set_of_folder(const std::filesystem::path& folder) {
  RosterSet set;
  set.name = folder.filename().empty() ? folder.parent_path().filename().string()
                                       : folder.filename().string();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    set.members.push_back({entry.path().filename().string(), entry.path(), {}});
  }
  if (ec)
    throw Error("cannot read the folder " + display_safe(folder.string()) + ": " + ec.message() +
                ".");
  std::sort(set.members.begin(), set.members.end(),
            [](const SetMember& a, const SetMember& b) { return a.name < b.name; });
  return set;
}

std::string set_sha256(std::vector<std::pair<std::string, std::string>> members) {
  std::sort(members.begin(), members.end());
  Sha256 hash;
  for (const auto& [name, sha] : members) {
    hash.update(name);
    hash.update("\n", 1);
    hash.update(sha);
    hash.update("\n", 1);
  }
  return hash.hex_digest();
}

bool is_set_layout(const FormatPreset& preset) {
  return !preset.set_files.empty();
}

bool reads_alone(const FormatPreset& preset) {
  return preset.set_files.size() == 1 && preset.set_files.front() == preset.roster_file;
}

FileSummary read_roster_set(const RosterFormat& format, const RosterSet& set,
                            const std::vector<RowSink*>& sinks, const CommittedLookup& committed) {
  if (iequals(format.preset, "oneroster-1.1"))
    return read_oneroster_set(format, set, sinks, committed, "1.1");
  if (iequals(format.preset, "oneroster-1.2"))
    return read_oneroster_set(format, set, sinks, committed, "1.2");
  if (iequals(format.preset, "sds-v2.1")) return read_sds_set(format, set, sinks);
  if (const FormatPreset* p = find_format_preset(format.preset); p != nullptr && reads_alone(*p))
    return read_with_schools(format, *p, set, sinks);
  throw Error("the preset \"" + format.preset + "\" is not a layout of several files.");
}

}  // namespace rosterd
