#include "config/config.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/config_values.h"
#include "config/feed_section.h"
#include "config/yaml_node.h"
#include "core/error.h"
#include "core/log.h"
#include "core/text.h"

namespace rosterd {
namespace {

void parse_smtp(const YamlNode& n, SmtpOptions& o, const std::filesystem::path& base) {
  if (n.is_null()) return;
  n.expect_keys({"url", "from", "starttls", "username", "password_file", "ca_file",
                 "connect_timeout", "timeout"});
  if (n["url"].is_null()) n.fail("needs `url:` (smtp://host:port or smtps://host:port).");
  o.url = n["url"].as_string();
  if (!o.url.starts_with("smtp://") && !o.url.starts_with("smtps://"))
    n["url"].fail("must start with smtp:// or smtps://, got \"" + o.url + "\".");
  if (o.url.find('@') != std::string::npos) {
    // The url is shown in messages and logs: a password in it would be too.
    n["url"].fail("must not hold a user or password; use smtp.username and smtp.password_file.");
  }
  if (n["from"].is_null())
    n.fail("needs `from:`, the sender address (\"rosterd <rosterd@example.org>\").");
  o.from = n["from"].as_string();
  if (!plausible_address(bare_address(o.from)))
    n["from"].fail("\"" + o.from + "\" has no usable address.");
  if (!n["starttls"].is_null()) {
    const std::string t = n["starttls"].as_choice({"required", "optional", "off"});
    o.starttls = t == "off"        ? StartTls::off
                 : t == "optional" ? StartTls::optional
                                   : StartTls::required;
  }
  if (!n["username"].is_null()) o.username = n["username"].as_string();
  const auto existing_file = [&](const char* k) { return existing_file_at(n[k], base); };
  if (!n["password_file"].is_null()) o.password_file = existing_file("password_file");
  if (!o.username.empty() && o.password_file.empty())
    n.fail("has a username, so it needs `password_file:` (a file holding the password).");
  if (!o.username.empty() && o.starttls != StartTls::required && !o.url.starts_with("smtps://")) {
    n["starttls"].fail(
        "must be required when logging in over smtp://, or the password could "
        "cross the network in clear text (or use smtps://).");
  }
  if (!n["ca_file"].is_null()) o.ca_file = existing_file("ca_file");
  if (!n["connect_timeout"].is_null()) o.connect_timeout = parse_duration(n["connect_timeout"]);
  if (!n["timeout"].is_null()) o.timeout = parse_duration(n["timeout"]);
}

}  // namespace

const FeedConfig& Config::feed(std::string_view name) const {
  std::string names;
  for (const auto& [n, f] : feeds)
    names += (names.empty() ? "" : ", ") + n;
  if (name.empty()) {
    if (feeds.size() == 1) return feeds.begin()->second;
    throw UsageError("the config has several feeds (" + names + "); choose one with --feed NAME.");
  }
  const auto it = feeds.find(name);
  if (it == feeds.end()) {
    throw UsageError("no feed \"" + std::string(name) + "\" in " + file.string() +
                     "; its feeds are: " + names + ".");
  }
  return it->second;
}

namespace {

// Files holding secrets that other users of the host can read: warned about at every start (ssh
// refuses such keys; rosterd says so, names the file, and goes on).
void warn_readable_secrets(const Config& config) {
  std::vector<std::pair<std::string, std::filesystem::path>> secrets{
      {"smtp.password_file", config.smtp.password_file},
      {"store.postgresql.password_file", config.store.password_file},
      {"console.tls.key_file", config.console.tls_key_file}};
  for (const auto& [name, feed] : config.feeds) {
    const std::string at = "feeds." + name + ".source.sftp.";
    secrets.emplace_back(at + "key_file", feed.source.sftp.key_file);
    secrets.emplace_back(at + "passphrase_file", feed.source.sftp.passphrase_file);
    secrets.emplace_back(at + "password_file", feed.source.sftp.password_file);
  }
  for (const auto& [key, path] : secrets) {
    if (path.empty()) continue;
    std::error_code ec;
    const auto perms = std::filesystem::status(path, ec).permissions();
    if (ec || (perms & std::filesystem::perms::others_read) == std::filesystem::perms::none)
      continue;
    log::warning("config.secret_readable",
                 {{"key", key},
                  {"file", path.string()},
                  {"what_to_do", "every user of this host can read it: chmod 600 it"}});
  }
}

}  // namespace

Config parse_config(std::string_view yaml, const std::string& display_name,
                    const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(display_name + ":" + std::to_string(e.mark.line + 1) +
                      ": YAML syntax error: " + e.msg + ".");
  }
  const YamlNode top(root, display_name, "");
  if (top.is_null()) top.fail("the configuration is empty. Start from conf/rosterd.example.yaml.");
  top.expect_keys({"store", "state_dir", "archive", "smtp", "service", "console", "feeds"});

  Config config;
  config.file = display_name;
  const YamlNode store = top["store"];
  store.expect_keys({"sqlite", "postgresql"});
  config.store.sqlite =
      resolve(base_dir, store["sqlite"].is_null() ? "rosterd.db" : store["sqlite"].as_string());
  if (!store["postgresql"].is_null()) {
    if (!store["sqlite"].is_null())
      store.fail("has both `sqlite:` and `postgresql:`; rosterd keeps its rosters in one store.");
    const YamlNode pg = store["postgresql"];
    pg.expect_keys({"conninfo", "password_file", "stalled_after"});
    if (pg["conninfo"].is_null()) {
      pg.fail(
          "needs `conninfo:`, libpq's connection string, e.g. \"host=db.example.org port=5432 "
          "dbname=rosterd user=rosterd\".");
    }
    config.store.kind = StoreKind::postgresql;
    config.store.conninfo = pg["conninfo"].as_string();
    // A password may hide in a key=value conninfo or a URI's user:password@.
    const std::string& ci = config.store.conninfo;
    const bool uri = ci.starts_with("postgresql://") || ci.starts_with("postgres://");
    const std::size_t at = uri ? ci.find('@') : std::string::npos;
    const std::size_t colon = uri ? ci.find(':', ci.find("//") + 2) : std::string::npos;
    if (ci.find("password") != std::string::npos ||
        (at != std::string::npos && colon != std::string::npos && colon < at)) {
      pg["conninfo"].fail(
          "must not hold a password (it would show in logs and `ps`); put it in a file named by "
          "store.postgresql.password_file.");
    }
    if (!pg["password_file"].is_null())
      config.store.password_file = existing_file_at(pg["password_file"], base_dir);
    if (!pg["stalled_after"].is_null()) {
      config.store.stalled_after = parse_duration(pg["stalled_after"]);
      // Under 30 s a run's own work between two statements could be taken for a stall; over
      // a day the server's setting (at most ~24 days) is no bound worth having.
      if (config.store.stalled_after < std::chrono::seconds(30) ||
          config.store.stalled_after > std::chrono::hours(24))
        pg["stalled_after"].fail("must be from 30s to 24h.");
    }
  }

  config.state_dir =
      resolve(base_dir, top["state_dir"].is_null() ? "state" : top["state_dir"].as_string());
  const YamlNode archive = top["archive"];
  archive.expect_keys({"keep_days"});
  if (!archive["keep_days"].is_null()) {
    config.archive_keep_days =
        static_cast<int>(archive["keep_days"].as_integer_in(0, 3650, "days"));
  }

  parse_smtp(top["smtp"], config.smtp, base_dir);
  const YamlNode service = top["service"];
  service.expect_keys({"workers", "log_level", "stuck_after"});
  if (!service["stuck_after"].is_null()) {
    config.stuck_after = parse_duration(service["stuck_after"]);
    if (config.stuck_after.count() < 1) service["stuck_after"].fail("must be at least 1s.");
  }
  if (!service["log_level"].is_null())
    config.log_level = service["log_level"].as_choice({"debug", "info", "warning", "error"});
  if (!service["workers"].is_null()) {
    config.workers = static_cast<std::size_t>(service["workers"].as_integer_in(1, 64, "workers"));
  }

  config.console = parse_console(top["console"], base_dir);

  const YamlNode feeds = top["feeds"];
  if (feeds.is_null()) top.fail("no `feeds:` section. Add at least one feed.");
  for (auto& [name, node] : feeds.entries())
    config.feeds.emplace(name, parse_feed(name, node, base_dir, config.smtp.configured()));
  if (config.feeds.empty()) feeds.fail("lists no feed. Add at least one.");
  warn_readable_secrets(config);
  return config;
}

Config load_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot open config file '" + path.string() + "': " + std::strerror(errno) +
                      ". Name a rosterd YAML file (conf/rosterd.example.yaml shows every key).");
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::filesystem::path base =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return parse_config(text.str(), path.string(), base);
}

std::filesystem::path state_dir_of(const std::filesystem::path& config_file) {
  std::ifstream in(config_file, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot open config file '" + config_file.string() +
                      "': " + std::strerror(errno) + ".");
  }
  const std::filesystem::path base =
      config_file.has_parent_path() ? config_file.parent_path() : std::filesystem::path(".");
  std::ostringstream text;
  text << in.rdbuf();
  std::string state_dir = "state";
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (root.IsMap() && root["state_dir"] && root["state_dir"].IsScalar())
      state_dir = root["state_dir"].Scalar();
  } catch (const YAML::Exception&) {
    // The YAML is broken somewhere: the top-level line, if it is there, still says.
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("state_dir:")) continue;
      std::string value(trim(std::string_view(line).substr(10)));
      if (const auto hash = value.find(" #"); hash != std::string::npos)
        value = std::string(trim(std::string_view(value).substr(0, hash)));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      if (!value.empty()) state_dir = value;
    }
  }
  return resolve(base, state_dir);
}

}  // namespace rosterd
