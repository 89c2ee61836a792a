// The renderers of the command table: help text, the man page, bash completion.
#include <map>
#include <set>
#include <sstream>

#include "cli/command_spec.h"
#include "core/text.h"

namespace rosterd {
namespace {

constexpr std::size_t kWidth = 80;

// `text` filled into lines of at most kWidth columns, each starting with `indent` spaces (the
// first with `first_indent`); a word longer than a line gets a line of its own.
std::string fill(std::string_view text, std::size_t indent, std::size_t first_indent) {
  std::string out;
  std::size_t column = 0;
  bool line_empty = true;
  out.append(first_indent, ' ');
  column = first_indent;
  for (std::string_view word : split(text, ' ')) {
    if (word.empty()) continue;
    if (!line_empty && column + 1 + word.size() > kWidth) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  out += '\n';
  return out;
}

std::string option_label(const OptionSpec& o) {
  return o.value.empty() ? std::string(o.name) : std::string(o.name) + ' ' + std::string(o.value);
}

void write_options(std::ostringstream& out, const std::vector<OptionSpec>& options) {
  for (const OptionSpec& o : options) {
    const std::string label = "  " + option_label(o);
    std::string text = fill(o.help, 24, 24);
    if (label.size() < 23) {
      text.replace(0, label.size(), label);
    } else {
      text.insert(0, label + '\n');
    }
    out << text;
  }
}

// roff text: a backslash is \e, a dash \- (so that a man page search and a copy of an option
// keep the ASCII hyphen), and a line may not start with a control character.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

void write_roff_options(std::ostringstream& out, const std::vector<OptionSpec>& options) {
  for (const OptionSpec& o : options) {
    out << ".TP\n\\fB" << roff(o.name) << "\\fR";
    if (!o.value.empty()) out << " \\fI" << roff(o.value) << "\\fR";
    out << '\n' << roff(o.help) << ".\n";
  }
}

struct ExitStatus {
  int status;
  std::string_view meaning;
};

// The same statuses as cli/exit_status.h, told for the man page.
constexpr ExitStatus kExitStatuses[] = {
    {0, "the file is clean, or the command did what was asked"},
    {1, "rows were rejected or warned (the report lists them); a decision could not be applied"},
    {2,
     "usage or configuration error, or an operation refused as asked; nothing was committed. "
     "systemd does not restart the service for it"},
    {3, "the file was refused as a whole (empty, a column missing or repeated, unreadable)"},
    {4, "the run is held for approval: nothing was committed"},
    {5,
     "the drop could not be read, a file was not taken, or a run failed; mail-test: the server "
     "did not accept the message"},
    {6, "the roster store is damaged: nothing was changed; restore the last backup"},
    {7,
     "the roster store or state_dir cannot be used (read-only, full, out of file descriptors, "
     "the database not reached): fix the machine, not the configuration"},
    {70, "internal error: a bug; please report it with the command line"},
};

}  // namespace

std::string command_help(const CommandSpec& spec) {
  std::ostringstream out;
  bool first = true;
  for (std::string_view u : spec.usage) {
    out << (first ? "usage: rosterd " : "       rosterd ") << u << '\n';
    first = false;
  }
  out << '\n' << fill(spec.description, 0, 0) << "\nOptions:\n";
  write_options(out, spec.options);
  write_options(out, common_options());
  return out.str();
}

std::string overview_help() {
  std::ostringstream out;
  out << "usage: rosterd COMMAND [OPTIONS]\n       rosterd COMMAND --help\n\nCommands:\n";
  for (const CommandSpec& spec : command_specs()) {
    out << "  " << spec.name << std::string(spec.name.size() < 17 ? 17 - spec.name.size() : 1, ' ')
        << spec.summary << '\n';
  }
  out << "\nOptions for every command:\n";
  write_options(out, common_options());
  write_options(out, {{"--version", "", "the version"}});
  out << "\nEnvironment: ROSTERD_LOG_LEVEL=debug|info|warning|error (--log-level wins over it).\n"
         "The manual: man rosterd.\n";
  return out.str();
}

std::string man_page(std::string_view version) {
  std::ostringstream out;
  out << ".\\\" Generated from rosterd's command table (rosterd help --man); do not edit.\n"
      << ".TH ROSTERD 8 \"\" \"rosterd " << roff(version) << "\" \"System Administration\"\n"
      << ".SH NAME\nrosterd \\- take in nightly student roster files, check them, report every "
         "discrepancy\n"
      << ".SH SYNOPSIS\n";
  for (const CommandSpec& spec : command_specs()) {
    for (std::string_view u : spec.usage)
      out << ".SY rosterd\n" << roff(u) << "\n.YS\n";
  }
  out << ".SY rosterd\n\\-\\-help | \\-\\-version\n.YS\n"
      << ".SH DESCRIPTION\n"
      << roff(
             "A district's student information system exports one row per student to a "
             "delimited file every night. rosterd takes it from an SFTP or local drop once it is "
             "complete, reads it with the feed's format, cross-checks grades, campuses and "
             "diagnoses against the platform's reference tables through the district's code "
             "maps, checks required fields, formats, duplicates and what the file would change, "
             "mails a QA report before committing anything, and commits in one transaction, or "
             "holds the run when a safeguard trips.")
      << "\n.PP\n"
      << roff(
             "rosterd run is the service (systemd unit rosterd.service); the other commands are "
             "for the people who run it. Run them as the service's user so that the store's "
             "files keep their owner (see service.md).")
      << "\n.SH COMMANDS\n";
  for (const CommandSpec& spec : command_specs()) {
    out << ".SS " << roff(spec.name) << '\n';
    for (std::string_view u : spec.usage)
      out << ".SY rosterd\n" << roff(u) << "\n.YS\n";
    out << ".PP\n" << roff(spec.description) << '\n';
    write_roff_options(out, spec.options);
  }
  out << ".SH OPTIONS FOR EVERY COMMAND\n";
  write_roff_options(out, common_options());
  out << ".TP\n.B \\-\\-version\nthe version.\n.SH EXIT STATUS\n";
  for (const ExitStatus& e : kExitStatuses) {
    out << ".TP\n.B " << e.status << '\n' << roff(e.meaning) << ".\n";
  }
  out << ".SH ENVIRONMENT\n.TP\n.B ROSTERD_LOG_LEVEL\n"
      << roff(
             "debug, info, warning (the default for commands) or error; --log-level wins over "
             "it. Log lines never carry names or birth dates.")
      << "\n.SH FILES\n.TP\n.I /etc/rosterd/rosterd.yaml\nthe configuration.\n"
      << ".TP\n.I /var/lib/rosterd\n"
      << roff(
             "the service's state: the roster store (rosterd.db), staging, archive, the "
             "control socket rosterd.sock.")
      << "\n.TP\n.I /usr/share/doc/rosterd/\n"
      << roff("the documentation, and rosterd.example.yaml with every configuration key.")
      << "\n.SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1)\n";
  return out.str();
}

std::string bash_completion() {
  std::ostringstream out;
  std::set<std::string, std::less<>> value_options;
  std::map<std::string, std::string, std::less<>> words_of;  // option -> its fixed values
  std::set<std::string, std::less<>> file_options;
  auto note = [&](const OptionSpec& o) {
    if (o.value.empty()) return;
    value_options.insert(std::string(o.name));
    if (o.value == "FILE") file_options.insert(std::string(o.name));
    if (o.value.find('|') != std::string_view::npos) {
      std::string words(o.value);
      for (char& c : words)
        c = c == '|' ? ' ' : c;
      words_of[std::string(o.name)] = words;
    }
  };
  for (const CommandSpec& spec : command_specs()) {
    for (const OptionSpec& o : spec.options)
      note(o);
  }
  for (const OptionSpec& o : common_options())
    note(o);
  words_of["--log-level"] = "debug info warning error";

  out << "# bash completion for rosterd(8); generated by `rosterd help --bash-completion`.\n"
      << "_rosterd() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts\n"
      << "  if (( COMP_CWORD == 1 )); then\n"
      << "    COMPREPLY=( $(compgen -W \"";
  for (const CommandSpec& spec : command_specs())
    out << spec.name << ' ';
  out << "--help --version\" -- \"$cur\") )\n"
      << "    return\n  fi\n"
      << "  case $prev in\n";
  for (const auto& [option, words] : words_of) {
    out << "    " << option << ") COMPREPLY=( $(compgen -W \"" << words
        << "\" -- \"$cur\") ); return ;;\n";
  }
  for (const std::string& option : file_options) {
    out << "    " << option << ") COMPREPLY=( $(compgen -f -- \"$cur\") ); return ;;\n";
  }
  bool any = false;
  for (const std::string& option : value_options) {
    if (words_of.count(option) != 0 || file_options.count(option) != 0) continue;
    out << (any ? "|" : "    ") << option;
    any = true;
  }
  if (any) out << ") COMPREPLY=(); return ;;\n";
  out << "  esac\n"
      << "  case ${COMP_WORDS[1]} in\n";
  for (const CommandSpec& spec : command_specs()) {
    out << "    " << spec.name << ") opts=\"";
    for (const OptionSpec& o : spec.options)
      out << o.name << ' ';
    out << "\" ;;\n";
  }
  out << "    *) opts=\"\" ;;\n"
      << "  esac\n"
      << "  if [[ $cur == -* ]]; then\n"
      << "    COMPREPLY=( $(compgen -W \"$opts";
  for (const OptionSpec& o : common_options())
    out << ' ' << o.name;
  out << "\" -- \"$cur\") )\n"
      << "  else\n"
      << "    COMPREPLY=( $(compgen -f -- \"$cur\") )\n"
      << "  fi\n"
      << "}\n"
      << "complete -o filenames -F _rosterd rosterd\n";
  return out.str();
}

}  // namespace rosterd
