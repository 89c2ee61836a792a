#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <sys/stat.h>
#include <mutex>

#include "core/civil_date.h"
#include "core/utf8.h"

namespace rosterd::log {
namespace {

std::atomic<Level> g_level{Level::warning};

// JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected to the journal; stderr is the
// journal when its own device and inode are those (a shell redirect under the unit is not).
bool stderr_is_journal() {
  static const bool journal = [] {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    struct stat st {};
    if (::fstat(2, &st) != 0) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev &&
           static_cast<unsigned long long>(st.st_ino) == ino;
  }();
  return journal;
}

std::mutex g_capture_mutex;
std::string* g_captured = nullptr;  // guarded by g_capture_mutex

std::string_view level_name(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warning:
      return "warning";
    case Level::error:
      return "error";
  }
  return "info";
}

void append_value(std::string& out, std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) >= 0x7F) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  std::string safe = display_safe(v);
  for (char c : safe) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

void set_level(Level l) {
  g_level.store(l);
}
Level level() {
  return g_level.load();
}

bool parse_level(std::string_view name, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warning, Level::error}) {
    if (level_name(l) == name) {
      out = l;
      return true;
    }
  }
  return false;
}

std::string journal_priority_prefix(Level l) {
  switch (l) {
    case Level::debug:
      return "<7>";
    case Level::info:
      return "<6>";
    case Level::warning:
      return "<4>";
    case Level::error:
      return "<3>";
  }
  return "<6>";
}

std::string format_line(Level l, std::string_view event, std::initializer_list<Pair> fields) {
  std::string line = "level=";
  line += level_name(l);
  line += " event=";
  append_value(line, event);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    append_value(line, value);
  }
  return line;
}

void write(Level l, std::string_view event, std::initializer_list<Pair> fields) {
  if (l < g_level.load()) return;
  std::string line;
  // Under systemd, stderr is the journal: "<N>" gives the line its priority, so that
  // `journalctl -u rosterd -p err` shows the errors (journald strips the prefix).
  if (stderr_is_journal()) line = journal_priority_prefix(l);
  line += "ts=";
  line += utc_timestamp();
  line += ' ';
  line += format_line(l, event, fields);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  const std::lock_guard<std::mutex> lock(g_capture_mutex);
  if (g_captured != nullptr) *g_captured += line;
}

Capture::Capture() {
  const std::lock_guard<std::mutex> lock(g_capture_mutex);
  g_captured = new std::string;
}

Capture::~Capture() {
  const std::lock_guard<std::mutex> lock(g_capture_mutex);
  delete g_captured;
  g_captured = nullptr;
}

std::string Capture::text() const {
  const std::lock_guard<std::mutex> lock(g_capture_mutex);
  return g_captured != nullptr ? *g_captured : std::string();
}

}  // namespace rosterd::log
