#include "cli/command_line.h"

#include "core/error.h"

namespace rosterd {

CommandLine::CommandLine(const std::vector<std::string>& args, const CommandSpec& spec)
    : spec_(spec) {
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
    const OptionSpec* option = spec.option(name);
    if (option != nullptr && !option->value.empty()) {
      if (eq != std::string::npos) {
        values_[name].push_back(a.substr(eq + 1));
      } else if (i + 1 < args.size()) {
        values_[name].push_back(args[++i]);
      } else {
        throw UsageError("option " + name + " needs a value.");
      }
    } else if (option != nullptr && eq == std::string::npos) {
      flags_set_.insert(name);
    } else if (option != nullptr) {
      throw UsageError("option " + name + " takes no value. See 'rosterd " +
                       std::string(spec.name) + " --help'.");
    } else {
      throw UsageError(std::string(spec.name) + " has no option " + name + ". See 'rosterd " +
                       std::string(spec.name) + " --help'.");
    }
  }
}

std::string CommandLine::usage() const {
  std::string out;
  for (std::string_view u : spec_.usage) {
    out += out.empty() ? "rosterd " : "\n       rosterd ";
    out += u;
  }
  return out;
}

std::optional<std::string> CommandLine::value(std::string_view option) const {
  const auto it = values_.find(option);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CommandLine::values(std::string_view option) const {
  const auto it = values_.find(option);
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

}  // namespace rosterd
