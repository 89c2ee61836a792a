// `rosterd export`: the feed's committed roster on standard output (ops/roster_export.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/utf8.h"
#include "ops/kind_records.h"
#include "ops/roster_export.h"

namespace rosterd {

int run_export_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("export"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty())
    throw UsageError("export takes no file; it writes to standard output. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const auto store = open_store(config);
  const auto write = [&](const std::string& line) { out << line << '\n'; };
  if (const auto kind = cl.value("--kind"); kind && *kind != "students") {
    const auto k = entity_kind_from_name(*kind);
    if (!k || feed.kinds.find(*k) == nullptr) {
      std::string taken = "students";
      for (const KindMember& m : feed.kinds.members)
        taken += ", " + std::string(kind_info(m.kind).name);
      throw UsageError("feed " + feed.name + " takes no kind \"" + *kind + "\"; it takes " + taken +
                       ". Usage: " + usage);
    }
    export_kind(*store, feed, *k, write);
  } else {
    export_roster(*store, feed, write);
  }
  out.flush();
  return kExitClean;
}

int run_record_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("record"));
  const std::string usage = cl.usage();
  if (cl.positional().size() < 2)
    throw UsageError("record takes a kind and an ID. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const auto kind = entity_kind_from_name(cl.positional()[0]);
  if (!kind) {
    throw UsageError("\"" + display_safe(cl.positional()[0]) +
                     "\" is not a kind (staff, courses, terms, sections, enrollments, guardians, "
                     "guardian_links; a student: rosterd student). Usage: " +
                     usage);
  }
  const auto store = open_store(config);
  const std::vector<std::string> id(cl.positional().begin() + 1, cl.positional().end());
  const KindRecord r = kind_record(*store, feed, *kind, id);
  std::string shown;
  for (const std::string& part : id)
    shown += (shown.empty() ? "" : " ") + part;
  const EntityKindInfo& info = kind_info(*kind);
  out << info.record << " " << display_safe(shown) << " (feed " << feed.name << "): "
      << (!r.row          ? "not in the roster"
          : r.row->active ? "active"
                          : "inactive")
      << '\n';
  if (r.row) {
    for (std::size_t i = 0; i < info.fields.size(); ++i) {
      if (r.row->values[i].empty()) continue;
      out << "  " << info.fields[i].name << ": " << display_safe(r.row->values[i]) << '\n';
    }
  }
  out << "  history:\n";
  for (const KindRowChange& c : r.history) {
    out << "    run " << c.run << ": " << kind_change_name(c.type);
    if (c.type == KindChangeType::updated && c.before.size() == c.after.size()) {
      std::string fields;
      for (std::size_t i = 0; i < c.after.size(); ++i) {
        if (c.before[i] != c.after[i])
          fields += (fields.empty() ? "" : ", ") + std::string(info.fields[i].name);
      }
      out << " (" << fields << ")";
    }
    if (c.rolled_back_by) out << ", rolled back by run " << *c.rolled_back_by;
    out << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
