// `rosterd layout`: the feed's file spec, for the district (ops/file_spec.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/file_spec.h"

namespace rosterd {

int run_layout_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("layout"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("layout takes no file. Usage: " + usage);
  const std::string format = cl.value("--format").value_or("text");
  if (format != "text" && format != "markdown")
    throw UsageError("--format must be text or markdown, not \"" + format + "\".");
  const Config config = load_config_option(cl, usage);
  const FileSpec spec = file_spec(config.feed(cl.value("--feed").value_or("")));
  out << (format == "markdown" ? file_spec_markdown(spec) : file_spec_text(spec));
  return kExitClean;
}

}  // namespace rosterd
