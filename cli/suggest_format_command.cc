// `rosterd suggest-format`: a feed's format from the district's files (ops/format_suggestions.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/format_suggestions.h"

namespace rosterd {

int run_suggest_format_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("suggest-format"));
  if (cl.positional().empty())
    throw UsageError("suggest-format takes one or more roster files. Usage: " + cl.usage());
  std::vector<std::filesystem::path> files(cl.positional().begin(), cl.positional().end());
  int status = kExitClean;
  bool first = true;
  for (const FormatSuggestion& s : suggest_formats(files, as_of_option(cl))) {
    if (!first) out << '\n';
    first = false;
    out << suggested_format_yaml(s);
    if (!s.refusal.empty())
      status = kExitRefused;
    else if (!s.unsure.empty() && status == kExitClean)
      status = kExitDiscrepancies;
  }
  return status;
}

}  // namespace rosterd
