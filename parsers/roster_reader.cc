#include "parsers/roster_reader.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <system_error>
#include <thread>

#include "core/poll_progress.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/fccp.h"
#include "parsers/random_access_file.h"
#include "parsers/range_byte_source.h"
#include "parsers/windows1252.h"

namespace rosterd {
namespace {

Discrepancy file_problem(DiscrepancyCode code, std::string detail, std::uint32_t line = 0) {
  Discrepancy d;
  d.code = code;
  d.line = line;
  d.detail = std::move(detail);
  return d;
}

// A file whose lines end with CR alone reads as one line: said as the likely cause of a refusal.
std::string cr_line_ends_cause() {
  return std::string(kLikelyCause) +
         "the file's lines end with a carriage return alone (old Mac line ends), so the whole file "
         "reads as one line. Save or export it with LF or CRLF line ends";
}

std::string first_control_char(std::string_view v) {
  for (char c : v) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\t') || b == 0x7F) return display_safe(std::string_view(&c, 1));
  }
  return {};
}

// Where each field is in a row, from the header.
struct ColumnMap {
  std::array<int, kFieldCount> column_of{};
  std::vector<int> extra_column_of;  // -1: the header lacks it
  std::vector<int> field_of_column;
  std::size_t columns = 0;
};

// What the whole file holds beyond its rows: its hash, size and any NUL byte.
struct FileScan {
  std::string sha256;
  std::uint64_t bytes = 0;
  std::uint64_t nul_bytes = 0;
  std::uint64_t first_nul = 0;
  std::exception_ptr error;
};

FileScan scan_file(const RandomAccessFile& file) {
  FileScan scan;
  try {
    Sha256 hash;
    std::vector<char> buffer(1 << 20);
    for (std::uint64_t offset = 0;;) {
      const std::size_t n = file.read_at(buffer.data(), buffer.size(), offset);
      if (n == 0) break;
      hash.update(buffer.data(), n);
      for (const char* p = buffer.data();
           (p = static_cast<const char*>(
                std::memchr(p, '\0', n - static_cast<std::size_t>(p - buffer.data())))) != nullptr;
           ++p) {
        if (scan.nul_bytes++ == 0)
          scan.first_nul = offset + static_cast<std::uint64_t>(p - buffer.data());
      }
      offset += n;
      scan.bytes = offset;
    }
    scan.sha256 = hash.hex_digest();
  } catch (...) {
    scan.error = std::current_exception();
  }
  return scan;
}

// The header line and where the data starts.
struct HeaderLine {
  std::string text;  // without the line break
  std::uint32_t line = 0;
  std::uint64_t data_offset = 0;
};

constexpr std::size_t kMaxHeaderBytes = 1 << 20;

// Finds the first non-blank line (after a UTF-8 byte order mark). nullopt with no refusal: the
// file holds no such line.
std::optional<HeaderLine> find_header(const RandomAccessFile& file,
                                      std::optional<Discrepancy>& refusal) {
  std::string head(
      static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), kMaxHeaderBytes + 4)), '\0');
  head.resize(file.read_at(head.data(), head.size(), 0));
  std::size_t pos = 0;
  if (head.size() >= 2 &&
      ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'))) {
    refusal = file_problem(DiscrepancyCode::unreadable,
                           "it is UTF-16 text (it starts with a UTF-16 byte order mark)", 1);
    return std::nullopt;
  }
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
  std::uint32_t line = 1;
  while (pos < head.size()) {
    const std::size_t nl = head.find('\n', pos);
    if (nl == std::string::npos && head.size() > kMaxHeaderBytes) {
      std::string why = "its first line is longer than 1 MiB";
      if (head.find('\r', pos) != std::string::npos) why += cr_line_ends_cause();
      refusal = file_problem(DiscrepancyCode::unreadable, why, line);
      return std::nullopt;
    }
    const std::size_t end = nl == std::string::npos ? head.size() : nl;
    std::string_view text(head.data() + pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!trim(text).empty()) {
      return HeaderLine{std::string(text), line, nl == std::string::npos ? file.size() : nl + 1};
    }
    if (nl == std::string::npos) break;
    pos = nl + 1;
    ++line;
  }
  return std::nullopt;
}

// A delimiter, as a person would name it.
std::string delimiter_name(char c) {
  switch (c) {
    case '\t':
      return "tab";
    case ',':
      return "',' (comma)";
    case ';':
      return "';' (semicolon)";
    default:
      return "'" + std::string(1, c) + "'";
  }
}

// When a header lacks a column: what most likely went wrong with the file as a whole, rather
// than with one column (kLikelyCause and a sentence), or "".
std::string likely_header_cause(const RosterFormat& format, const HeaderLine& header,
                                std::size_t columns) {
  if (header.text.find('\r') != std::string::npos) return cr_line_ends_cause();
  if (columns > 1) return "";
  for (char c : {',', ';', '\t', '|'}) {
    if (c == format.delimiter || header.text.find(c) == std::string::npos) continue;
    return std::string(kLikelyCause) + "the file is delimited by " + delimiter_name(c) +
           ", not by the feed's " + delimiter_name(format.delimiter) +
           ", so its header reads as one column. Set format.delimiter to " + delimiter_name(c) +
           ", or export the file with " + delimiter_name(format.delimiter);
  }
  return "";
}

std::optional<ColumnMap> map_header(const RosterFormat& format, const FieldSplitter& splitter,
                                    HeaderLine& header, std::optional<Discrepancy>& refusal) {
  std::vector<std::string_view> fields;
  splitter.split(header.text.data(), fields);
  std::vector<std::string> names;
  for (std::string_view raw : fields) {
    std::string name;
    if (format.encoding == Encoding::windows1252) {
      append_windows1252_as_utf8(name, raw);
    } else if (!is_valid_utf8(raw)) {
      refusal = file_problem(
          DiscrepancyCode::unreadable,
          "its header row is not valid UTF-8 (set format.encoding if the file is windows-1252)",
          header.line);
      return std::nullopt;
    } else {
      name = std::string(raw);
    }
    names.push_back(std::move(name));
  }

  ColumnMap map;
  map.column_of.fill(-1);
  map.field_of_column.assign(names.size(), -1);
  map.columns = names.size();
  std::string missing_others;
  for (Field f : kAllFields) {
    const std::string& wanted = format.columns[field_index(f)];
    if (wanted.empty()) continue;
    int found = -1;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (!iequals(names[j], wanted)) continue;
      if (found >= 0) {
        Discrepancy d = file_problem(DiscrepancyCode::duplicate_column, "", header.line);
        d.field = f;
        d.value = wanted;
        refusal = std::move(d);
        return std::nullopt;
      }
      found = static_cast<int>(j);
    }
    if (found < 0) {
      if (format.optional_columns.test(field_index(f))) continue;
      if (!refusal) {
        Discrepancy d = file_problem(DiscrepancyCode::missing_column, "", header.line);
        d.field = f;
        d.value = wanted;
        refusal = std::move(d);
      } else {
        missing_others += (missing_others.empty() ? "" : ", ") + wanted;
      }
      continue;
    }
    map.column_of[field_index(f)] = found;
    map.field_of_column[static_cast<std::size_t>(found)] = static_cast<int>(field_index(f));
  }
  for (const ExtraColumn& extra : format.extra_columns) {
    int found = -1;
    for (std::size_t j = 0; j < names.size() && found < 0; ++j)
      if (iequals(trim(names[j]), extra.header)) found = static_cast<int>(j);
    map.extra_column_of.push_back(found);
    if (found >= 0 || extra.optional) continue;
    if (!refusal) {
      Discrepancy d = file_problem(DiscrepancyCode::missing_column, "", header.line);
      d.value = extra.header;
      refusal = std::move(d);
    } else {
      missing_others += (missing_others.empty() ? "" : ", ") + extra.header;
    }
  }
  if (refusal) {
    std::string header_text;
    for (std::size_t i = 0; i < names.size() && header_text.size() < 300; ++i) {
      if (i != 0) header_text += format.delimiter;
      header_text += names[i];
    }
    // Lines ended by CR alone: the "header" runs on into the students' rows, which must not be
    // quoted in a report (names, birth dates); it is shown up to its first line end.
    const std::size_t cr = header_text.find('\r');
    if (cr != std::string::npos) header_text.resize(cr);
    if (!missing_others.empty()) refusal->detail += " (also missing: " + missing_others + ")";
    refusal->detail += "; the header row reads \"" + display_safe(header_text) + "\"";
    if (refusal->code == DiscrepancyCode::missing_column)
      refusal->detail += likely_header_cause(format, header, names.size());
    return std::nullopt;
  }
  return map;
}

// Turns the lines of one part into RawRows for its sink.
class RowDecoder {
 public:
  RowDecoder(const RosterFormat& format, const FieldSplitter& splitter, const ColumnMap& map,
             RowSink& sink)
      : format_(format), splitter_(splitter), map_(map), sink_(sink) {}

  void row(char* line, std::uint32_t line_no);
  std::uint32_t rows() const { return rows_; }

 private:
  std::string_view decode(std::string_view raw, std::optional<Field> f);

  const RosterFormat& format_;
  const FieldSplitter& splitter_;
  const ColumnMap& map_;
  RowSink& sink_;
  std::uint32_t rows_ = 0;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  // Each column's decoded value in this row, once decoded (see row()).
  std::vector<std::optional<std::string_view>> decoded_;
  RawRow row_;
};

std::string_view RowDecoder::decode(std::string_view raw, std::optional<Field> f) {
  const auto problem = [&](std::string detail) {
    Discrepancy d;
    d.line = row_.line;
    d.code = DiscrepancyCode::encoding;
    d.field = f;
    d.value = std::string(raw);
    d.detail = std::move(detail);
    row_.problems.push_back(std::move(d));
  };
  const std::string control = first_control_char(raw);
  if (!control.empty()) problem("a control character (" + control + ")");
  if (is_ascii(raw)) return raw;
  if (format_.encoding == Encoding::utf8) {
    if (!is_valid_utf8(raw))
      problem("bytes that are not valid UTF-8 (the feed's format.encoding is utf-8)");
    return raw;
  }
  const std::size_t start = scratch_.size();
  if (!append_windows1252_as_utf8(scratch_, raw)) {
    problem("bytes that windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90 or 0x9D)");
  }
  return std::string_view(scratch_).substr(start);
}

void RowDecoder::row(char* line, std::uint32_t line_no) {
  const SplitResult split = splitter_.split(line, fields_);
  if (fields_.size() == 1 && fields_[0].empty()) return;  // a blank line

  RawRow& row = row_;
  row.line = line_no;
  row.broken = false;
  row.problems.clear();
  row.values.fill(std::string_view());

  if (fields_.size() != map_.columns) {
    Discrepancy d;
    d.line = line_no;
    d.code = DiscrepancyCode::column_count;
    d.detail = std::to_string(fields_.size()) + (fields_.size() == 1 ? " field" : " fields") +
               " where the header has " + std::to_string(map_.columns);
    row.problems.push_back(std::move(d));
    row.broken = true;
  }
  if (split.broken_field) {
    Discrepancy d;
    d.line = line_no;
    d.code = DiscrepancyCode::bad_quote;
    const std::size_t column = *split.broken_field;
    if (column < map_.field_of_column.size() && map_.field_of_column[column] >= 0) {
      d.field = static_cast<Field>(map_.field_of_column[column]);
    }
    row.problems.push_back(std::move(d));
    row.broken = true;
  }

  const bool decode_needed = split.high || split.control;
  if (decode_needed) {
    // Views into scratch_ must stay valid: reserve the worst case (3 UTF-8 bytes a byte) first.
    // The bound holds because each column is decoded once, however many fields and extra
    // columns read it (a OneRoster sourcedId is the state ID and the join key).
    scratch_.clear();
    scratch_.reserve(split.length * 3 + 1);
    decoded_.assign(fields_.size(), std::nullopt);
  }
  const auto decoded = [&](std::size_t column, std::optional<Field> f) {
    if (!decoded_[column]) decoded_[column] = decode(fields_[column], f);
    return *decoded_[column];
  };
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const int column = map_.column_of[i];
    if (column < 0 || static_cast<std::size_t>(column) >= fields_.size()) continue;
    std::string_view v = fields_[static_cast<std::size_t>(column)];
    if (decode_needed && !v.empty())
      v = decoded(static_cast<std::size_t>(column), static_cast<Field>(i));
    row.values[i] = v;
  }
  row.extras.assign(map_.extra_column_of.size(), std::string_view());
  for (std::size_t i = 0; i < map_.extra_column_of.size(); ++i) {
    const int column = map_.extra_column_of[i];
    if (column < 0 || static_cast<std::size_t>(column) >= fields_.size()) continue;
    std::string_view v = fields_[static_cast<std::size_t>(column)];
    if (decode_needed && !v.empty()) v = decoded(static_cast<std::size_t>(column), std::nullopt);
    row.extras[i] = v;
  }
  if (!row.problems.empty()) {
    const std::string_view id = row.values[field_index(Field::state_id)];
    const bool id_ok = is_valid_utf8(id) && first_control_char(id).empty();
    for (Discrepancy& d : row.problems)
      d.student_id = id_ok ? std::string(id) : display_safe(id);
  }
  ++rows_;
  sink_.on_row(row);
}

// The result of one part.
struct PartResult {
  std::uint32_t rows = 0;
  std::optional<Discrepancy> refusal;
  std::exception_ptr error;
};

void read_part(const RandomAccessFile& file, const std::string& name, std::uint64_t begin,
               std::uint64_t end, std::uint32_t first_line, const RosterFormat& format,
               const FieldSplitter& splitter, const ColumnMap& map, RowSink& sink,
               PartResult& result) {
  try {
    io::LineReader lines(name, std::make_unique<RangeByteSource>(file, begin, end));
    lines.set_file_line(first_line - 1);
    RowDecoder decoder(format, splitter, map, sink);
    std::uint32_t since_note = 0;
    while (char* line = lines.next_line()) {
      decoder.row(line, lines.get_file_line());
      if (++since_note == 4096) {  // the poll's watchdog hears of rows parsed
        note_progress();
        since_note = 0;
      }
    }
    result.rows = decoder.rows();
  } catch (const io::error::line_length_limit_exceeded&) {
    result.refusal = file_problem(DiscrepancyCode::unreadable, "a line is longer than 16 MiB");
  } catch (const std::system_error& e) {
    result.refusal = file_problem(DiscrepancyCode::unreadable,
                                  std::string("reading it failed (") + e.what() + ")");
  } catch (...) {
    result.error = std::current_exception();
  }
}

// The offset just after the first '\n' at or after `from`, or the file's end.
std::uint64_t next_line_start(const RandomAccessFile& file, std::uint64_t from) {
  char buffer[64 * 1024];
  while (from < file.size()) {
    const std::size_t n = file.read_at(buffer, sizeof buffer, from);
    if (n == 0) break;
    if (const void* nl = std::memchr(buffer, '\n', n)) {
      return from + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buffer) + 1;
    }
    from += n;
  }
  return file.size();
}

std::uint32_t count_newlines(const RandomAccessFile& file, std::uint64_t begin, std::uint64_t end) {
  std::vector<char> buffer(1 << 20);
  std::uint32_t lines = 0;
  while (begin < end) {
    const std::size_t n = file.read_at(
        buffer.data(),
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - begin)), begin);
    if (n == 0) break;
    for (const char* p = buffer.data();
         (p = static_cast<const char*>(
              std::memchr(p, '\n', n - static_cast<std::size_t>(p - buffer.data())))) != nullptr;
         ++p) {
      ++lines;
    }
    begin += n;
  }
  return lines;
}

}  // namespace

RosterReader::RosterReader(RosterFormat format)
    : format_(std::move(format)), splitter_(format_.delimiter, format_.quote) {}

FileSummary RosterReader::read(std::string name, const RandomAccessFile& file,
                               const std::vector<RowSink*>& sinks) const {
  FileSummary summary;
  summary.name = std::move(name);
  FileScan scan;
  std::thread hasher([&] { scan = scan_file(file); });

  std::vector<PartResult> parts;
  std::exception_ptr error;
  try {
    std::optional<HeaderLine> header = find_header(file, summary.refusal);
    std::optional<ColumnMap> map;
    if (header) map = map_header(format_, splitter_, *header, summary.refusal);
    if (map) {
      // Split the data into parts at line starts.
      const std::uint64_t begin = header->data_offset;
      const std::uint64_t length = file.size() - begin;
      const std::size_t count = static_cast<std::size_t>(std::clamp<std::uint64_t>(
          length / kMinBytesPerPart, 1, std::max<std::size_t>(sinks.size(), 1)));
      std::vector<std::uint64_t> bounds{begin};
      for (std::size_t i = 1; i < count; ++i)
        bounds.push_back(next_line_start(file, begin + length * i / count));
      bounds.push_back(file.size());
      std::vector<std::uint32_t> first_lines{header->line + 1};
      for (std::size_t i = 1; i < count; ++i) {
        first_lines.push_back(first_lines.back() + count_newlines(file, bounds[i - 1], bounds[i]));
      }
      parts.resize(count);
      std::vector<std::thread> threads;
      PollProgress* const progress = current_progress();  // the parts work for the same poll
      for (std::size_t i = 1; i < count; ++i) {
        threads.emplace_back([&, i, progress] {
          const ProgressScope scope(progress);
          read_part(file, summary.name, bounds[i], bounds[i + 1], first_lines[i], format_,
                    splitter_, *map, *sinks[i], parts[i]);
        });
      }
      read_part(file, summary.name, bounds[0], bounds[1], first_lines[0], format_, splitter_, *map,
                *sinks[0], parts[0]);
      for (std::thread& t : threads)
        t.join();
    }
  } catch (...) {
    error = std::current_exception();
  }
  hasher.join();
  if (error) std::rethrow_exception(error);
  for (const PartResult& p : parts) {
    if (p.error) std::rethrow_exception(p.error);
    summary.rows += p.rows;
    if (p.refusal && !summary.refusal) summary.refusal = p.refusal;
  }
  if (scan.error) {
    try {
      std::rethrow_exception(scan.error);
    } catch (const std::exception& e) {
      summary.refusal = file_problem(DiscrepancyCode::unreadable,
                                     std::string("reading it failed (") + e.what() + ")");
    }
  }
  summary.bytes = scan.bytes;
  summary.sha256 = scan.sha256;
  if (scan.nul_bytes != 0) {
    summary.refusal = file_problem(
        DiscrepancyCode::unreadable,
        "it contains " + std::to_string(scan.nul_bytes) + " NUL byte(s), the first at byte " +
            std::to_string(scan.first_nul) + ": it is binary data or UTF-16 text");
  }
  if (summary.refusal) return summary;
  if (parts.empty()) {
    summary.refusal =
        file_problem(DiscrepancyCode::empty_file,
                     summary.bytes == 0 ? " (it is 0 bytes long)" : " (only blank lines)");
  } else if (summary.rows == 0) {
    summary.refusal =
        file_problem(DiscrepancyCode::empty_file, " (a header row, but no student rows)");
  }
  return summary;
}

FileSummary RosterReader::read_file(const std::filesystem::path& path, RowSink& sink) const {
  return read_file(path, std::vector<RowSink*>{&sink});
}

FileSummary RosterReader::read_file(const std::filesystem::path& path,
                                    const std::vector<RowSink*>& sinks) const {
  const RandomAccessFile file = RandomAccessFile::open(path);
  return read(path.filename().string(), file, sinks);
}

FileSummary RosterReader::read_bytes(std::string_view name, std::string_view bytes,
                                     RowSink& sink) const {
  const RandomAccessFile file = RandomAccessFile::from_memory(bytes);
  return read(std::string(name), file, {&sink});
}

}  // namespace rosterd
