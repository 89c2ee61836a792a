#include "core/local_time.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

namespace rosterd {
namespace {

// One zone's UTC offsets, read from its TZif file (RFC 8536, version 2+ 64-bit data).
// Debian's tzdata lists transitions up to 2037; the last one's offset holds after it.
struct Zone {
  std::vector<std::int64_t> transitions;  // ascending
  std::vector<std::int32_t> offsets;      // after each transition
  std::int32_t initial = 0;               // before the first

  std::int32_t offset_at(std::int64_t unix) const {
    const auto it = std::upper_bound(transitions.begin(), transitions.end(), unix);
    if (it == transitions.begin()) return initial;
    return offsets[static_cast<std::size_t>(it - transitions.begin() - 1)];
  }
};

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::int64_t be64(const unsigned char* p) {
  return static_cast<std::int64_t>((std::uint64_t{be32(p)} << 32) | be32(p + 4));
}

// nullptr when the file is missing or not TZif v2+.
std::unique_ptr<Zone> read_zone(const std::string& name) {
  std::ifstream in(std::filesystem::path("/usr/share/zoneinfo") / name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const auto* d = reinterpret_cast<const unsigned char*>(s.data());
  if (s.size() < 44 || s.compare(0, 4, "TZif") != 0 || s[4] < '2') return nullptr;
  // Skip the version 1 (32-bit) block: header counts at 20..43.
  auto counts = [&](std::size_t at, std::uint32_t c[6]) {
    for (int i = 0; i < 6; ++i)
      c[i] = be32(d + at + 20 + 4 * static_cast<std::size_t>(i));
  };
  std::uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  const std::size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (s.size() < v1 + 44 || s.compare(v1, 4, "TZif") != 0) return nullptr;
  counts(v1, c);
  const std::size_t timecnt = c[3], typecnt = c[4];
  std::size_t at = v1 + 44;
  if (typecnt == 0 || s.size() < at + timecnt * 9 + typecnt * 6) return nullptr;
  auto zone = std::make_unique<Zone>();
  std::vector<std::int32_t> type_offset(typecnt);
  const std::size_t types_at = at + timecnt * 9;
  for (std::size_t i = 0; i < typecnt; ++i)
    type_offset[i] = static_cast<std::int32_t>(be32(d + types_at + 6 * i));
  zone->initial = type_offset[0];
  for (std::size_t i = 0; i < timecnt; ++i) {
    const std::size_t type = d[at + timecnt * 8 + i];
    if (type >= typecnt) return nullptr;
    zone->transitions.push_back(be64(d + at + 8 * i));
    zone->offsets.push_back(type_offset[type]);
  }
  return zone;
}

// Zones read so far; read once, never changed after.
const Zone* zone_named(const std::string& name) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<Zone>> zones;
  std::lock_guard<std::mutex> lock(m);
  auto it = zones.find(name);
  if (it == zones.end()) it = zones.emplace(name, read_zone(name)).first;
  return it->second.get();
}

}  // namespace

bool known_time_zone(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  return zone_named(zone) != nullptr;
}

std::int32_t utc_offset_in(const std::string& zone, std::int64_t unix) {
  if (!zone.empty()) {
    if (const Zone* z = zone_named(zone)) return z->offset_at(unix);
  }
  // The machine's own zone: localtime_r reads it without touching the environment.
  const auto t = static_cast<std::time_t>(unix);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return static_cast<std::int32_t>(tm.tm_gmtoff);
}

LocalTime local_time_in(const std::string& zone, std::int64_t unix) {
  const std::int64_t local = unix + utc_offset_in(zone, unix);
  const auto t = static_cast<std::time_t>(local);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  LocalTime out;
  out.date = CivilDate{tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                       static_cast<unsigned>(tm.tm_mday)};
  out.weekday = tm.tm_wday;
  out.minutes = tm.tm_hour * 60 + tm.tm_min;
  return out;
}

std::int64_t local_midnight_in(const std::string& zone, std::int64_t unix) {
  const std::int64_t local = unix + utc_offset_in(zone, unix);
  const std::int64_t midnight_local = local - ((local % 86400) + 86400) % 86400;
  // The offset at midnight may differ from now's (a DST change in the night).
  std::int64_t start = midnight_local - utc_offset_in(zone, unix);
  start = midnight_local - utc_offset_in(zone, start);
  return start;
}

}  // namespace rosterd
