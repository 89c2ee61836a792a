// `rosterd mail-test` (does the SMTP set-up work?) and `rosterd outbox` (what is waiting).
#include <optional>
#include <set>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/text.h"
#include "core/utf8.h"
#include "notify/qa_report_mail.h"
#include "ops/mail_actions.h"
#include "pipeline/mailer.h"

namespace rosterd {
namespace {

// The SMTP conversation a line at a time, each line made safe to print (a server chooses it).
std::string conversation_lines(const std::string& conversation) {
  std::string out;
  for (std::string_view line : split(conversation, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    out += display_safe(line);
    out += '\n';
  }
  return out;
}

}  // namespace

int run_mail_test_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("mail-test"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty() || !cl.value("--to"))
    throw UsageError("mail-test needs --to ADDRESS. Usage: " + usage);
  const std::string to = *cl.value("--to");
  if (to.find('@') == std::string::npos || to.find_first_of(" \t\r\n<>,;\"") != std::string::npos)
    throw UsageError("--to needs one email address (name@example.org), not \"" + to + "\".");
  const Config config = load_config_option(cl, usage);
  if (!config.smtp.configured()) {
    throw UsageError(config.file.string() +
                     " has no `smtp:` section with a url; add one (see "
                     "conf/rosterd.example.yaml) before testing it.");
  }
  out << "Sending a test message to " << to << " through " << config.smtp.url << " (starttls "
      << (config.smtp.starttls == StartTls::required   ? "required"
          : config.smtp.starttls == StartTls::optional ? "optional"
                                                       : "off")
      << ")\n\n";
  const MailTest test = send_test_mail(config, to);
  out << conversation_lines(test.conversation);
  if (!test.delivered) {
    out << "\nFAILED: " << test.error << '\n';
    return kExitDropFailed;
  }
  out << "\nOK: the server accepted the message.\n";
  return kExitClean;
}

int run_outbox_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("outbox"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("outbox takes no file. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const auto store = open_store(config);
  if (const auto id = cl.value("--resend")) {
    resend_mail(*store, parse_run_id(*id));
    out << "Mail " << *id << " is queued again.\n";
  }
  if (cl.flag("--deliver")) {
    const OutboxDelivery d = deliver_outbox(config, *store);
    out << "Delivered " << d.delivered << " message(s).\n";
    for (const auto& [name, why] : d.left) {
      out << name << ": " << why
          << "; the runs waiting for their report are settled by the process that holds the "
             "feed, at its next poll\n";
    }
  }
  const OutboxView view = outbox_view(*store);
  for (const OutboxEntry& e : view.in_doubt) {
    out << "mail " << e.id << "  IN DOUBT  " << e.feed << "  " << e.list << "  "
        << display_safe(e.message.subject)
        << "\n    a rosterd process stopped while sending it: it may have arrived. It is not sent "
           "again on its own; if it did not arrive: rosterd outbox --config "
        << config.file.string() << " --resend " << e.id << '\n';
  }
  const auto& pending = view.pending;
  if (pending.empty()) out << "Nothing waits in the outbox.\n";
  for (const OutboxEntry& e : pending) {
    out << "mail " << e.id << "  " << e.created << "  " << e.feed << "  " << e.list << "  "
        << e.attempts << " attempt(s)  " << display_safe(e.message.subject) << '\n';
    if (!e.last_error.empty()) out << "    last error: " << display_safe(e.last_error) << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
