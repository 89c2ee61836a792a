// Benchmark: `rosterd check` of a OneRoster 1.1 set (users.csv with teachers among the
// students, demographics.csv, orgs.csv, manifest.csv) against two baselines over the same
// students in the same run: a bare fast-cpp-csv-parser loop over users.csv, and `rosterd check`
// of the same students as one file in rosterd's default layout. Not a test: it prints.
//
//   rosterd_bench_set [--rows N] [--runs K] [--dir DIR]
//
// Each program runs as its own process; the figure is the best wall time of K runs, with the
// peak RSS from wait4.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_process.h"
#include "core/text.h"
#include "parsers/fccp.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

constexpr const char* kAsOf = "2026-11-23";
constexpr int kSchools = 20;

// users.csv as a bare loop reads it: eight of its columns by name, as char*.
int bare_loop(const char* path) {
  io::CSVReader<8, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>> in(path);
  in.read_header(io::ignore_extra_column, "sourcedId", "status", "orgSourcedIds", "role",
                 "givenName", "familyName", "middleName", "grades");
  char *a = nullptr, *b = nullptr, *c = nullptr, *d = nullptr, *e = nullptr, *f = nullptr,
       *g = nullptr, *h = nullptr;
  unsigned long rows = 0, bytes = 0;
  while (in.read_row(a, b, c, d, e, f, g, h)) {
    ++rows;
    bytes += std::strlen(a) + std::strlen(h);
  }
  std::printf("%lu %lu\n", rows, bytes);
  return rows > 0 ? 0 : 1;
}

// The set in `dir`/set and the same students as one file, `dir`/one.txt: `students` students
// and one teacher per 20, each student in one of kSchools schools, grade 01 to 12 with a birth
// date that fits it.
void generate(std::size_t students, const std::filesystem::path& dir) {
  const std::filesystem::path set = dir / "set";
  std::filesystem::create_directories(set);
  std::ofstream manifest(set / "manifest.csv"), users(set / "users.csv"),
      demographics(set / "demographics.csv"), orgs(set / "orgs.csv"), one(dir / "one.txt");
  manifest << "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
              "file.users,bulk\nfile.orgs,bulk\nfile.demographics,bulk\n";
  orgs << "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
          "d1,,,Bench ISD,district,,\n";
  for (int s = 0; s < kSchools; ++s)
    orgs << "s" << s << ",,,School " << s << ",school,,"
         << "d1\n";
  users << "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
           "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
           "password\n";
  demographics << "sourcedId,status,dateLastModified,birthDate,sex\n";
  one << "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|"
         "DateOfBirth|Grade|CampusID|Diagnoses|Status|ELAScore|MathScore\n";
  char grade[3], birth[11];
  for (std::size_t i = 0; i < students; ++i) {
    const int g = 1 + static_cast<int>(i % 12);
    std::snprintf(grade, sizeof grade, "%02d", g);
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", 2026 - 6 - g, 1 + static_cast<int>(i % 12),
                  1 + static_cast<int>(i % 28));
    const std::string id = std::to_string(1000000000 + i);
    const std::string school = "s" + std::to_string(i % kSchools);
    const std::string first = "First" + std::to_string(i % 9973);
    const std::string last = "Last" + std::to_string(i / 7);
    users << id << ",,,true," << school << ",student,u" << id << ",{Local:" << id << "}," << first
          << "," << last << ",,L" << id << ",u" << id << "@bench.example,,,," << grade << ",\n";
    demographics << id << ",,," << birth << ",female\n";
    one << id << "|L" << id << "|" << first << "||" << last << "|" << birth << "|" << grade << "|"
        << school << "||A||\n";
    if (i % 20 == 0)
      users << "t" << i << ",,,true," << school << ",teacher,t" << i << ",,T,Teacher,,,,,,,,\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--bare") return bare_loop(argv[2]);
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    // A child writes the files: the measuring parent must never hold them (posix_spawn's child
    // inherits its parent's peak RSS).
    generate(std::stoul(argv[2]), argv[3]);
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {});
  testing::TempDir tmp;
  const std::filesystem::path dir = opt.dir.empty() ? tmp.path() : std::filesystem::path(opt.dir);
  std::filesystem::create_directories(dir);
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  bench::measure({self, "--generate", std::to_string(opt.rows), dir.string()});
  {
    std::ofstream config(dir / "rosterd.yaml");
    config << "feeds:\n  set:\n    format: {preset: oneroster-1.1}\n"
              "  one:\n    format: {}\n";
  }
  std::uintmax_t set_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "set"))
    set_bytes += e.file_size();
  const double set_mb = static_cast<double>(set_bytes) / 1e6;
  const double one_mb = static_cast<double>(std::filesystem::file_size(dir / "one.txt")) / 1e6;
  std::printf(
      "students: %s; the set %.1f MB (users.csv %.1f MB, with one teacher per 20), the "
      "one file %.1f MB\n",
      group_thousands(opt.rows).c_str(), set_mb,
      static_cast<double>(std::filesystem::file_size(dir / "set/users.csv")) / 1e6, one_mb);
  std::printf("best of %d runs each; wall time of the whole process, peak RSS from wait4\n\n",
              opt.runs);
  const bench::Best bare =
      bench::best_of(opt.runs, {self, "--bare", (dir / "set/users.csv").string()});
  const auto check = [&](const char* feed, const std::filesystem::path& what) {
    return bench::best_of(
        opt.runs, {ROSTERD_BIN, "check", "--config", (dir / "rosterd.yaml").string(), "--feed",
                   feed, "--format", "json", "--as-of", kAsOf, "--threads", "2", what.string()});
  };
  const bench::Best one = check("one", dir / "one.txt");
  const bench::Best set = check("set", dir / "set");
  const auto line = [&](const char* name, const bench::Best& b) {
    std::printf(
        "%-40s %8.3f s %12s students/s %8.1f MB peak RSS\n", name, b.seconds,
        group_thousands(static_cast<unsigned long long>(static_cast<double>(opt.rows) / b.seconds))
            .c_str(),
        static_cast<double>(b.rss_kib) / 1024.0);
  };
  line("bare fccp loop over users.csv", bare);
  line("rosterd check, the same students, 1 file", one);
  line("rosterd check, the OneRoster set", set);
  std::printf("\nthroughput ratio set/bare users.csv: %.2f; set/one file: %.2f\n",
              bare.seconds / set.seconds, one.seconds / set.seconds);
  return 0;
}
