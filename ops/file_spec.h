// A district's file spec (`rosterd layout`): what a feed expects the district to send, in the
// district's terms, to hand to the person who sets up the SIS export. Everything comes from the
// feed's configuration: its format, reference tables and code maps, drop and schedule, so the
// spec cannot drift from what rosterd actually checks.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace rosterd {

struct FileSpecColumn {
  std::string header;  // the district's header
  // In a set of files: the file the column is in, and how its row is found; empty for the
  // students' own file (or a layout of one file).
  std::string file;
  std::string found_by;
  std::string meaning;  // "Student's state ID"
  bool required = false;
  bool may_be_left_out = false;  // the column itself may be missing from the header
  std::string values;  // what goes in it: "a date as 02/04/2015", "one of the grade codes"
};

// The codes accepted for one kind (grade, school, diagnosis): each platform code's name and every
// value the district may send for it (its map's codes, then the platform code itself).
struct FileSpecCodes {
  std::string kind;                                                        // "Grade"
  std::vector<std::pair<std::string, std::vector<std::string>>> accepted;  // name, values
};

struct FileSpec {
  std::string feed;
  std::string preset;  // the layout's title when the feed's format is a preset's; else empty
  std::vector<FileSpecColumn> columns;
  std::vector<std::string> file_rules;  // delimiter, quoting, encoding, header, line ends
  std::vector<FileSpecCodes> codes;
  std::vector<std::string> delivery;  // where, which name, when it is complete, by when
};

// The spec of `feed`.
FileSpec file_spec(const FeedConfig& feed);

// The spec for a person: plain text (a terminal, an email) or Markdown (a wiki, a ticket).
std::string file_spec_text(const FileSpec& spec);
std::string file_spec_markdown(const FileSpec& spec);

}  // namespace rosterd
