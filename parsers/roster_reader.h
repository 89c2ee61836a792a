// Reads a roster file row by row with fast-cpp-csv-parser's io::LineReader.
//
// The reader maps the header to fields, splits and decodes each row, and hands rows to a sink.
// It reports a bad row and goes on (as leveldb's log::Reader reports corruption); only a file
// that cannot be a roster at all (empty, binary, header without a required column) is refused.
//
// Why not io::CSVReader: it fixes the delimiter, quoting and column count at compile time and
// throws at the first bad row, while a feed's format comes from YAML and every bad row must be
// reported with its line and field. io::LineReader (fccp's block reader, with its read-ahead
// thread and CRLF handling) does the I/O; FieldSplitter does the fields. A large file is read in
// parts, each by its own LineReader on its own thread, while another thread hashes the whole
// file (SHA-256) and looks for NUL bytes.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/discrepancy.h"
#include "core/student_table.h"
#include "parsers/field_splitter.h"
#include "parsers/random_access_file.h"
#include "parsers/roster_format.h"

namespace rosterd {

// One data row, split and decoded. Views are valid only during RowSink::on_row.
struct RawRow {
  std::uint32_t line = 0;
  // Trimmed UTF-8 values (raw bytes for a field with an `encoding` problem); empty for a column
  // the header does not have.
  StudentValues values;
  // The values of the format's extra_columns, in their order (empty for one the header lacks).
  std::vector<std::string_view> extras;
  // True when the row could not be split into the header's columns (column_count, bad_quote):
  // its values are a best effort, useful only to name the student.
  bool broken = false;
  // What the reader found wrong (column_count, bad_quote, encoding). Checkers add to their own.
  std::vector<Discrepancy> problems;
  // Fields whose value is the committed roster's (a OneRoster delta that leaves it out): already
  // the platform's code or date, taken as it is rather than read and mapped again.
  std::bitset<kFieldCount> committed;
  // The district's name for the row's school, and the set's file that gives it (OneRoster's
  // orgs.csv, Clever's schools.csv); empty when none. Reports name the school by it when its
  // code is not known.
  std::string_view school_name;
  std::string_view school_file;
};

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void on_row(const RawRow& row) = 0;
};

// What the reader learnt about the file as a whole.
struct FileSummary {
  std::string name;
  std::uint64_t bytes = 0;
  std::string sha256;
  // Data rows handed to the sink (blank lines are skipped and not counted).
  std::uint32_t rows = 0;
  // The file lists changes only (a OneRoster delta set): a student it leaves out is unchanged,
  // not gone.
  bool delta = false;
  // Set when the whole file is refused; the sink may have seen rows before the cause was found
  // (binary data late in a large file), and the caller must discard what it built from them.
  std::optional<Discrepancy> refusal;
};

class RosterReader {
 public:
  explicit RosterReader(RosterFormat format);

  // Reads the file at `path`, handing its rows to `sink` in file order.
  // Throws rosterd::Error when it cannot be opened or is not a regular file.
  FileSummary read_file(const std::filesystem::path& path, RowSink& sink) const;

  // Reads the file in up to sinks.size() consecutive parts at once, one thread a part: the rows
  // of part i go to sinks[i] in file order, and come before every row of part i + 1. Files
  // under kMinBytesPerPart a part are read in fewer parts (later sinks see no rows). Line
  // numbers are the file's own. The sinks are called from different threads.
  FileSummary read_file(const std::filesystem::path& path,
                        const std::vector<RowSink*>& sinks) const;

  // Reads `bytes` as if it were a file called `name`, in one part.
  FileSummary read_bytes(std::string_view name, std::string_view bytes, RowSink& sink) const;

  // Below this many bytes a part, a second thread costs more than it saves.
  static constexpr std::uint64_t kMinBytesPerPart = 4u << 20;

 private:
  FileSummary read(std::string name, const RandomAccessFile& file,
                   const std::vector<RowSink*>& sinks) const;

  RosterFormat format_;
  FieldSplitter splitter_;
};

}  // namespace rosterd
