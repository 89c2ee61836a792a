// Benchmark: a whole district's roster (docs/whole-roster.md) checked, first loaded and taken
// again the next night with 1% of each kind changed, into the SQLite store, beside two
// baselines in the same run: `sqlite3 .import` of the same files with a unique index on each
// kind's key (a bare bulk load), and `rosterd check` of the students' file alone. Not a test:
// it prints figures.
//
//   rosterd_bench_whole_roster [--rows N] [--runs K] [--dir DIR] [--no-postgresql]
//
// N students (default 1,000,000) and, as the issue sizes a district, 7% as many staff, 20% as
// many sections, five enrollments a student, a guardian a student and one and a half links a
// student. Targets (issue "The whole roster"): the set of 1,000,000 students checked, planned
// and first committed on this machine with peak RSS <= 1.5 GB, and the next night with 1% of
// each kind changed, against the SQLite and the PostgreSQL stores. PostgreSQL is the test
// harness's throwaway server on loopback (tests/support/postgres_server.h), its baseline `psql
// \copy` of the same files with the same unique indexes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <cctype>
#include <chrono>
#include <cstring>

#include "bench/bench_process.h"
#include "core/text.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

constexpr const char* kAsOf = "2026-09-01";
constexpr int kSchools = 20;

struct Sizes {
  std::size_t students, staff, courses, sections;
  explicit Sizes(std::size_t n)
      : students(n),
        staff(std::max<std::size_t>(n * 7 / 100, 1)),
        courses(std::max<std::size_t>(n / 500, 1)),
        sections(std::max<std::size_t>(n / 5, 5)) {}
};

std::string sid(std::size_t i) {
  return std::to_string(1000000000 + i);
}
std::string campus(std::size_t i) {
  return std::to_string(101 + i % kSchools);
}

// The set in `dir`: students.txt and a file a kind, in the default layout. `night` 2 changes 1%
// of each kind's rows (every 100th): a student's name, a teacher's email, a section's name, an
// enrollment's start date, a guardian's phone, a link's relationship.
void generate(std::size_t n, int night, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const Sizes z(n);
  const auto changed = [&](std::size_t i) { return night == 2 && i % 100 == 0; };
  {
    std::ofstream f(dir / "students.txt");
    f << "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|"
         "DateOfBirth|Grade|CampusID|Diagnoses|Status|ELAScore|MathScore\n";
    for (std::size_t i = 1; i <= z.students; ++i) {
      f << sid(i) << "|L" << i << "|" << (changed(i) ? "Eve" : "Ava") << "||Lee" << i << "|2015-03-"
        << (10 + i % 18) << "|05|" << campus(i) << "||A||\n";
    }
  }
  {
    std::ofstream f(dir / "staff.txt");
    f << "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n";
    for (std::size_t t = 0; t < z.staff; ++t) {
      f << "T" << t << "||Jo|Park" << t << "|" << (changed(t) ? "new" : "t") << t
        << "@district.org||teacher|" << campus(t) << "|A\n";
    }
  }
  {
    std::ofstream f(dir / "courses.txt");
    f << "CourseCode|Name|CampusID|Grades|Subject\n";
    for (std::size_t c = 0; c < z.courses; ++c)
      f << "C" << c << "|Course " << c << "|" << campus(c) << "|05|Math\n";
  }
  {
    std::ofstream f(dir / "terms.txt");
    f << "TermID|Name|StartDate|EndDate|ParentTermID\n"
         "Y26|2026-27|2026-08-15|2027-06-01|\n"
         "F26|Fall|2026-08-15|2026-12-18|Y26\n"
         "S27|Spring|2027-01-05|2027-06-01|Y26\n";
  }
  {
    std::ofstream f(dir / "sections.txt");
    f << "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n";
    for (std::size_t s = 0; s < z.sections; ++s) {
      f << "SEC" << s << "|" << campus(s) << "|C" << s % z.courses << "|Y26|"
        << (changed(s) ? "Renamed " : "Section ") << s << "|" << s % 8 + 1 << "|T" << s % z.staff
        << "|A\n";
    }
  }
  {
    std::ofstream f(dir / "enrollments.txt");
    f << "SectionID|PersonID|Role|StartDate|EndDate\n";
    std::size_t e = 0;
    for (std::size_t i = 1; i <= z.students; ++i) {
      for (std::size_t k = 0; k < 5; ++k, ++e) {
        f << "SEC" << (i * 5 + k) % z.sections << "|" << sid(i) << "|student|"
          << (changed(e) ? "2026-09-01" : "") << "|\n";
      }
    }
  }
  {
    std::ofstream g(dir / "guardians.txt");
    std::ofstream l(dir / "guardian_links.txt");
    g << "GuardianID|FirstName|LastName|Email|Phone|Status\n";
    l << "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n";
    std::size_t link = 0;
    for (std::size_t i = 1; i <= z.students; ++i) {
      g << "G" << i << "|Pat|Lee" << i << "|pat" << i << "@example.org|555"
        << (changed(i) ? 9000000 : 1000000) + i % 1000000 << "|A\n";
      l << "G" << i << "|" << sid(i) << "|" << (changed(link++) ? "aunt" : "mother") << "|Y|Y\n";
      if (i % 2 == 0 && i < z.students) {
        l << "G" << i + 1 << "|" << sid(i) << "|" << (changed(link++) ? "uncle" : "father")
          << "|N|Y\n";
      }
    }
  }
}

std::filesystem::path write_config(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "ref");
  std::ofstream(dir / "ref/grades.txt") << "Code|Name\n05|5\n";
  {
    std::ofstream c(dir / "ref/campuses.txt");
    c << "Code|Name\n";
    for (int s = 0; s < kSchools; ++s)
      c << 101 + s << "|School " << s << "\n";
  }
  const std::string feed =
      "    mode: live\n"
      "    reference:\n      grades: {table: ref/grades.txt}\n"
      "      campuses: {table: ref/campuses.txt}\n";
  std::ofstream(dir / "rosterd.yaml")
      << "store: {sqlite: roster.db}\nfeeds:\n  w:\n"
      << feed
      << "    kinds: {staff: {}, courses: {}, terms: {}, sections: {}, enrollments: {}, "
         "guardians: {}, guardian_links: {}}\n"
      << "  s:\n"
      << feed;
  return dir / "rosterd.yaml";
}

// The kinds' files and each one's key columns, for the baselines.
const std::vector<std::pair<std::string, std::string>>& baseline_keys() {
  static const std::vector<std::pair<std::string, std::string>> keys = {
      {"students", "StudentStateID"}, {"staff", "StaffID"},
      {"courses", "CourseCode"},      {"terms", "TermID"},
      {"sections", "SectionID"},      {"enrollments", "SectionID, PersonID, Role"},
      {"guardians", "GuardianID"},    {"guardian_links", "GuardianID, StudentStateID"}};
  return keys;
}

// The PostgreSQL runs: the baseline (`psql \copy` of each file into a table of text columns,
// then a unique index on its key), a first load and a next night (after VACUUM ANALYZE, not
// timed, as autovacuum would leave the store). Each the best of `runs`; false on a failure.
bool measure_postgresql(const std::filesystem::path& dir, int runs, bench::Measured& baseline,
                        bench::Measured& first, bench::Measured& next) {
  testing::PostgresServer& server = testing::shared_postgres_server();
  std::vector<std::string> copy;
  for (const auto& [table, key] : baseline_keys()) {
    const auto file = dir / "night1" / (table + ".txt");
    std::string header;
    std::getline(std::ifstream(file), header);
    std::string columns;
    for (std::string_view c : split(header, '|')) {
      // Quoted ("Primary" is a reserved word) and in lower case, as the unquoted keys fold.
      std::string name(c);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      columns += (columns.empty() ? "\"" : ", \"") + name + "\" text";
    }
    copy.insert(copy.end(),
                {"-c", "CREATE TABLE " + table + " (" + columns + ")", "-c",
                 "\\copy " + table + " FROM '" + file.string() +
                     "' WITH (FORMAT csv, DELIMITER '|', HEADER true)",
                 "-c", "CREATE UNIQUE INDEX " + table + "_key ON " + table + "(" + key + ")"});
  }
  std::ifstream in(dir / "rosterd.yaml");
  std::stringstream text;
  text << in.rdbuf();
  for (int r = 0; r < runs; ++r) {
    const std::string base_db = server.create_database();
    const auto start = std::chrono::steady_clock::now();
    const auto copied = server.run_psql(base_db, copy);
    bench::Measured b;
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    b.exit_status = copied.exit_status;
    if (copied.exit_status != 0) {
      std::fprintf(stderr, "bench: psql failed: %s\n", copied.err.c_str());
      return false;
    }
    keep_best(baseline, b);
    server.run_psql("rosterd", {"-c", "DROP DATABASE " + base_db});

    const std::string db = server.create_database();
    std::string yaml = text.str();
    const std::string sqlite = "store: {sqlite: roster.db}";
    yaml.replace(yaml.find(sqlite), sqlite.size(),
                 "store: {postgresql: {conninfo: \"" + server.conninfo(db) +
                     "\", password_file: " + server.password_file().string() + "}}");
    const auto config = dir / "rosterd-postgresql.yaml";
    std::ofstream(config) << yaml;
    const auto ingest = [&](const char* night) {
      return bench::measure({ROSTERD_BIN, "ingest", "--config", config.string(), "--feed", "w",
                             "--as-of", kAsOf, (dir / night).string()});
    };
    const bench::Measured a = ingest("night1");
    server.run_psql(db, {"-c", "VACUUM ANALYZE"});
    const bench::Measured n = ingest("night2");
    server.run_psql("rosterd", {"-c", "DROP DATABASE " + db});
    if (a.exit_status > 1 || n.exit_status > 1) {
      std::fprintf(stderr,
                   "bench: rosterd ingest into PostgreSQL exit statuses: first %d, next %d\n",
                   a.exit_status, n.exit_status);
      return false;
    }
    keep_best(first, a);
    keep_best(next, n);
  }
  return true;
}

void print(const char* name, const bench::Measured& m) {
  std::printf("%-52s %8.2f s %10.1f MB peak RSS\n", name, m.seconds,
              static_cast<double>(m.peak_rss_kib) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--generate") {
    // Written by a child, so that the measuring parent's peak RSS stays its own.
    generate(std::stoul(argv[2]), std::stoi(argv[3]), argv[4]);
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {});
  bool postgresql = true;
  for (int i = 1; i < argc; ++i)
    postgresql = postgresql && std::strcmp(argv[i], "--no-postgresql") != 0;
  testing::TempDir tmp;
  const std::filesystem::path dir = opt.dir.empty() ? tmp.path() : std::filesystem::path(opt.dir);
  const auto config = write_config(dir);
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  bench::measure({self, "--generate", std::to_string(opt.rows), "1", (dir / "night1").string()});
  bench::measure({self, "--generate", std::to_string(opt.rows), "2", (dir / "night2").string()});
  std::uintmax_t bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "night1"))
    bytes += e.file_size();
  const Sizes z(opt.rows);
  std::printf(
      "set: %s students, %s staff, %s courses, %s sections, %s enrollments, %s guardians, "
      "%s links; %.1f MB; best of %d runs each\n\n",
      group_thousands(z.students).c_str(), group_thousands(z.staff).c_str(),
      group_thousands(z.courses).c_str(), group_thousands(z.sections).c_str(),
      group_thousands(z.students * 5).c_str(), group_thousands(z.students).c_str(),
      group_thousands(z.students + (z.students - 1) / 2).c_str(), static_cast<double>(bytes) / 1e6,
      opt.runs);

  const auto db = dir / "roster.db";
  const auto remove_store = [&] { bench::remove_sqlite(db.string()); };
  using bench::keep_best;
  const auto rosterd = [&](const char* command, const char* feed,
                           const std::filesystem::path& what) {
    return bench::measure({ROSTERD_BIN, command, "--config", config.string(), "--feed", feed,
                           "--as-of", kAsOf, what.string()});
  };
  // The baseline: each file imported into a table and indexed on its kind's key.
  std::vector<std::string> import = {"/usr/bin/sqlite3", (dir / "baseline.db").string(),
                                     ".separator |"};
  for (const auto& [table, key] : baseline_keys()) {
    import.push_back(".import " + (dir / "night1" / (table + ".txt")).string() + " " + table);
    import.push_back("CREATE UNIQUE INDEX " + table + "_key ON " + table + "(" + key + ");");
  }
  bench::Measured baseline, check_students, check_whole, first, next;
  for (int r = 0; r < opt.runs; ++r) {
    std::filesystem::remove(dir / "baseline.db");
    keep_best(baseline, bench::measure(import));
    keep_best(check_students, rosterd("check", "s", dir / "night1" / "students.txt"));
    keep_best(check_whole, rosterd("check", "w", dir / "night1"));
    remove_store();
    keep_best(first, rosterd("ingest", "w", dir / "night1"));
  }
  bench::measure({"/usr/bin/sqlite3", db.string(), "PRAGMA wal_checkpoint(TRUNCATE);"});
  std::filesystem::copy_file(db, dir / "after-first.db",
                             std::filesystem::copy_options::overwrite_existing);
  for (int r = 0; r < opt.runs; ++r) {
    remove_store();
    std::filesystem::copy_file(dir / "after-first.db", db);
    keep_best(next, rosterd("ingest", "w", dir / "night2"));
  }
  // check exits 1 when it reports discrepancies; ingest 1 when it commits with some.
  const auto ok = [](const bench::Measured& m) { return m.exit_status == 0 || m.exit_status == 1; };
  if (!ok(baseline) || !ok(check_students) || !ok(check_whole) || !ok(first) || !ok(next)) {
    std::fprintf(stderr,
                 "bench: exit statuses: sqlite3 %d, check students %d, check whole %d, first %d, "
                 "next %d\n",
                 baseline.exit_status, check_students.exit_status, check_whole.exit_status,
                 first.exit_status, next.exit_status);
    return 1;
  }
  print("sqlite3 .import + unique key indexes (baseline)", baseline);
  print("rosterd check, the students' file alone (baseline)", check_students);
  print("rosterd check, the whole set", check_whole);
  print("rosterd ingest, first load (empty store)", first);
  print("rosterd ingest, next night (1% of each kind)", next);
  const double rss = static_cast<double>(std::max(
                         {check_whole.peak_rss_kib, first.peak_rss_kib, next.peak_rss_kib})) /
                     1024.0;
  std::printf("\nwhole check / students' check: %.2fx\n",
              check_whole.seconds / check_students.seconds);
  std::printf("first load / sqlite3 import: %.2fx\n", first.seconds / baseline.seconds);
  std::printf("next night / first load: %.2fx\n", next.seconds / first.seconds);
  std::printf("peak RSS: %.1f MB (target <= 1536 MB: %s)\n", rss, rss <= 1536 ? "met" : "NOT met");
  if (!postgresql) return 0;

  bench::Measured pg_baseline, pg_first, pg_next;
  if (!measure_postgresql(dir, opt.runs, pg_baseline, pg_first, pg_next)) return 1;
  std::printf("\nPostgreSQL 15 on loopback (the test harness's server, fsync off):\n");
  print("psql \\copy + unique key indexes (baseline)", pg_baseline);
  print("rosterd ingest, first load (empty store)", pg_first);
  print("rosterd ingest, next night (1% of each kind)", pg_next);
  std::printf("\nfirst load / psql copy: %.2fx\n", pg_first.seconds / pg_baseline.seconds);
  std::printf("next night / first load: %.2fx\n", pg_next.seconds / pg_first.seconds);
  std::printf(
      "peak RSS: %.1f MB (target <= 1536 MB: %s)\n",
      static_cast<double>(std::max(pg_first.peak_rss_kib, pg_next.peak_rss_kib)) / 1024.0,
      std::max(pg_first.peak_rss_kib, pg_next.peak_rss_kib) <= 1536 * 1024 ? "met" : "NOT met");
  return 0;
}
