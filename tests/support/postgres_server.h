// A real, throwaway PostgreSQL server for tests and benchmarks (Debian's postgresql package): a
// fresh cluster (initdb) in its own folder, on a free loopback port, tuned for speed rather than
// durability (fsync off), with a login role `rosterd` and a database `rosterd` it owns. Nothing is
// installed and no system service is used; the folder is removed afterwards unless
// ROSTERD_KEEP_TEST_DIRS is set.
//
// initdb and postgres refuse to run as root, so when the tests run as root the cluster belongs to
// the `postgres` system user (the package creates it) and every server-side program is run as that
// user; otherwise everything runs as the current user.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace rosterd::testing {

class PostgresServer {
 public:
  // Creates the cluster (initdb), starts the server and creates the `rosterd` role and database.
  // Throws std::runtime_error (with the end of the server's log when it would not start) when
  // PostgreSQL is not installed or any step fails; nothing is left running or on disk then.
  //
  // The server process is a child of the calling thread and is told to shut down when that
  // thread ends (so a crashed test program leaves no server behind): construct it on a thread
  // that outlives it (the main thread; shared_postgres_server() from a test case is fine).
  PostgresServer();
  // Stops the server at once (an immediate shutdown: nothing to keep) and removes its folder.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The loopback TCP port; it stays the same across stop() and start().
  int port() const { return port_; }
  // The `rosterd` role's password: tests that pass it by other means than password_file().
  std::string password() const { return password_; }
  // A libpq connection string for `db` as the `rosterd` role over TCP, without the password, as a
  // configuration would hold it (the password travels separately: password_file(), PGPASSWORD).
  std::string conninfo(const std::string& db = "rosterd") const;
  // A file holding just the `rosterd` password and a newline, mode 0600 and owned by the user
  // running the tests, as a configuration's password_file would name it.
  std::filesystem::path password_file() const { return dir_ / "rosterd.password"; }
  // The server's log (its stderr): tests that check what the server saw, or explain a failure.
  std::filesystem::path log_file() const { return dir_ / "server.log"; }

  // A new, empty database owned by `rosterd` with a name never used before on this server, so
  // that tests sharing one server do not see each other's tables; returns its name.
  std::string create_database();

  // A second login role (the `rosterd` password, no membership of `rosterd`) allowed to read
  // and write `db`'s tables, as a person running rosterd commands under their own database
  // account would be; returns its conninfo, like conninfo(). Sessions of the two roles do not
  // see each other's statistics in pg_stat_activity.
  std::string add_role(const std::string& db, const std::string& role) const;

  // Shuts the server down at once (SIGQUIT, as `pg_ctl stop -m immediate`): clients lose their
  // connections as if the server crashed. Does nothing when it is not running.
  void stop();
  // Starts the server again on the same port and data (after crash recovery when stop() was
  // used); returns once it accepts connections. Throws as the constructor does.
  void start();
  // True while the server process runs.
  bool running() const { return pid_ > 0; }

  // Ends (pg_terminate_backend) every client connection to `db` and waits until they are gone:
  // the server dropping its clients while it keeps running (an administrator, a failover).
  void terminate_connections(const std::string& db);

  // Path of the psql client that matches the server.
  std::filesystem::path psql() const;
  // Runs psql on `db` as `rosterd` over TCP (the password in PGPASSWORD, never on the command
  // line) with -X -q -w -v ON_ERROR_STOP=1 and then `args` (e.g. {"-At", "-c", "SELECT 1"}), as
  // the user running the tests: checks the store's tables from the outside. PG* variables of
  // the environment (PGHOST, PGUSER...) are not passed on: they would point psql elsewhere.
  ProcessResult run_psql(const std::string& db, const std::vector<std::string>& args) const;

 private:
  // Runs `sql` as the cluster's superuser over the Unix socket; its output (unaligned, tuples
  // only). Throws with psql's error when it fails.
  std::string admin_sql(const std::string& sql, const std::string& db = "postgres") const;
  void init_cluster();

  std::filesystem::path bin_;
  std::filesystem::path dir_;  // ours: the data folder, its socket folder, log and password files
  int port_ = 0;
  int pid_ = -1;        // the postmaster, our child
  int owner_pid_ = -1;  // the process that started it: a forked child must not stop it
  std::string password_;
  std::string superuser_password_;
  std::atomic<int> databases_created_{0};
};

// Debian's PostgreSQL programs (/usr/lib/postgresql/<version>/bin) of the highest version
// installed; empty when PostgreSQL is not installed (tests then say what to install).
std::filesystem::path postgres_bin_dir();

// One server shared by a whole test program, started on first use and stopped at exit (initdb
// costs about a second, too much for every test): tests take a fresh database each with
// create_database().
PostgresServer& shared_postgres_server();

}  // namespace rosterd::testing
