#include "parsers/roster_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "parsers/fccp.h"

#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/hashing_byte_source.h"
#include "parsers/windows1252.h"

namespace rosterd {
namespace {

bool is_blank(const char* line, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (line[i] != ' ' && line[i] != '\t') return false;
  }
  return true;
}

// One pass over the raw line: does it need the slower per-field decoding at all?
struct LineScan {
  bool high = false;     // a byte >= 0x80
  bool control = false;  // a control character other than tab
};

LineScan scan_line(const char* line, std::size_t length) {
  unsigned char any = 0;
  unsigned char control = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const auto b = static_cast<unsigned char>(line[i]);
    any |= b;
    control |= static_cast<unsigned char>((b < 0x20 && b != '\t') || b == 0x7F);
  }
  return LineScan{any >= 0x80, control != 0};
}

std::string first_control_char(std::string_view v) {
  for (char c : v) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\t') || b == 0x7F) return display_safe(std::string_view(&c, 1));
  }
  return {};
}

Discrepancy file_problem(DiscrepancyCode code, std::string detail, std::uint32_t line = 0) {
  Discrepancy d;
  d.code = code;
  d.line = line;
  d.detail = std::move(detail);
  return d;
}

}  // namespace

class RosterReader::Run {
 public:
  Run(const RosterReader& reader, RowSink& sink, FileSummary& summary)
      : format_(reader.format_), splitter_(reader.splitter_), sink_(sink), summary_(summary) {
    column_of_.fill(-1);
  }

  // Returns false when the header refuses the file.
  bool header(char* line, std::size_t length, std::uint32_t line_no);
  void row(char* line, std::size_t length, std::uint32_t line_no);
  bool has_header() const { return has_header_; }

 private:
  // Decodes one value to UTF-8 in place or into scratch_; records an encoding problem if needed.
  std::string_view decode(std::string_view raw, Field f, RawRow& row);

  const RosterFormat& format_;
  const FieldSplitter& splitter_;
  RowSink& sink_;
  FileSummary& summary_;

  bool has_header_ = false;
  std::size_t header_columns_ = 0;
  std::array<int, kFieldCount> column_of_;
  std::vector<int> field_of_column_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  RawRow row_;
};

bool RosterReader::Run::header(char* line, std::size_t length, std::uint32_t line_no) {
  if (length >= 2 &&
      ((line[0] == '\xFF' && line[1] == '\xFE') || (line[0] == '\xFE' && line[1] == '\xFF'))) {
    summary_.refusal =
        file_problem(DiscrepancyCode::unreadable,
                     "it is UTF-16 text (it starts with a UTF-16 byte order mark)", line_no);
    return false;
  }
  splitter_.split(line, length, fields_);
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (std::string_view raw : fields_) {
    std::string name;
    if (format_.encoding == Encoding::windows1252) {
      append_windows1252_as_utf8(name, raw);
    } else if (!is_valid_utf8(raw)) {
      summary_.refusal =
          file_problem(DiscrepancyCode::unreadable,
                       "its header row is not valid UTF-8 (set format.encoding if the "
                       "file is windows-1252)",
                       line_no);
      return false;
    } else {
      name = std::string(raw);
    }
    names.push_back(std::move(name));
  }

  std::string header_text;
  for (std::size_t i = 0; i < names.size() && header_text.size() < 300; ++i) {
    if (i != 0) header_text += format_.delimiter;
    header_text += names[i];
  }
  std::string missing_others;
  field_of_column_.assign(names.size(), -1);
  for (Field f : kAllFields) {
    const std::string& wanted = format_.columns[field_index(f)];
    if (wanted.empty()) continue;
    int found = -1;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (!iequals(names[j], wanted)) continue;
      if (found >= 0) {
        Discrepancy d = file_problem(DiscrepancyCode::duplicate_column, "", line_no);
        d.field = f;
        d.value = wanted;
        summary_.refusal = std::move(d);
        return false;
      }
      found = static_cast<int>(j);
    }
    if (found < 0 && !format_.optional_columns.test(field_index(f))) {
      if (!summary_.refusal) {
        Discrepancy d = file_problem(DiscrepancyCode::missing_column, "", line_no);
        d.field = f;
        d.value = wanted;
        summary_.refusal = std::move(d);
      } else {
        missing_others += missing_others.empty() ? "" : ", ";
        missing_others += wanted;
      }
      continue;
    }
    column_of_[field_index(f)] = found;
    if (found >= 0)
      field_of_column_[static_cast<std::size_t>(found)] = static_cast<int>(field_index(f));
  }
  if (summary_.refusal) {
    std::string& detail = summary_.refusal->detail;
    if (!missing_others.empty()) detail += " (also missing: " + missing_others + ")";
    detail += "; the header row reads \"" + display_safe(header_text) + "\"";
    return false;
  }
  header_columns_ = names.size();
  has_header_ = true;
  return true;
}

std::string_view RosterReader::Run::decode(std::string_view raw, Field f, RawRow& row) {
  const auto problem = [&](std::string detail) {
    Discrepancy d;
    d.line = row.line;
    d.code = DiscrepancyCode::encoding;
    d.field = f;
    d.value = std::string(raw);
    d.detail = std::move(detail);
    row.problems.push_back(std::move(d));
  };
  std::string control = first_control_char(raw);
  if (!control.empty()) problem("a control character (" + control + ")");
  if (is_ascii(raw)) return raw;
  if (format_.encoding == Encoding::utf8) {
    if (!is_valid_utf8(raw)) {
      problem("bytes that are not valid UTF-8 (the feed's format.encoding is utf-8)");
    }
    return raw;
  }
  const std::size_t start = scratch_.size();
  if (!append_windows1252_as_utf8(scratch_, raw)) {
    problem("bytes that windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90 or 0x9D)");
  }
  return std::string_view(scratch_).substr(start);
}

void RosterReader::Run::row(char* line, std::size_t length, std::uint32_t line_no) {
  RawRow& row = row_;
  row.line = line_no;
  row.broken = false;
  row.problems.clear();
  row.values.fill(std::string_view());

  const LineScan scan = scan_line(line, length);
  const std::optional<std::size_t> bad_quote = splitter_.split(line, length, fields_);

  if (fields_.size() != header_columns_) {
    Discrepancy d;
    d.line = line_no;
    d.code = DiscrepancyCode::column_count;
    d.detail = std::to_string(fields_.size()) + (fields_.size() == 1 ? " field" : " fields") +
               " where the header has " + std::to_string(header_columns_);
    row.problems.push_back(std::move(d));
    row.broken = true;
  }
  if (bad_quote) {
    Discrepancy d;
    d.line = line_no;
    d.code = DiscrepancyCode::bad_quote;
    if (*bad_quote < field_of_column_.size() && field_of_column_[*bad_quote] >= 0) {
      d.field = static_cast<Field>(field_of_column_[*bad_quote]);
    }
    row.problems.push_back(std::move(d));
    row.broken = true;
  }

  if (scan.high || scan.control) {
    // Views into scratch_ must stay valid: reserve the worst case (3 UTF-8 bytes a byte) first.
    scratch_.clear();
    scratch_.reserve(length * 3 + 1);
  }
  for (Field f : kAllFields) {
    const int column = column_of_[field_index(f)];
    if (column < 0 || static_cast<std::size_t>(column) >= fields_.size()) continue;
    std::string_view v = fields_[static_cast<std::size_t>(column)];
    if ((scan.high || scan.control) && !v.empty()) v = decode(v, f, row);
    row.values[field_index(f)] = v;
  }
  if (!row.problems.empty()) {
    const std::string_view id = row.values[field_index(Field::state_id)];
    const bool id_ok = is_valid_utf8(id) && first_control_char(id).empty();
    for (Discrepancy& d : row.problems)
      d.student_id = id_ok ? std::string(id) : display_safe(id);
  }
  ++summary_.rows;
  sink_.on_row(row);
}

RosterReader::RosterReader(RosterFormat format)
    : format_(std::move(format)), splitter_(format_.delimiter, format_.quote) {}

namespace {

// Feeds every non-blank line to `run`: the header first, then the rows.
template <typename RunT>
void drive(RunT& run, io::LineReader& lines) {
  while (char* line = lines.next_line()) {
    const std::size_t length = std::strlen(line);
    if (is_blank(line, length)) continue;
    const auto line_no = static_cast<std::uint32_t>(lines.get_file_line());
    if (!run.has_header()) {
      if (!run.header(line, length, line_no)) return;
      continue;
    }
    run.row(line, length, line_no);
  }
}

// The file-level verdicts that need the whole file: binary data, nothing to read.
void conclude(FileSummary& summary, const ByteSourceStats& stats, bool has_header) {
  if (stats.nul_bytes != 0) {
    summary.refusal = file_problem(
        DiscrepancyCode::unreadable,
        "it contains " + std::to_string(stats.nul_bytes) + " NUL byte(s), the first at byte " +
            std::to_string(stats.first_nul_offset) + ": it is binary data or UTF-16 text");
  }
  if (summary.refusal) return;
  if (!has_header) {
    summary.refusal =
        file_problem(DiscrepancyCode::empty_file,
                     summary.bytes == 0 ? " (it is 0 bytes long)" : " (only blank lines)");
  } else if (summary.rows == 0) {
    summary.refusal =
        file_problem(DiscrepancyCode::empty_file, " (a header row, but no student rows)");
  }
}

}  // namespace

FileSummary RosterReader::read_bytes(std::string_view name, std::string_view bytes,
                                     RowSink& sink) const {
  FileSummary summary;
  summary.name = std::string(name);
  auto stats = std::make_shared<ByteSourceStats>();
  Run run(*this, sink, summary);
  try {
    io::LineReader lines(summary.name, std::make_unique<HashingByteSource>(bytes, stats));
    drive(run, lines);
  } catch (const io::error::line_length_limit_exceeded&) {
    summary.refusal = file_problem(DiscrepancyCode::unreadable, "a line is longer than 16 MiB");
  }
  summary.bytes = bytes.size();
  summary.sha256 = stats->complete ? stats->sha256 : sha256_hex(bytes);
  conclude(summary, *stats, run.has_header());
  return summary;
}

FileSummary RosterReader::read_file(const std::filesystem::path& path, RowSink& sink) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot open roster file '" + path.string() + "': " + std::strerror(errno) +
                ". Check the path and that rosterd may read it.");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("'" + path.string() + "' is not a regular file. Give the path of a roster file.");
  }

  FileSummary summary;
  summary.name = path.filename().string();
  auto stats = std::make_shared<ByteSourceStats>();
  Run run(*this, sink, summary);
  try {
    io::LineReader lines(path.string(), std::make_unique<HashingByteSource>(fd, stats));
    drive(run, lines);
  } catch (const io::error::line_length_limit_exceeded&) {
    summary.refusal = file_problem(DiscrepancyCode::unreadable, "a line is longer than 16 MiB");
  } catch (const std::system_error& e) {
    summary.refusal = file_problem(DiscrepancyCode::unreadable,
                                   std::string("reading it failed (") + e.what() + ")");
  }
  // The LineReader (and its read-ahead thread) is gone: stats are ours to read.
  if (stats->complete) {
    summary.bytes = stats->bytes;
    summary.sha256 = stats->sha256;
  } else {
    // Reading stopped early (a refused header): hash the whole file anyway, for the run record.
    const int fd2 = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    Sha256 hash;
    std::uint64_t total = 0;
    if (fd2 >= 0) {
      std::vector<char> buf(1 << 20);
      for (;;) {
        const ssize_t n = ::read(fd2, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        hash.update(buf.data(), static_cast<std::size_t>(n));
        total += static_cast<std::uint64_t>(n);
      }
      ::close(fd2);
    }
    summary.bytes = total;
    summary.sha256 = hash.hex_digest();
  }
  conclude(summary, *stats, run.has_header());
  return summary;
}

}  // namespace rosterd
