// The command table is long because it is the whole of what rosterd's commands say about
// themselves; the renderers of it (help, man page, completion) are in command_help.cc.
#include "cli/command_spec.h"

#include <stdexcept>

namespace rosterd {
namespace {

constexpr OptionSpec kConfig{"--config", "FILE",
                             "the YAML configuration (required); every key is explained in "
                             "/usr/share/doc/rosterd/rosterd.example.yaml"};
constexpr OptionSpec kFeedOptional{
    "--feed", "NAME", "the feed to work on; may be left out when the configuration has one feed"};
constexpr OptionSpec kFeedAll{"--feed", "NAME", "only this feed (default: every feed)"};
constexpr OptionSpec kFormat{"--format", "text|json",
                             "text (default) for a person, json for a script"};
constexpr OptionSpec kReason{"--reason", "TEXT",
                             "why: kept with the decision in the run's history"};
constexpr OptionSpec kAsOf{"--as-of", "YYYY-MM-DD",
                           "the day ages are computed for (default: today, UTC)"};
constexpr OptionSpec kThreads{"--threads", "N",
                              "read a large file in up to N parts at once, 1 to 16 (default: the "
                              "number of CPUs, at most 4); the report is the same whatever N"};
constexpr OptionSpec kWait{"--wait", "",
                           "poll again every second until the waiting files are stable (at most "
                           "stable_for + 5 s)"};
constexpr OptionSpec kTimeout{"--timeout", "SECONDS",
                              "give up when the service has not answered in this time (default "
                              "15, at most 3600)"};

std::vector<CommandSpec> make_specs() {
  return {
      {"check",
       {"check --config FILE [--feed NAME] [--format text|json] [--as-of YYYY-MM-DD] "
        "[--threads N] ROSTER"},
       "test import: check ROSTER with the feed's rules and print every discrepancy",
       "Reads ROSTER with the format and rules of one feed and prints the report: every rejected "
       "or warned row with its line, student ID, field and what to do. Writes nothing, anywhere. "
       "Exit 0 clean, 1 rows rejected or warned, 2 usage or configuration error, 3 the file was "
       "refused as a whole.",
       {kConfig, kFeedOptional, kFormat, kAsOf, kThreads}},
      {"check-config",
       {"check-config --config FILE"},
       "validate the configuration and every table and map it names",
       "Loads the configuration as the service does at start: every key, every reference table "
       "and code map it names. Prints a line naming the feeds, the store, state_dir and the mail "
       "server when all is well (exit 0), or each problem with its file, line and key (exit 2). "
       "Touches nothing else: no store, no state_dir, no drop, no mail.",
       {kConfig}},
      {"ingest",
       {"ingest --config FILE [--feed NAME] [--format text|json] [--as-of YYYY-MM-DD] "
        "[--threads N] ROSTER"},
       "check ROSTER, plan it against the committed roster, decide, commit",
       "Checks ROSTER as check does, plans it against the feed's committed roster, decides "
       "(commit, hold for approval, dry run), mails the QA report before anything is committed, "
       "and records the run, committing its changes in one transaction. Exit as check, or 4 when "
       "the run is held (nothing committed).",
       {kConfig, kFeedOptional, kFormat, kAsOf, kThreads}},
      {"fetch",
       {"fetch --config FILE [--feed NAME] [--wait]"},
       "take every complete new file from the feed's drop into staging, once",
       "Polls the feed's drop (source.sftp or source.local) once and takes every complete file "
       "not seen before into state_dir/staging/FEED, recording it in the drop ledger. Prints one "
       "line a file: taken, waiting, repeat, too-large, or the error. Exit 0, or 5 when the drop "
       "failed or a file was not taken.",
       {kConfig, kFeedAll, kWait}},
      {"run",
       {"run --config FILE",
        "run --once --config FILE [--feed NAME] [--wait] [--format text|json] "
        "[--as-of YYYY-MM-DD] [--threads N]"},
       "the service: poll every feed on its schedule (or, with --once, one cycle)",
       "Without --once: the long-running service (systemd Type=notify). It polls every feed with "
       "a source on its schedule until SIGTERM; SIGHUP reloads the configuration. With --once: "
       "one poll of every feed (or --feed): fetch, ingest every staged file, print each run's "
       "report, tidy the drop. Exit as ingest, or 5 when a drop failed or a run failed.",
       {kConfig,
        {"--once", "", "poll each feed once, print what happened, and exit"},
        kFeedAll,
        kWait,
        kFormat,
        kAsOf,
        kThreads}},
      {"sync-now",
       {"sync-now --config FILE --feed NAME [--timeout SECONDS]"},
       "make the running service poll a feed now",
       "Asks the service, through state_dir/rosterd.sock, to poll the feed at once, and prints "
       "what the poll did. Exit 2 when no service answers or it does not answer in time.",
       {kConfig, {"--feed", "NAME", "the feed to poll (required)"}, kTimeout}},
      {"status",
       {"status --config FILE [--format text|json] [--timeout SECONDS]"},
       "what the running service is doing; non-zero when a feed needs someone",
       "Asks the service, through state_dir/rosterd.sock, what each feed is doing: polling or "
       "idle, its last poll, when the next one is due, whether its drop is failing, held runs, "
       "mail waiting, a deadline passed without a file. Answers also when the configuration "
       "file no longer loads (the service runs on what it loaded before; status says what is "
       "wrong with the file). Exit 0 all well; 5 a feed's drop or poll is failing, its deadline "
       "passed or its store cannot be read; else 4 a run is held for approval; else 2 the "
       "configuration file does not load, or no service answers in time.",
       {kConfig, kFormat, kTimeout}},
      {"history",
       {"history --config FILE [--feed NAME] [--last N] [--format text|json]"},
       "the recent runs, newest first",
       "The last N runs (default 7), newest first: run id, start time (UTC), feed, decision, "
       "file, rows read and rejected, and the changes. Notices (a file missing by its deadline, "
       "the same file night after night) are listed as such.",
       {kConfig,
        kFeedAll,
        {"--last", "N", "how many runs (default 7)"},
        {"--format", "text|json", "text (default), or json: one object a run"}}},
      {"files",
       {"files --config FILE [--feed NAME] [--last N]"},
       "the drop ledger: the files seen in the drops",
       "The drop ledger, newest first (default 20): when each file was seen, its feed, status "
       "(fetched, ingested, repeat, too_large, failed), remote name, size, SHA-256 prefix, its run "
       "and what was done to the file in the drop.",
       {kConfig, kFeedAll, {"--last", "N", "how many files (default 20)"}}},
      {"outbox",
       {"outbox --config FILE [--deliver] [--resend MAIL]"},
       "the mail waiting to be delivered",
       "Lists the messages waiting to be delivered (QA reports, held notices, alerts) with their "
       "attempts and last error.",
       {kConfig,
        {"--deliver", "",
         "try every waiting message now, then settle the held runs that waited for their report"},
        {"--resend", "MAIL", "put a message that was given up on back in the outbox"}}},
      {"mail-test",
       {"mail-test --config FILE --to ADDRESS"},
       "send a test message and show the SMTP conversation",
       "Sends a test message through the smtp: section and prints the conversation with the "
       "server (authentication withheld). Exit 0 when the server accepted it, 5 otherwise.",
       {kConfig, {"--to", "ADDRESS", "where the test message goes (required)"}}},
      {"show",
       {"show --config FILE [--format text|json] RUN"},
       "a run's report again",
       "One run's report again, from the store, text or JSON, with how the run ended: committed, "
       "held, approved, rejected, superseded or rolled back.",
       {kConfig, kFormat}},
      {"approve",
       {"approve --config FILE [--reason TEXT] RUN"},
       "commit a held run",
       "Commits a held run. Refused when the run is not held, or when another run has committed "
       "since it was planned (reject it and ingest the file again). Who approved it, and why, is "
       "kept in the run's history.",
       {kConfig, kReason}},
      {"reject",
       {"reject --config FILE [--reason TEXT] RUN"},
       "discard a held run",
       "Discards a held run: nothing of it is committed.",
       {kConfig, kReason}},
      {"pause",
       {"pause --config FILE --feed NAME [--until YYYY-MM-DD] --reason TEXT"},
       "stop a feed's commits for a while",
       "While a feed is paused its files are still taken, checked and reported, as test "
       "imports: nothing of them is committed, so the first run after the pause works against "
       "the roster as it was. No missing-file alert is sent meanwhile. `status`, `history` and "
       "the console show the pause; who paused it, and why, is in the action log. Pausing a "
       "paused feed replaces its pause.",
       {kConfig,
        {"--feed", "NAME", "the feed to pause (required)"},
        {"--until", "YYYY-MM-DD", "the last day it stays paused (default: until `rosterd resume`)"},
        {"--reason", "TEXT", "why (required): shown with the pause and kept in the action log"}}},
      {"resume",
       {"resume --config FILE --feed NAME [--reason TEXT]"},
       "end a feed's pause",
       "Ends the feed's pause: its next run commits as usual. Exit 1 when it was not paused.",
       {kConfig, {"--feed", "NAME", "the feed to resume (required)"}, kReason}},
      {"rollback",
       {"rollback --config FILE [--force] [--reason TEXT] RUN"},
       "restore what a committed run changed",
       "Restores every student a committed run touched to its before-image, as a new run of its "
       "own. Refused when a later committed run changed some of the same students, unless "
       "--force.",
       {kConfig,
        {"--force", "", "roll back even when a later run changed the same students"},
        kReason}},
      {"layout",
       {"layout --config FILE [--feed NAME] [--format text|markdown]"},
       "what the district must send: the feed's file spec",
       "Prints, in the district's terms, what one feed expects: each column with what it holds, "
       "whether it is required and what values it takes (date formats with an example, status "
       "words, ID rules), the file's separator, quoting and encoding, every grade, school and "
       "diagnosis code accepted (the platform's codes and the district's codes its maps "
       "translate), and how, where and by when to deliver. Markdown for a wiki or a ticket. "
       "Everything comes from the configuration, so the spec says what rosterd checks. Exit 0.",
       {kConfig,
        kFeedOptional,
        {"--format", "text|markdown",
         "text (default) for a terminal or an email, markdown for "
         "a wiki or a ticket"}}},
      {"suggest-format",
       {"suggest-format [--as-of YYYY-MM-DD] FILE..."},
       "work out a feed's format from a district's file",
       "Reads the header and first rows (up to 4 MiB) of each FILE and prints a format: block to "
       "paste under the feed in rosterd.yaml: the preset whose header the file has, or the "
       "delimiter, quoting, encoding and date formats found, each column placed as a rosterd "
       "field by its header or its values; as comments, what was found, what needs a person, "
       "and the columns rosterd does not read. Needs no configuration and writes nothing. Exit "
       "0 when every file was worked out, 1 when something needs checking by hand, 3 when a "
       "file cannot be a roster.",
       {{"--as-of", "YYYY-MM-DD",
         "the day two-digit years are read against (default: today, UTC)"}}},
      {"export",
       {"export --config FILE [--feed NAME] [--kind KIND]"},
       "the committed roster, to standard output",
       "The feed's committed roster in the feed's own layout, sorted by state ID. With --kind, "
       "the committed rows of another kind the feed takes (staff, sections, enrollments, ...: "
       "kinds:) that its last set listed, in that kind's layout, sorted by key. Exit 6 when the "
       "store turns out to be damaged (what was written is then incomplete).",
       {kConfig,
        kFeedOptional,
        {"--kind", "KIND", "a kind the feed takes beside students (default: the students)"}}},
      {"store-check",
       {"store-check --config FILE [--quick]"},
       "is the roster store whole?",
       "Reads every page of the store (SQLite's quick_check) and counts each feed's students "
       "against the count every commit keeps. Exit 0 when whole, 6 when damaged: restore the "
       "last backup.",
       {kConfig, {"--quick", "", "skip the page-by-page read; count the students only"}}},
      {"alerts",
       {"alerts --config FILE [--feed NAME] [--all] [--format text|json]"},
       "identity alerts: possible matches, re-keys, go-live matches",
       "Lists the open identity alerts, and the decided ones not yet applied, each with both "
       "records side by side, the match score and the command that decides it.",
       {kConfig, kFeedAll, {"--all", "", "every alert, also the applied ones"}, kFormat}},
      {"resolve",
       {"resolve --config FILE ALERT... (--match [--to ID] | --create) [--apply] [--reason TEXT]",
        "resolve --config FILE --run RUN (--all-match | --all-create) [--apply]",
        "resolve --config FILE --feed NAME --apply"},
       "decide identity alerts",
       "--match gives the committed student the new state ID (one record, history kept); "
       "--create adds the row as a new student. A decision is applied by the next run whose "
       "file has the row, or at once with --apply. Exit 1 when a decision could not be applied.",
       {kConfig,
        {"--match", "", "the row is the committed student: give it the new state ID"},
        {"--to", "ID", "the candidate to match, when there are several"},
        {"--create", "", "the row is a new student"},
        {"--run", "RUN", "decide every open alert of this run"},
        {"--all-match", "", "with --run: match every alert"},
        {"--all-create", "", "with --run: create every alert's row"},
        {"--feed", "NAME", "with --apply alone: apply every decision of this feed"},
        {"--apply", "", "apply the decisions now, as a run of their own"},
        kReason}},
      {"student",
       {"student --config FILE [--feed NAME] STATE_ID"},
       "one committed student: the record, its former IDs, every change",
       "One committed student: the record, its platform ID, the state IDs it had before and every "
       "committed run that changed it. Shows names: it is for the people who decide alerts.",
       {kConfig, kFeedOptional}},
      {"record",
       {"record --config FILE [--feed NAME] KIND ID..."},
       "one committed row of another kind: its values and every change",
       "One committed row of a kind the feed takes beside students (staff, courses, terms, "
       "sections, enrollments, guardians, guardian_links): its values as committed, whether "
       "active, and every committed run that changed it, with the fields each changed. A kind "
       "keyed by several fields is named by its values, each an argument or joined by '/': an "
       "enrollment SECTION PERSON ROLE, a guardian link GUARDIAN STUDENT. Shows names: it is for "
       "the "
       "people who answer a district's questions. Exit 2 when the feed never committed it.",
       {kConfig, kFeedOptional}},
      {"user",
       {"user add --config FILE EMAIL --name NAME --role viewer|approver|admin [--feed NAME]... "
        "[--password-file FILE]",
        "user list --config FILE", "user remove --config FILE EMAIL",
        "user link --config FILE EMAIL"},
       "the console's users: add, list, remove, send a set-password link",
       "A console user signs in with their email. A viewer sees runs, reports, alerts and "
       "students; an approver also decides held runs and alerts, syncs now, tests files and "
       "edits mail lists; an admin has every feed and the users. --feed limits a viewer or "
       "approver to the feeds named (default: every feed). Without --password-file, `user add` "
       "prints a one-time link that sets the password (good for console.link_valid_for); "
       "`user link` prints a new one, for a forgotten password.",
       {kConfig,
        {"--name", "NAME", "the person's name, as the console shows it"},
        {"--role", "viewer|approver|admin", "what the user may do"},
        {"--feed", "NAME", "a feed the role is for; repeat for several (default: every feed)"},
        {"--password-file", "FILE", "a file whose first line is the password"}}},
      {"token",
       {"token create --config FILE --user EMAIL [--name NAME] [--expires DURATION]",
        "token list --config FILE", "token revoke --config FILE ID"},
       "API tokens: create (shown once), list, revoke",
       "An API token acts as its user, with the user's roles, for the console's JSON API "
       "(docs/api.md): send it as `Authorization: Bearer TOKEN`. The token is printed once; the "
       "store keeps only its SHA-256. --expires takes 90d, 12h, ... (default 90d; 0: never).",
       {kConfig,
        {"--user", "EMAIL", "the user the token acts as"},
        {"--name", "NAME", "what the token is for, shown by `token list`"},
        {"--expires", "DURATION", "how long it is good for: 90d (default), 12h, 0 for never"}}},
      {"import-existing",
       {"import-existing --config FILE --feed NAME FILE"},
       "before go-live: load the platform's students for the first live file",
       "Loads the platform's current students (the feed's layout plus identity.existing_id_column) "
       "so that the first live file links to them instead of creating duplicates. A file with any "
       "problem is refused whole, each problem with its line and column.",
       {kConfig, {"--feed", "NAME", "the feed going live (required)"}}},
  };
}

const std::vector<OptionSpec> kCommonOptions{
    {"--log-level", "LEVEL",
     "what is logged to standard error: debug, info, warning or error (default warning; the "
     "service: service.log_level, default info)"},
    {"--help", "", "what a command does and its options: rosterd COMMAND --help"},
};

}  // namespace

const OptionSpec* CommandSpec::option(std::string_view option_name) const {
  for (const OptionSpec& o : options) {
    if (o.name == option_name) return &o;
  }
  return nullptr;
}

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = make_specs();
  return specs;
}

const CommandSpec* find_command_spec(std::string_view name) {
  for (const CommandSpec& s : command_specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const CommandSpec& command_spec(std::string_view name) {
  const CommandSpec* spec = find_command_spec(name);
  if (spec == nullptr)
    throw std::logic_error("no command \"" + std::string(name) + "\" in the table");
  return *spec;
}

const std::vector<OptionSpec>& common_options() {
  return kCommonOptions;
}

}  // namespace rosterd
