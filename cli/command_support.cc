#include "cli/command_support.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/dir_access.h"
#include "core/error.h"
#include "core/log.h"
#include "store/sql_db.h"

namespace rosterd {

Config load_config_option(const CommandLine& cl, const std::string& usage) {
  const auto path = cl.value("--config");
  if (!path) throw UsageError("--config FILE is required. Usage: " + usage);
  return load_config(*path);
}

namespace {
std::optional<log::Level> g_log_level_flag;
}  // namespace

std::optional<log::Level> log_level_flag() {
  return g_log_level_flag;
}

void set_log_level_flag(std::optional<log::Level> level) {
  g_log_level_flag = level;
  if (level) log::set_level(*level);
}

std::string format_option(const CommandLine& cl) {
  const std::string format = cl.value("--format").value_or("text");
  if (format != "text" && format != "json")
    throw UsageError("--format must be text or json, not \"" + format + "\".");
  return format;
}

std::size_t threads_option(const CommandLine& cl) {
  std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  if (const auto t = cl.value("--threads")) {
    if (t->empty() || t->size() > 2 || t->find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(*t) < 1 || std::stoul(*t) > 16) {
      throw UsageError("--threads must be a number from 1 to 16, not \"" + *t + "\".");
    }
    threads = std::stoul(*t);
  }
  return threads;
}

CivilDate as_of_option(const CommandLine& cl) {
  if (const auto d = cl.value("--as-of")) {
    const auto parsed = parse_date(*d, "%Y-%m-%d");
    if (!parsed) throw UsageError("--as-of must be a date as YYYY-MM-DD, not \"" + *d + "\".");
    return *parsed;
  }
  return today_utc();
}

std::size_t last_option(const CommandLine& cl, std::size_t fallback, const std::string& what) {
  const auto n = cl.value("--last");
  if (!n) return fallback;
  if (n->empty() || n->size() > 6 || n->find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(*n) == 0) {
    throw UsageError("--last must be a number of " + what + ", not \"" + *n + "\".");
  }
  return std::stoul(*n);
}

std::int64_t parse_run_id(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1) {
    throw UsageError("\"" + text + "\" is not a run id: give the number 'rosterd history' shows.");
  }
  return std::stoll(text);
}

std::string current_user() {
  for (const char* var : {"SUDO_USER", "USER", "LOGNAME"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return v;
  }
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "uid " + std::to_string(::getuid());
}

Actor cli_actor(const CommandLine& cl) {
  return Actor{current_user(), ActionSource::cli, "", cl.value("--reason").value_or("")};
}

void print_report(std::ostream& out, const RunReport& report, const std::string& format) {
  if (format == "json") {
    write_json_report(out, report);
  } else {
    write_text_report(out, report);
  }
  out.flush();
}

}  // namespace rosterd
