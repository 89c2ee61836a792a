// `rosterd mail-test` (does the SMTP set-up work?) and `rosterd outbox` (what is waiting).
#include <optional>
#include <set>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/text.h"
#include "core/utf8.h"
#include "notify/qa_report_mail.h"
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
  static const std::string usage = "rosterd mail-test --config FILE --to ADDRESS";
  const CommandLine cl(args, {"--config", "--to"}, {});
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
  const SmtpSender sender(config.smtp);
  const MailMessage m =
      plain_mail({*cl.value("--to")}, "[rosterd] test message",
                 "This is a test message from rosterd (rosterd mail-test), sent through " +
                     config.smtp.url + ".\nIf you can read it, QA reports will reach you.\n",
                 "<mail-test." + std::to_string(::time(nullptr)) + "@rosterd>");
  std::string conversation;
  out << "Sending a test message to " << *cl.value("--to") << " through " << config.smtp.url
      << " (starttls "
      << (config.smtp.starttls == StartTls::required   ? "required"
          : config.smtp.starttls == StartTls::optional ? "optional"
                                                       : "off")
      << ")\n\n";
  try {
    sender.send(m, &conversation);
  } catch (const SmtpError& e) {
    out << conversation_lines(conversation) << "\nFAILED: " << e.what() << '\n';
    return kExitDropFailed;
  }
  out << conversation_lines(conversation) << "\nOK: the server accepted the message.\n";
  return kExitClean;
}

int run_outbox_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd outbox --config FILE [--deliver] [--resend MAIL]";
  const CommandLine cl(args, {"--config", "--resend"}, {"--deliver"});
  if (!cl.positional().empty()) throw UsageError("outbox takes no file. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const auto store = open_store(config);
  Mailer mailer(config, *store);
  if (const auto id = cl.value("--resend")) {
    if (!store->outbox().requeue(parse_run_id(*id))) {
      throw UsageError("mail " + *id +
                       " is not in doubt; only a message left `sending` by a stopped process can "
                       "be sent again (not one a running rosterd is sending now: look again in a "
                       "few minutes).");
    }
    out << "Mail " << *id << " is queued again.\n";
  }
  if (cl.flag("--deliver")) {
    out << "Delivered " << mailer.deliver_due(true) << " message(s).\n";
    // Runs waiting for their report are settled here only for a feed no other process is
    // working on: committing one under a run being planned would make that run fail.
    std::set<std::string> waiting;
    for (const RunRecord& run : store->runs().awaiting_report())
      waiting.insert(run.feed);
    for (const std::string& name : waiting) {
      const auto it = config.feeds.find(name);
      if (it == config.feeds.end()) continue;
      std::optional<FeedLock> lock;
      if (const auto why = hold_feed_now(config, *store, it->second, lock)) {
        out << name << ": " << *why
            << "; the runs waiting for their report are settled by the process that holds the "
               "feed, at its next poll\n";
      } else {
        mailer.settle_awaiting_runs(name);
      }
    }
  }
  for (const OutboxEntry& e : store->outbox().in_doubt()) {
    out << "mail " << e.id << "  IN DOUBT  " << e.feed << "  " << e.list << "  "
        << display_safe(e.message.subject)
        << "\n    a rosterd process stopped while sending it: it may have arrived. It is not sent "
           "again on its own; if it did not arrive: rosterd outbox --config "
        << config.file.string() << " --resend " << e.id << '\n';
  }
  const auto pending = store->outbox().due(INT64_MAX);
  if (pending.empty()) out << "Nothing waits in the outbox.\n";
  for (const OutboxEntry& e : pending) {
    out << "mail " << e.id << "  " << e.created << "  " << e.feed << "  " << e.list << "  "
        << e.attempts << " attempt(s)  " << display_safe(e.message.subject) << '\n';
    if (!e.last_error.empty()) out << "    last error: " << display_safe(e.last_error) << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
