#include "pipeline/drop_sets.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <map>

#include "core/text.h"
#include "parsers/roster_set.h"

namespace rosterd {
namespace {

bool ends_with_nocase(std::string_view name, std::string_view tail) {
  if (name.size() < tail.size()) return false;
  const std::string_view end = name.substr(name.size() - tail.size());
  return std::equal(end.begin(), end.end(), tail.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// The layout's file that `name` is, if any ("" when none), by the rule of group_deliveries.
std::string_view layout_file_of(std::string_view name,
                                const std::vector<std::string_view>& by_length) {
  for (std::string_view file : by_length) {
    if (!ends_with_nocase(name, file)) continue;
    const std::string_view prefix = name.substr(0, name.size() - file.size());
    if (prefix.empty() || !std::isalnum(static_cast<unsigned char>(prefix.back()))) return file;
  }
  return {};
}

}  // namespace

std::uint64_t DropDelivery::size() const {
  std::uint64_t total = 0;
  for (const DropEntry& e : files)  // a hostile server's sizes must not wrap to a small sum
    total = e.size > UINT64_MAX - total ? UINT64_MAX : total + e.size;
  return total;
}

std::int64_t DropDelivery::mtime() const {
  std::int64_t newest = 0;
  for (const DropEntry& e : files)
    newest = std::max(newest, e.mtime);
  return newest;
}

DropGrouping group_deliveries(const std::vector<DropEntry>& candidates,
                              const FormatPreset* set_layout, const TakenBefore& taken_before) {
  DropGrouping out;
  std::vector<std::string_view> layout_files;
  if (set_layout != nullptr) {
    layout_files = set_layout->set_files;
    layout_files.insert(layout_files.end(), set_layout->other_set_files.begin(),
                        set_layout->other_set_files.end());
    std::stable_sort(layout_files.begin(), layout_files.end(),
                     [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  }
  // A layout whose roster file is a whole delivery alone (Clever's students.csv) takes a file
  // of no layout name, or its roster file with none of its other files, as one file.
  const bool alone = set_layout != nullptr && reads_alone(*set_layout);
  const auto one_file = [&](const DropEntry& e) {
    DropDelivery d;
    d.name = e.name;
    d.files = {e};
    out.deliveries.push_back(std::move(d));
  };
  std::map<std::string, DropDelivery> sets;  // by prefix
  for (const DropEntry& e : candidates) {
    if (set_layout == nullptr || ends_with_nocase(e.name, ".zip")) {
      one_file(e);
      continue;
    }
    const std::string_view file = layout_file_of(e.name, layout_files);
    if (file.empty()) {
      if (alone)
        one_file(e);
      else
        out.strangers.push_back(e.name);
      continue;
    }
    if (taken_before && taken_before(e)) continue;
    const std::string prefix = e.name.substr(0, e.name.size() - file.size());
    // A prefix is compared without regard to case; the folder it is in (a folder a night)
    // exactly, as the drop names it: "Dec04/" and "dec04/" are two nights.
    const std::size_t folder_end = prefix.find('/') + 1;  // 0 when no folder
    DropDelivery& set = sets[prefix.substr(0, folder_end) + ascii_lower(prefix.substr(folder_end))];
    if (!set.is_set) set.prefix = prefix;
    set.is_set = true;
    const auto same = std::find(set.local_names.begin(), set.local_names.end(), file);
    if (same != set.local_names.end()) {
      set.conflict = e.name + " and " + set.files[same - set.local_names.begin()].name +
                     " are both the set's " + std::string(file) + ": remove one of them";
      continue;
    }
    set.files.push_back(e);
    set.local_names.emplace_back(file);
  }
  for (auto& [key, set] : sets) {
    if (alone) {
      const bool has_roster = std::find(set.local_names.begin(), set.local_names.end(),
                                        set_layout->roster_file) != set.local_names.end();
      // The roster file alone is one file. The layout's other files without it (a schools.csv
      // that came after its students.csv was taken) are no delivery: nothing to read.
      if (has_roster && set.files.size() == 1) {
        one_file(set.files.front());
        continue;
      }
      if (!has_roster) {
        for (const DropEntry& e : set.files)
          out.strangers.push_back(e.name);
        continue;
      }
    }
    // Members in the order of their layout names, so a set's name is the same at every poll.
    std::vector<std::size_t> order(set.files.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return set.local_names[a] < set.local_names[b];
    });
    DropDelivery d;
    d.is_set = true;
    d.prefix = set.prefix;
    d.conflict = std::move(set.conflict);
    d.name = d.prefix + "{";
    for (std::size_t i : order) {
      d.files.push_back(set.files[i]);
      d.local_names.push_back(set.local_names[i]);
      d.name += (d.files.size() > 1 ? "," : "") + set.local_names[i];
    }
    d.name += "}";
    for (std::string_view need : set_layout->set_files) {
      if (std::find(d.local_names.begin(), d.local_names.end(), need) == d.local_names.end())
        d.missing.push_back(need);
    }
    out.deliveries.push_back(std::move(d));
  }
  std::sort(out.deliveries.begin(), out.deliveries.end(),
            [](const DropDelivery& a, const DropDelivery& b) {
              return a.mtime() != b.mtime() ? a.mtime() < b.mtime() : a.name < b.name;
            });
  return out;
}

}  // namespace rosterd
