#include "ops/roster_export.h"

#include "core/civil_date.h"
#include "store/sql_db.h"

namespace rosterd {
namespace {

// A value in the feed's quoting: quoted when it holds the delimiter or a quote.
void append_value(std::string& line, const std::string& v, const RosterFormat& f) {
  const bool quote = f.quote == QuoteMode::double_quote &&
                     (v.find(f.delimiter) != std::string::npos || v.find('"') != std::string::npos);
  if (!quote) {
    line += v;
    return;
  }
  line += '"';
  for (char c : v) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

}  // namespace

void export_roster(RosterStore& store, const FeedConfig& feed,
                   const std::function<void(const std::string& line)>& emit) {
  const RosterFormat& f = feed.format;
  std::string line;
  bool first = true;
  for (Field field : kAllFields) {
    if (f.columns[field_index(field)].empty()) continue;
    if (!first) line += f.delimiter;
    first = false;
    append_value(line, f.columns[field_index(field)], f);
  }
  emit(line);
  const std::string active = f.status.active.empty() ? "A" : f.status.active.front();
  const std::string inactive = f.status.inactive.empty() ? "I" : f.status.inactive.front();
  try {
    store.students().for_each(feed.name, [&](const std::vector<std::string>& v) {
      line.clear();
      bool first_value = true;
      for (Field field : kAllFields) {
        if (f.columns[field_index(field)].empty()) continue;
        if (!first_value) line += f.delimiter;
        first_value = false;
        std::string value = v[field_index(field)];
        if (field == Field::birth_date && !value.empty()) {
          if (const auto d = parse_date(value, "%Y-%m-%d")) value = format_date(*d, f.date_format);
        } else if (field == Field::status) {
          value = value == "I" ? inactive : active;
        } else if (field == Field::diagnoses) {
          for (char& c : value) {
            if (c == ';') c = f.list_separator;
          }
        }
        append_value(line, value, f);
      }
      emit(line);
    });
  } catch (const StoreDamagedError& e) {
    // The lines are handed on as they are read: whoever receives them must hear they are short.
    throw StoreDamagedError("the export written so far is incomplete: do not use it. " +
                            std::string(e.what()));
  }
}

void export_kind(RosterStore& store, const FeedConfig& feed, EntityKind kind,
                 const std::function<void(const std::string& line)>& emit) {
  const KindMember& member = *feed.kinds.find(kind);
  const KindFormat& kf = member.format;
  RosterFormat f;  // the quoting rules of the kind's file
  f.delimiter = kf.delimiter;
  f.quote = kf.quote;
  const std::span<const EntityField> fields = kind_info(kind).fields;
  std::string line;
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (kf.columns[i].empty()) continue;
    if (!first) line += f.delimiter;
    first = false;
    append_value(line, kf.columns[i], f);
  }
  emit(line);
  const std::string active = kf.status.active.empty() ? "A" : kf.status.active.front();
  const std::string inactive = kf.status.inactive.empty() ? "I" : kf.status.inactive.front();
  store.entities().for_each(feed.name, kind, [&](const std::vector<std::string>& v, bool listed) {
    if (!listed) return;
    line.clear();
    bool first_value = true;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (kf.columns[i].empty()) continue;
      if (!first_value) line += f.delimiter;
      first_value = false;
      std::string value = v[i];
      if (fields[i].type == ValueType::date && !value.empty()) {
        if (const auto d = parse_date(value, "%Y-%m-%d")) value = format_date(*d, kf.date_format);
      } else if (fields[i].type == ValueType::status && !value.empty()) {
        value = value == "I" ? inactive : active;
      }
      append_value(line, value, f);
    }
    emit(line);
  });
}

}  // namespace rosterd
