#include "cli/command_line.h"

#include "core/error.h"

namespace rosterd {

CommandLine::CommandLine(const std::vector<std::string>& args,
                         std::set<std::string, std::less<>> with_value,
                         std::set<std::string, std::less<>> flags) {
  bool only_positional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || a.compare(0, 2, "--") != 0) {
      positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    const std::size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    if (with_value.count(name) != 0) {
      if (eq != std::string::npos) {
        values_[name] = a.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        values_[name] = args[++i];
      } else {
        throw UsageError("option " + name + " needs a value.");
      }
    } else if (flags.count(name) != 0 && eq == std::string::npos) {
      flags_set_.insert(name);
    } else {
      throw UsageError("unknown option " + name + ". See 'rosterd --help'.");
    }
  }
}

std::optional<std::string> CommandLine::value(std::string_view option) const {
  const auto it = values_.find(option);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace rosterd
