#include "config/config_values.h"

#include "core/text.h"

namespace rosterd {
namespace {

// A number and the unit after it ("5m" -> 5, "m"); count is -1 when there is no number.
struct Quantity {
  std::string text;
  long long count = -1;
  std::string unit;
};

Quantity parse_quantity(const YamlNode& n) {
  Quantity q;
  q.text = trim(n.as_string());
  std::size_t used = 0;
  try {
    q.count = std::stoll(q.text, &used);
  } catch (const std::exception&) {
    return q;
  }
  q.unit = trim(std::string_view(q.text).substr(used));
  return q;
}

}  // namespace

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : (base / path).lexically_normal();
}

// The path a key names, resolved against the config's folder; the file must exist.
std::filesystem::path existing_file_at(const YamlNode& n, const std::filesystem::path& base) {
  const std::filesystem::path p = resolve(base, n.as_string());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec))
    n.fail("file " + p.string() + " does not exist (or is not a file).");
  return p;
}

// "90", "90s", "5m", "2h", "1d".
std::chrono::seconds parse_duration(const YamlNode& n) {
  const Quantity q = parse_quantity(n);
  const std::string& v = q.text;
  const long long count = q.count;
  const std::string& unit = q.unit;
  long long scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m" || unit == "min") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  // At most a year in all: a timer set further out would overflow the clock's nanoseconds.
  if (count < 0 || scale == 0 || count > 366LL * 86400 / (scale ? scale : 1)) {
    n.fail("must be a duration such as 30s, 5m, 2h or 1d, got \"" + v + "\".");
  }
  return std::chrono::seconds(count * scale);
}

// "1048576", "500KB", "200MB", "2GB", also KiB/MiB/GiB.
std::uint64_t parse_size(const YamlNode& n) {
  const Quantity q = parse_quantity(n);
  const std::string& v = q.text;
  const long long count = q.count;
  const std::string& unit = q.unit;
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "KB") scale = 1000;
  if (unit == "MB") scale = 1000 * 1000;
  if (unit == "GB") scale = 1000 * 1000 * 1000;
  if (unit == "KiB") scale = 1 << 10;
  if (unit == "MiB") scale = 1 << 20;
  if (unit == "GiB") scale = 1 << 30;
  if (count <= 0 || scale == 0 || static_cast<std::uint64_t>(count) > (1ULL << 50) / scale) {
    n.fail("must be a size such as 500MB or 2GiB, got \"" + v + "\".");
  }
  return static_cast<std::uint64_t>(count) * scale;
}

bool plausible_address(const std::string& a) {
  const auto at = a.find('@');
  return at != std::string::npos && at > 0 && at + 1 < a.size() &&
         a.find_first_of(" \t\r\n<>,;\"") == std::string::npos;
}

}  // namespace rosterd
