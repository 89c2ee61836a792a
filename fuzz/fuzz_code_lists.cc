// Reference tables and code maps are edited by hand (often in a spreadsheet): any bytes must be
// read as pairs or refused with ConfigError naming the file and line (parsers/code_list_reader.h),
// never crash or throw anything else. The readers take a path, so the input is written to a temp
// file first; the same bytes are then read as a table, as a map and as both of a translator.
#include <cxxabi.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"
#include "fuzz/exception_name.h"
#include "parsers/code_list_reader.h"
#include "validators/code_map.h"
#include "validators/code_translator.h"
#include "validators/reference_table.h"

namespace {

using namespace rosterd;

// One a process (libFuzzer may run several at once with -jobs), removed at exit.
const std::filesystem::path& input_path() {
  static const std::filesystem::path path = [] {
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("rosterd-fuzz-code-list-" + std::to_string(::getpid()) + ".txt");
    static std::filesystem::path to_remove;
    to_remove = p;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(to_remove, ec);
    });
    return p;
  }();
  return path;
}

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "code list property violated: %s\n", what);
  std::abort();
}

// What read_code_pairs documents of the pairs it returns.
void check_pairs(const std::vector<CodePair>& pairs) {
  std::uint32_t last_line = 1;  // the header's, at least
  for (const CodePair& p : pairs) {
    require(p.line > last_line, "lines increase after the header");
    last_line = p.line;
    require(!p.first.empty(), "a code is never empty");
    require(trim(p.first) == p.first && trim(p.second) == p.second, "values are trimmed");
    require(is_valid_utf8(p.first) && is_valid_utf8(p.second), "values are UTF-8");
    require(p.first.find('|') == std::string::npos && p.second.find('|') == std::string::npos,
            "values hold no delimiter");
  }
}

// Runs `read`; a ConfigError is the documented way to refuse a file. Returns whether it read.
template <typename Read>
bool reads_or_refuses(Read read) {
  try {
    read();
    return true;
  } catch (const ConfigError&) {
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a code list reader let %s escape: %s\n", fuzz::exception_name(e).c_str(),
                 e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path& path = input_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();  // the fuzzer's own set-up failed, not the code under test
  }
  // Each read allocates fast-cpp-csv-parser's 48 MiB line buffer, which under ASan costs more
  // than the parsing: the table and the map (which read the file again) only when it reads.
  if (!reads_or_refuses([&] { check_pairs(read_code_pairs(path)); })) return 0;
  reads_or_refuses([&] {
    const ReferenceTable table = ReferenceTable::load(path);
    require(table.size() > 0, "a loaded table lists a code");
    const CodeMap map = CodeMap::load(path);
    // The map and the table are the same pairs: the translator refuses the map unless every
    // platform code (second column) is also a code (first column), and otherwise translates.
    const CodeTranslator translator("grade", table, map);
    for (const auto& [district, entry] : map.entries()) {
      const auto platform = translator.translate(district);
      require(platform.has_value() && *platform == entry.platform_code,
              "a mapped code translates to its platform code");
    }
    for (const auto& [code, name] : table.entries()) {
      if (map.find(code) == nullptr) {
        const auto platform = translator.translate(code);
        require(platform.has_value() && *platform == code, "a table code translates to itself");
      }
    }
  });
  return 0;
}
