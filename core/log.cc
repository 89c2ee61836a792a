#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/civil_date.h"
#include "core/utf8.h"

namespace rosterd::log {
namespace {

std::atomic<Level> g_level{Level::warning};

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
  std::string line = "ts=";
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
