// What the district-export integration tests share: the sample sets, a config with one feed,
// `rosterd check` and `suggest-format` run as a user runs them.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/process.h"

namespace rosterd::testing {

inline const std::filesystem::path kExports =
    std::filesystem::path(ROSTERD_SOURCE_DIR) / "tests/data/exports";

inline void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A config with one feed "x" whose `format:` is `format` (YAML flow mapping), with the platform
// grade table K, PK, 01..12 and no campus or diagnosis table.
inline std::filesystem::path write_config(const std::filesystem::path& dir,
                                          const std::string& format,
                                          const std::string& extra = "") {
  write(dir / "ref/grades.txt",
        "Code|Name\nPK|Pre-K\nK|Kindergarten\n01|1\n02|2\n03|3\n04|4\n05|5\n06|6\n07|7\n08|8\n"
        "09|9\n10|10\n11|11\n12|12\n");
  write(dir / "rosterd.yaml", "feeds:\n  x:\n    format: " + format +
                                  "\n    reference:\n"
                                  "      grades: {table: ref/grades.txt}\n" +
                                  extra);
  return dir / "rosterd.yaml";
}

inline nlohmann::json check(const std::filesystem::path& config,
                            const std::filesystem::path& roster, const std::string& as_of,
                            int expected_exit) {
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"check", "--config", config.string(), "--format", "json", "--as-of",
                                as_of, roster.string()});
  INFO(r.err);
  INFO(r.out);
  CHECK(r.exit_status == expected_exit);
  return nlohmann::json::parse(r.out);
}

struct Suggested {
  int exit_status = -1;
  std::string yaml;
};

inline Suggested suggest(const std::filesystem::path& file) {
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"suggest-format", "--as-of", "2026-11-23", file.string()});
  INFO(r.err);
  return {r.exit_status, r.out};
}

// `rosterd check` of `file` with the suggested format as the whole of feed x's configuration
// (no reference tables: codes pass as they are).
inline nlohmann::json check_with(const std::filesystem::path& dir, const Suggested& s,
                                 const std::filesystem::path& file, const std::string& as_of) {
  write(dir / "suggested.yaml", "feeds:\n  x:\n" + s.yaml);
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"check", "--config", (dir / "suggested.yaml").string(), "--format",
                                "json", "--as-of", as_of, file.string()});
  INFO(s.yaml);
  INFO(r.err);
  REQUIRE(r.exit_status <= 1);  // read (clean, or rows with discrepancies), not refused
  return nlohmann::json::parse(r.out);
}

// `rosterd ingest` of `set` with `config`, as JSON; its exit status must be `exit_status`.
inline nlohmann::json ingest(const std::filesystem::path& config, const std::filesystem::path& set,
                             const std::string& as_of, int exit_status) {
  const ProcessResult r = run_process(
      ROSTERD_BIN,
      {"ingest", "--config", config.string(), "--format", "json", "--as-of", as_of, set.string()});
  INFO(r.err);
  INFO(r.out);
  REQUIRE(r.exit_status == exit_status);
  return nlohmann::json::parse(r.out);
}

// The rows of a check's JSON whose severity is error, by line (the last of a line's).
inline std::map<int, nlohmann::json> errors_by_line(const nlohmann::json& j) {
  std::map<int, nlohmann::json> out;
  for (const auto& row : j["rows"])
    if (row["severity"] == "error") out[row["line"].get<int>()] = row;
  return out;
}

// A file's text after an edit; an empty text leaves the file out.
using SampleEdit = std::function<std::string(const std::string& file, std::string text)>;

// A copy of the sample set tests/data/exports/`sample` in `dir`/`name`, each CSV file passed
// through `edit`.
inline std::filesystem::path copy_sample(const std::filesystem::path& dir, const std::string& name,
                                         const std::string& sample, const SampleEdit& edit = {}) {
  const std::filesystem::path to = dir / name;
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator(kExports / sample)) {
    if (e.path().extension() != ".csv") continue;
    std::string text = read_file(e.path());
    const std::string file = e.path().filename().string();
    if (edit) text = edit(file, std::move(text));
    if (text.empty()) continue;  // the edit left the file out
    write(to / file, text);
  }
  return to;
}

// A copy of the public OneRoster 1.1 sample (copy_sample).
inline std::filesystem::path copy_oneroster(const std::filesystem::path& dir,
                                            const std::string& name, const SampleEdit& edit = {}) {
  return copy_sample(dir, name, "oneroster-1.1", edit);
}

inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Zips the files of `folder` into `zip` (under `prefix` inside it) with Python's zipfile.
inline void zip_folder(const std::filesystem::path& folder, const std::filesystem::path& zip,
                       const std::string& prefix = "") {
  const ProcessResult r = run_process(
      "/usr/bin/python3", {"-c",
                           "import os, sys, zipfile\n"
                           "with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                           "    for n in sorted(os.listdir(sys.argv[1])):\n"
                           "        z.write(os.path.join(sys.argv[1], n), sys.argv[3] + n)\n",
                           folder.string(), zip.string(), prefix});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
}

}  // namespace rosterd::testing
