// `rosterd user` and `rosterd token`: the console's people and API tokens (ops/console_access.h).
#include <fstream>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/civil_date.h"
#include "core/utf8.h"
#include "ops/console_access.h"

namespace rosterd {
namespace {

std::string read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the password file " + path + ".");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// "90d", "12h", "30m", "45s", or "0" (never).
std::chrono::seconds parse_expires(const std::string& text, const std::string& usage) {
  if (text == "0") return std::chrono::seconds(0);
  long n = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < 100000)
    n = n * 10 + (text[i++] - '0');
  const std::string unit = text.substr(i);
  const long per = unit == "d"   ? 86400
                   : unit == "h" ? 3600
                   : unit == "m" ? 60
                   : unit == "s" ? 1
                                 : 0;
  if (i == 0 || per == 0 || n == 0 || n * per > 3660L * 86400)
    throw UsageError(
        "--expires takes a duration such as 90d, 12h or 30m (at most ten years), or "
        "0 for never; got \"" +
        text + "\". Usage: " + usage);
  return std::chrono::seconds(n * per);
}

}  // namespace

int run_user_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("user"));
  const std::string usage = cl.usage();
  const auto& pos = cl.positional();
  if (pos.empty()) throw UsageError("user takes add, list, remove or link. Usage: " + usage);
  const std::string& verb = pos[0];
  const Config config = load_config_option(cl, usage);
  const Actor by = cli_actor(cl);
  if (verb == "list" && pos.size() == 1) {
    const auto store = open_store(config);
    for (const ConsoleUser& u : store->users().list()) {
      out << u.email << "  " << display_safe(u.name) << "  " << grants_text(u.grants)
          << (u.password_hash.empty() ? "  (no password yet)" : "") << '\n';
    }
    return kExitClean;
  }
  if (pos.size() != 2)
    throw UsageError("user " + verb + " takes one email address. Usage: " + usage);
  const std::string& email = pos[1];
  if (verb == "add") {
    NewConsoleUser u;
    u.email = email;
    u.name = cl.value("--name").value_or("");
    if (u.name.empty()) throw UsageError("user add needs --name. Usage: " + usage);
    const auto role_text = cl.value("--role");
    const auto role = role_text ? parse_console_role(*role_text) : std::nullopt;
    if (!role) throw UsageError("user add needs --role viewer, approver or admin. Usage: " + usage);
    const auto feeds = cl.values("--feed");
    if (feeds.empty()) u.grants.push_back({std::string(kEveryFeed), *role});
    for (const std::string& f : feeds)
      u.grants.push_back({f, *role});
    if (const auto file = cl.value("--password-file")) u.password = read_password_file(*file);
    const auto store = open_store(config);
    const AddedConsoleUser added = add_console_user(*store, config, u, by);
    out << "user " << added.user.email << " added: " << grants_text(added.user.grants) << ".\n";
    if (!added.set_password_link.empty()) {
      out << "They set their password with this one-time link (good for "
          << config.console.link_valid_for.count() / 3600 << " h):\n  " << added.set_password_link
          << '\n';
    }
    return kExitClean;
  }
  if (verb == "remove") {
    const auto store = open_store(config);
    remove_console_user(*store, email, by);
    out << "user " << email << " removed, with their sessions and tokens.\n";
    return kExitClean;
  }
  if (verb == "link") {
    const auto store = open_store(config);
    out << password_link(*store, config, email, by) << '\n';
    return kExitClean;
  }
  throw UsageError("user takes add, list, remove or link, not \"" + verb + "\". Usage: " + usage);
}

int run_token_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("token"));
  const std::string usage = cl.usage();
  const auto& pos = cl.positional();
  if (pos.empty()) throw UsageError("token takes create, list or revoke. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const Actor by = cli_actor(cl);
  if (pos[0] == "create" && pos.size() == 1) {
    const auto user = cl.value("--user");
    if (!user) throw UsageError("token create needs --user EMAIL. Usage: " + usage);
    const auto valid = parse_expires(cl.value("--expires").value_or("90d"), usage);
    const auto store = open_store(config);
    const NewToken t = create_token(*store, *user, cl.value("--name").value_or(""), valid, by);
    out << "token " << t.id << " for " << *user << ", "
        << (t.expires == 0 ? std::string("never expires") : "expires " + utc_timestamp(t.expires))
        << ". It is shown this once; keep it secret:\n"
        << t.secret << '\n';
    return kExitClean;
  }
  if (pos[0] == "list" && pos.size() == 1) {
    const auto store = open_store(config);
    for (const TokenInfo& t : list_tokens(*store)) {
      out << t.id << "  " << t.email << "  " << display_safe(t.name.empty() ? "-" : t.name)
          << "  created " << t.created << "  "
          << (t.expires.empty() ? std::string("never expires") : "expires " + t.expires) << '\n';
    }
    return kExitClean;
  }
  if (pos[0] == "revoke" && pos.size() == 2) {
    const auto store = open_store(config);
    revoke_token(*store, pos[1], by);
    out << "token " << pos[1] << " revoked.\n";
    return kExitClean;
  }
  throw UsageError("token takes create, list, or revoke ID. Usage: " + usage);
}

}  // namespace rosterd
