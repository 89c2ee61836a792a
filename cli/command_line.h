// A small parser for `rosterd COMMAND [--option VALUE | --option=VALUE | --flag]... [ARG]...`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

class CommandLine {
 public:
  // `with_value` lists the options that take a value, `flags` those that do not. Anything else
  // starting with "--" is refused (UsageError), as is a missing value.
  CommandLine(const std::vector<std::string>& args, std::set<std::string, std::less<>> with_value,
              std::set<std::string, std::less<>> flags);

  std::optional<std::string> value(std::string_view option) const;
  bool flag(std::string_view option) const { return flags_set_.count(std::string(option)) != 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace rosterd
