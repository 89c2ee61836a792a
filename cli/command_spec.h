// What each command is and which options it takes: one declaration a command, read by the
// parser (CommandLine refuses any other option), and by everything that tells a person about the
// command (`rosterd COMMAND --help`, `rosterd --help`, the man page, bash completion), so the
// help can never list an option the parser refuses, nor miss one it takes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

struct OptionSpec {
  std::string_view name;   // "--config"
  std::string_view value;  // "FILE"; empty: a flag, which takes no value
  std::string_view help;   // one sentence, lower case, no final full stop
};

struct CommandSpec {
  std::string_view name;  // "history"
  // The usage lines after "rosterd": every option named here is one of `options`, and every
  // option of `options` is named here (a test holds both).
  std::vector<std::string_view> usage;
  std::string_view summary;      // one line: what it does
  std::string_view description;  // a paragraph or two, with the exit statuses
  std::vector<OptionSpec> options;

  // The option declared with `name`; nullptr when the command takes no such option.
  const OptionSpec* option(std::string_view option_name) const;
};

// Every command, in the order `rosterd --help` lists them.
const std::vector<CommandSpec>& command_specs();

// The command named `name`; nullptr when there is none.
const CommandSpec* find_command_spec(std::string_view name);
// The command named `name`, which is in the table (std::logic_error otherwise: a bug).
const CommandSpec& command_spec(std::string_view name);

// The options every command takes (--log-level, --help), handled before the command's own.
const std::vector<OptionSpec>& common_options();

// `rosterd COMMAND --help`: usage, what it does, each option.
std::string command_help(const CommandSpec& spec);

// `rosterd --help`: every command's usage and summary, the common options.
std::string overview_help();

// The man page, rosterd(8), in roff (man(7) macros): installed as rosterd.8.
std::string man_page(std::string_view version);

// A bash completion script for rosterd: commands, each command's options, the values of
// --format and --log-level, file names where a file is asked for.
std::string bash_completion();

}  // namespace rosterd
