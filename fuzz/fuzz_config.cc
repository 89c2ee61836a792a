// The configuration is validated whole at start-up, and its contract (config/config.h,
// docs/architecture.md "Errors") is that a bad file stops the command with rosterd::Error naming
// the key. Any other exception escaping parse_config would reach run_cli as an unexplained
// failure, so here it is a finding, as is any crash.
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

#include "config/config.h"
#include "core/error.h"
#include "fuzz/exception_name.h"

namespace {

using namespace rosterd;

// The folder relative paths resolve against, holding the files the seeds name: the reference
// tables of conf/ref (so that conf/rosterd.example.yaml loads whole), an opt-out list, and files
// for the key and password settings. One a process, removed at exit.
std::filesystem::path make_base_dir() {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("rosterd-fuzz-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "ref");
  const auto write = [&](const char* name, std::string_view text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("ref/grades.txt",
        "Code|Name\nPK|Pre-Kindergarten\nK|Kindergarten\n01|Grade 1\n02|Grade 2\n03|Grade 3\n"
        "04|Grade 4\n05|Grade 5\n06|Grade 6\n07|Grade 7\n08|Grade 8\n09|Grade 9\n10|Grade 10\n"
        "11|Grade 11\n12|Grade 12\n");
  write("ref/grade_map.txt",
        "DistrictCode|PlatformCode\nKG|K\n1|01\n2|02\n3|03\n4|04\n5|05\n6|06\n7|07\n8|08\n9|09\n");
  write("ref/campuses.txt",
        "Code|Name\n101|Lincoln Elementary\n102|Washington Middle\n103|Roosevelt High\n");
  write("ref/campus_map.txt", "DistrictCode|PlatformCode\nLES|101\nWMS|102\nRHS|103\n");
  write("ref/diagnoses.txt",
        "Code|Name\nAU|Autism\nED|Emotional Disturbance\nID|Intellectual Disability\n"
        "OHI|Other Health Impairment\nSI|Speech or Language Impairment\n"
        "SLD|Specific Learning Disability\n");
  write("ref/diagnosis_map.txt", "DistrictCode|PlatformCode\nAUT|AU\nSPL|SI\nLD|SLD\n");
  write("opted_out.txt", "# state IDs\n1000000001\n");
  write("known_hosts", "");
  write("id_ed25519", "");
  write("secret", "password\n");
  static std::filesystem::path to_remove;
  to_remove = dir;
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(to_remove, ec);
  });
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path base = make_base_dir();
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  try {
    parse_config(yaml, "fuzz.yaml", base);
  } catch (const Error&) {
    // The documented outcome for a bad file.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parse_config let %s escape: %s\n", fuzz::exception_name(e).c_str(),
                 e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "parse_config let a non-std exception escape\n");
    std::abort();
  }
  return 0;
}
