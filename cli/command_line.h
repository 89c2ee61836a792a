// A small parser for `rosterd COMMAND [--option VALUE | --option=VALUE | --flag]... [ARG]...`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command_spec.h"

namespace rosterd {

class CommandLine {
 public:
  // Takes the options `spec` declares: those with a value as `--name VALUE` or `--name=VALUE`,
  // flags as `--name`. Anything else starting with "--" is refused (UsageError naming the
  // command's --help), as is a missing value; "--" ends the options.
  CommandLine(const std::vector<std::string>& args, const CommandSpec& spec);

  // The usage lines of the command, for a UsageError ("Usage: rosterd ...").
  std::string usage() const;

  // The value given last; every value given, in order, for an option that may be repeated.
  std::optional<std::string> value(std::string_view option) const;
  std::vector<std::string> values(std::string_view option) const;
  bool flag(std::string_view option) const { return flags_set_.count(std::string(option)) != 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
  const CommandSpec& spec_;
};

}  // namespace rosterd
