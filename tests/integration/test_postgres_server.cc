// Self-check of the PostgreSQL test server (tests/support/postgres_server.h): it starts as the
// tests' user or as `postgres` under root, hands out isolated databases, answers psql with the
// `rosterd` password only, survives stop()/start() with its data, and drops clients on demand.
#include <doctest/doctest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/support/files.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

// psql's unaligned, tuples-only output of `sql` on `db`; fails the test when psql fails.
std::string query(const PostgresServer& pg, const std::string& db, const std::string& sql) {
  const ProcessResult r = pg.run_psql(db, {"-At", "-c", sql});
  INFO("psql: " << r.err);
  REQUIRE(r.exit_status == 0);
  return r.out;
}

// A psql session held open on `db` (a sleeping query), as a connected client; its pid.
int start_sleeping_client(const PostgresServer& pg, const std::string& db,
                          const std::filesystem::path& log) {
  return start_process(pg.psql().string(),
                       {"-X", "-q", "-w", "-d", pg.conninfo(db), "-c", "SELECT pg_sleep(60)"},
                       {"PGPASSWORD=" + pg.password()}, log.string());
}

// Waits until `count` client sessions of `rosterd` are connected to `db`.
bool wait_for_clients(const PostgresServer& pg, const std::string& db, int count) {
  const std::string sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db +
                          "' AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
  for (int i = 0; i < 500; ++i) {
    if (query(pg, db, sql) == std::to_string(count) + "\n") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("postgres server: Debian's binaries are found") {
  const std::filesystem::path bin = postgres_bin_dir();
  REQUIRE_FALSE(bin.empty());
  CHECK(bin.filename() == "bin");
  CHECK(::access((bin / "psql").c_str(), X_OK) == 0);
}

TEST_CASE("postgres server: a fresh server starts, with a rosterd role and database") {
  const auto t0 = std::chrono::steady_clock::now();
  PostgresServer pg;
  const auto started = std::chrono::steady_clock::now();
  const std::string db = pg.create_database();
  const auto created = std::chrono::steady_clock::now();
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  MESSAGE("server ready (initdb + start + role + database) in "
          << ms(started - t0) << " ms; create_database in " << ms(created - started) << " ms");

  CHECK(pg.port() > 0);
  CHECK(query(pg, "rosterd", "SELECT 1") == "1\n");
  CHECK(query(pg, "rosterd", "SELECT current_user || ' ' || current_database()") ==
        "rosterd rosterd\n");
  CHECK(query(pg, db,
              "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + db + "'") ==
        "rosterd\n");
  CHECK(query(pg, "rosterd", "SHOW server_version_num").substr(0, 2) >= "15");
  CHECK(query(pg, "rosterd", "SHOW server_encoding") == "UTF8\n");
  CHECK(query(pg, "rosterd", "SHOW fsync") == "off\n");
  CHECK(query(pg, "rosterd", "SHOW listen_addresses") == "127.0.0.1\n");
  // The server runs as `postgres` under root (initdb refuses root), else as us.
  struct stat st {};
  REQUIRE(::stat(pg.log_file().c_str(), &st) == 0);
  const passwd* postgres = ::getpwnam("postgres");
  CHECK(st.st_uid == (::geteuid() == 0 && postgres != nullptr ? postgres->pw_uid : ::geteuid()));
}

TEST_CASE("postgres server: the password is needed and kept out of the conninfo") {
  PostgresServer& pg = shared_postgres_server();
  CHECK(pg.conninfo() ==
        "host=127.0.0.1 port=" + std::to_string(pg.port()) + " dbname=rosterd user=rosterd");
  CHECK(pg.conninfo().find(pg.password()) == std::string::npos);
  CHECK(pg.conninfo("other").find("dbname=other ") != std::string::npos);

  CHECK(read_file(pg.password_file()) == pg.password() + "\n");
  struct stat st {};
  REQUIRE(::stat(pg.password_file().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_uid == ::geteuid());

  // Without PGPASSWORD, or with a wrong one, psql is refused (and does not prompt: -w).
  TempDir tmp;
  const ProcessResult none =
      run_process(pg.psql().string(), {"-X", "-w", "-d", pg.conninfo(), "-c", "SELECT 1"});
  CHECK(none.exit_status != 0);
  const int pid =
      start_process(pg.psql().string(), {"-X", "-w", "-d", pg.conninfo(), "-c", "SELECT 1"},
                    {"PGPASSWORD=wrong"}, (tmp / "wrong.log").string());
  CHECK(wait_process(pid, 10000) == 2);
  CHECK(read_file(tmp / "wrong.log").find("password authentication failed") != std::string::npos);
}

TEST_CASE("postgres server: each test gets its own database") {
  PostgresServer& pg = shared_postgres_server();
  const std::string a = pg.create_database();
  const std::string b = pg.create_database();
  CHECK(a != b);
  query(pg, a, "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)");
  CHECK(query(pg, a, "SELECT count(*) FROM t") == "2\n");
  const ProcessResult r = pg.run_psql(b, {"-At", "-c", "SELECT count(*) FROM t"});
  CHECK(r.exit_status != 0);
  CHECK(r.err.find("does not exist") != std::string::npos);
  // ON_ERROR_STOP: the first error ends psql, the later commands do not run.
  const ProcessResult stop =
      pg.run_psql(b, {"-c", "SELECT nonsense", "-c", "CREATE TABLE never (x int)"});
  CHECK(stop.exit_status == 1);
  CHECK(query(pg, b, "SELECT count(*) FROM pg_tables WHERE tablename = 'never'") == "0\n");
}

TEST_CASE("postgres server: stop and start keep the port and the data") {
  PostgresServer& pg = shared_postgres_server();
  const std::string db = pg.create_database();
  query(pg, db, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
  const int port = pg.port();

  TempDir tmp;
  const int client = start_sleeping_client(pg, db, tmp / "client.log");
  REQUIRE(wait_for_clients(pg, db, 1));
  pg.stop();
  CHECK_FALSE(pg.running());
  CHECK(wait_process(client, 10000) == 2);  // the connection was lost
  CHECK(pg.run_psql(db, {"-c", "SELECT 1"}).exit_status != 0);

  const auto t0 = std::chrono::steady_clock::now();
  pg.start();
  MESSAGE("restart after an immediate stop (crash recovery) in "
          << std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - t0)
                 .count()
          << " ms");
  CHECK(pg.running());
  CHECK(pg.port() == port);
  CHECK(query(pg, db, "SELECT x FROM kept") == "42\n");
}

TEST_CASE("postgres server: terminate_connections drops the clients of one database only") {
  PostgresServer& pg = shared_postgres_server();
  const std::string a = pg.create_database();
  const std::string b = pg.create_database();
  TempDir tmp;
  const int on_a1 = start_sleeping_client(pg, a, tmp / "a1.log");
  const int on_a2 = start_sleeping_client(pg, a, tmp / "a2.log");
  const int on_b = start_sleeping_client(pg, b, tmp / "b.log");
  REQUIRE(wait_for_clients(pg, a, 2));
  REQUIRE(wait_for_clients(pg, b, 1));

  pg.terminate_connections(a);
  CHECK(wait_process(on_a1, 10000) == 2);
  CHECK(wait_process(on_a2, 10000) == 2);
  CHECK(read_file(tmp / "a1.log").find("terminat") != std::string::npos);
  CHECK(wait_for_clients(pg, a, 0));
  CHECK(wait_for_clients(pg, b, 1));
  CHECK(kill_process(on_b));  // still connected, until we end it
  CHECK(query(pg, a, "SELECT 1") == "1\n");
}

TEST_CASE("postgres server: one shared server per program") {
  CHECK(&shared_postgres_server() == &shared_postgres_server());
  CHECK(shared_postgres_server().running());
}
