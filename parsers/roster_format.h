// How a feed's roster file is laid out: the options of the `format:` section of a feed.
#pragma once

#include <array>
#include <bitset>
#include <string>
#include <vector>

#include "core/field.h"

namespace rosterd {

enum class QuoteMode { none, double_quote };
enum class Encoding { utf8, windows1252 };

struct StatusValues {
  // Values (compared case-insensitively) that mean active / inactive.
  std::vector<std::string> active{"A"};
  std::vector<std::string> inactive{"I"};
};

// A column a multi-file layout reads beyond the student's fields: a OneRoster user's sourcedId
// (to find the student's row in demographics.csv) or role (to tell students from teachers).
struct ExtraColumn {
  std::string header;     // matched case-insensitively after trimming, as field columns are
  bool optional = false;  // may be missing from the header (its value is then empty)
};

struct RosterFormat {
  char delimiter = '|';
  QuoteMode quote = QuoteMode::none;
  Encoding encoding = Encoding::utf8;
  // The birth date's format (core/civil_date.h): how `rosterd export` writes dates, and the
  // first one tried when reading.
  std::string date_format = "%Y-%m-%d";
  // Further formats a birth date may have, tried in order after date_format (an export that
  // writes "11/1/98" on some rows and "11/01/1998" on others).
  std::vector<std::string> other_date_formats;
  // The name of the preset the format started from (`format.preset`); empty for none.
  std::string preset;
  // Separates the codes in the diagnoses field.
  char list_separator = ';';
  StatusValues status;
  // Header name of each field's column, matched case-insensitively after trimming.
  std::array<std::string, kFieldCount> columns;
  // Fields whose value must not be empty (missing_required otherwise).
  std::bitset<kFieldCount> required;
  // Fields whose column may be absent from the header (the value is then empty).
  std::bitset<kFieldCount> optional_columns;
  // Columns read beyond the fields, in this order (RawRow::extras); set by a set layout's reader,
  // never by the configuration.
  std::vector<ExtraColumn> extra_columns;
  // A student's row may be repeated, each time with the same student values, once for each of
  // their contacts (Clever's students.csv): such rows are one student, not a duplicate ID. Set
  // by a preset, never by the configuration.
  bool student_repeats_per_contact = false;

  // The default layout: the twelve columns of the Rethink-style roster, all present; state ID,
  // legal first and last name, birth date, grade and campus required.
  static RosterFormat default_layout();
};

}  // namespace rosterd
