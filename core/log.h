// Structured logging: one line an event, `key=value` pairs (logfmt), to stderr where journald
// picks it up. Values are quoted and escaped when needed. Never pass names or birth dates at
// info level or above: logs leave the district's hands.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rosterd::log {

enum class Level { debug, info, warning, error };

// Lines below this level are dropped. Commands default to warning, the daemon to info.
void set_level(Level level);
Level level();

// Parses "debug", "info", "warning", "error"; nullopt-like false when the name is unknown.
bool parse_level(std::string_view name, Level& out);

using Pair = std::pair<std::string_view, std::string>;

void write(Level level, std::string_view event, std::initializer_list<Pair> fields = {});

inline void debug(std::string_view event, std::initializer_list<Pair> f = {}) {
  write(Level::debug, event, f);
}
inline void info(std::string_view event, std::initializer_list<Pair> f = {}) {
  write(Level::info, event, f);
}
inline void warning(std::string_view event, std::initializer_list<Pair> f = {}) {
  write(Level::warning, event, f);
}
inline void error(std::string_view event, std::initializer_list<Pair> f = {}) {
  write(Level::error, event, f);
}

// While one lives, every line written (at or above the level) is also kept for it to read: a test
// sees what was logged without redirecting stderr. One at a time; thread-safe.
class Capture {
 public:
  Capture();
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  // Every line kept so far, with its newline.
  std::string text() const;
};

// syslog's priority as journald reads it at the start of a line: "<3>" error, "<4>" warning,
// "<6>" info, "<7>" debug. write() puts it first when stderr is the journal (JOURNAL_STREAM).
std::string journal_priority_prefix(Level level);

// The line write() would print, without the timestamp (for tests).
std::string format_line(Level level, std::string_view event, std::initializer_list<Pair> fields);

}  // namespace rosterd::log
