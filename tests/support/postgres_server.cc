#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "tests/support/files.h"
#include "tests/support/loopback.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace rosterd::testing {
namespace {

// How long the server may take to accept connections (crash recovery included).
constexpr auto kStartTimeout = std::chrono::seconds(30);
// How long an immediate shutdown may take before the postmaster is killed outright.
constexpr auto kStopTimeout = std::chrono::seconds(10);

// The system user that runs initdb, postgres and the superuser's psql: `postgres` when the tests
// run as root (initdb and postgres refuse root), the current user otherwise.
struct Account {
  bool switch_user = false;  // setuid/setgid to uid/gid in the child before exec
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
  std::string home;
};

Account server_account() {
  Account a;
  if (::geteuid() != 0) {
    a.uid = ::geteuid();
    a.gid = ::getegid();
    return a;
  }
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr)
    throw std::runtime_error(
        "PostgreSQL cannot run as root and there is no `postgres` user: run "
        "scripts/install-deps.sh (the postgresql package creates it)");
  a.switch_user = true;
  a.uid = pw->pw_uid;
  a.gid = pw->pw_gid;
  a.name = pw->pw_name;
  a.home = pw->pw_dir;
  return a;
}

// The user running the tests, unchanged: for the clients (run_psql).
Account test_account() {
  Account a;
  a.uid = ::geteuid();
  a.gid = ::getegid();
  return a;
}

// The child's environment: ours without PG* variables (PGHOST, PGDATA, PGPASSFILE... would
// redirect initdb, postgres or psql away from this server), plus `extra`. With a user switch,
// HOME, USER and LOGNAME are the new user's, as a login would set them.
std::vector<std::string> child_env(const Account& account, const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view v(*e);
    if (v.starts_with("PG")) continue;
    if (account.switch_user &&
        (v.starts_with("HOME=") || v.starts_with("USER=") || v.starts_with("LOGNAME=")))
      continue;
    env.emplace_back(v);
  }
  if (account.switch_user) {
    env.push_back("HOME=" + account.home);
    env.push_back("USER=" + account.name);
    env.push_back("LOGNAME=" + account.name);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Writes `text` to stderr from a forked child (no allocation, no stdio: only async-signal-safe
// calls are allowed between fork and exec in a program that may have threads).
[[noreturn]] void child_fail(const char* text) {
  const ssize_t n = ::write(2, text, std::strlen(text));
  (void)n;
  ::_exit(127);
}

// Starts `program` (fork + exec, no shell) as `account` with stdin from /dev/null, stdout and
// stderr to the given descriptors, `env` as its whole environment and `cwd` as its folder (kept
// when empty). No other descriptor of ours leaks into it: the server lives long and must not
// hold a test's sockets or files open. With `die_with_parent`, it gets SIGQUIT (postgres's
// immediate shutdown) when the calling thread ends, so a crashed test leaves no server behind.
pid_t spawn_as(const Account& account, const std::string& program,
               const std::vector<std::string>& args, const std::vector<std::string>& env,
               const std::filesystem::path& cwd, int out_fd, int err_fd, bool die_with_parent) {
  // Everything the child needs is prepared before fork: it must not allocate.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string dir = cwd.string();
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot fork to start " + program);
  if (pid > 0) return pid;

  // The child.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0)
    child_fail("postgres_server: cannot set up stdin/stdout/stderr\n");
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 4096; ++fd)
      ::close(fd);
  }
  if (account.switch_user) {
    // Supplementary groups first (root's would stay otherwise), then the group, then the user:
    // after setuid we could no longer change the others.
    if (::setgroups(1, &account.gid) != 0 || ::setgid(account.gid) != 0 ||
        ::setuid(account.uid) != 0)
      child_fail("postgres_server: cannot switch to the postgres user\n");
  }
  if (die_with_parent) {
    // Set after setuid, which clears it; the parent may have gone already.
    if (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent) ::_exit(1);
  }
  if (!dir.empty() && ::chdir(dir.c_str()) != 0)
    child_fail("postgres_server: cannot enter the server folder\n");
  ::execve(argv[0], argv.data(), envp.data());
  child_fail("postgres_server: cannot execute a PostgreSQL program\n");
}

// Runs `program` as spawn_as() does and waits for it; what it printed, as run_process() does.
ProcessResult run_as(const Account& account, const std::string& program,
                     const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::filesystem::path& cwd) {
  TempDir capture;  // ours (the parent opens the files), whoever the child runs as
  const std::string out_path = (capture / "stdout").string();
  const std::string err_path = (capture / "stderr").string();
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
    throw std::runtime_error("cannot create output files to run " + program);
  }
  pid_t pid = -1;
  try {
    pid = spawn_as(account, program, args, env, cwd, out_fd, err_fd, false);
  } catch (...) {
    ::close(out_fd);
    ::close(err_fd);
    throw;
  }
  ::close(out_fd);
  ::close(err_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProcessResult r;
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// A password of letters and digits: nothing to quote in SQL, a conninfo or a file.
std::string random_password() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kChars - 2);
  std::string out;
  for (int i = 0; i < 24; ++i)
    out += kChars[pick(rd)];
  return out;
}

// `text` as an SQL string literal (standard_conforming_strings is on).
std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// `name` as an SQL identifier: database names are not always plain words.
std::string sql_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The last `count` lines of the server log: why it would not start, in the exception.
std::string log_tail(const std::filesystem::path& log, std::size_t count = 30) {
  std::istringstream in(read_file(log));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

// The folder for one cluster: under /tmp when the server runs as `postgres` (it must be able to
// reach it, and TMPDIR may be under root's home), and whenever TMPDIR is long (a Unix socket
// path must stay under 108 bytes).
std::filesystem::path make_server_dir(const Account& account) {
  std::filesystem::path base = std::filesystem::temp_directory_path();
  if (account.switch_user || base.string().size() > 48) base = "/tmp";
  std::string tmpl = (base / "rosterd-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed in " + base.string());
  if (account.switch_user && ::chown(tmpl.c_str(), account.uid, account.gid) != 0) {
    std::filesystem::remove_all(tmpl);
    throw std::runtime_error("cannot give " + tmpl + " to the postgres user");
  }
  return tmpl;
}

// Writes `text` to a new file of mode 0600 owned by `account`.
void write_private_file(const std::filesystem::path& path, const std::string& text,
                        const Account& account) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fchown(fd, account.uid, account.gid) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::filesystem::path postgres_bin_dir() {
  const std::filesystem::path root = "/usr/lib/postgresql";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return {};
  // Versions are numbers ("15", "16"; "9.6" long ago): compare them as numbers, not as text.
  std::filesystem::path best;
  std::vector<int> best_version;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
    const std::filesystem::path bin = e.path() / "bin";
    if (::access((bin / "initdb").c_str(), X_OK) != 0 ||
        ::access((bin / "postgres").c_str(), X_OK) != 0 ||
        ::access((bin / "psql").c_str(), X_OK) != 0)
      continue;
    std::vector<int> version;
    std::istringstream parts(e.path().filename().string());
    std::string part;
    bool numeric = true;
    while (std::getline(parts, part, '.')) {
      if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) {
        numeric = false;
        break;
      }
      version.push_back(std::stoi(part));
    }
    if (numeric && (best.empty() || version > best_version)) {
      best = bin;
      best_version = version;
    }
  }
  return best;
}

PostgresServer::PostgresServer() : bin_(postgres_bin_dir()), owner_pid_(::getpid()) {
  if (bin_.empty())
    throw std::runtime_error("PostgreSQL is not installed: run scripts/install-deps.sh");
  dir_ = make_server_dir(server_account());
  try {
    init_cluster();
    // A free port is only free until someone takes it: a server that cannot bind it (another
    // test's server took it meanwhile) exits, and starts again on another one.
    for (int attempt = 1;; ++attempt) {
      try {
        start();
        break;
      } catch (const std::runtime_error&) {
        if (attempt == 5) throw;
        port_ = free_loopback_port();
        std::ofstream(dir_ / "data" / "postgresql.conf", std::ios::app)
            << "port = " << port_ << "  # the earlier one was taken\n";
      }
    }
    admin_sql("CREATE ROLE rosterd LOGIN PASSWORD " + sql_literal(password_));
    admin_sql("CREATE DATABASE rosterd OWNER rosterd");
  } catch (...) {
    stop();
    if (std::getenv("ROSTERD_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    throw;
  }
}

PostgresServer::~PostgresServer() {
  if (::getpid() != owner_pid_) return;  // a forked child exiting: the server is not its own
  stop();
  if (std::getenv("ROSTERD_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void PostgresServer::init_cluster() {
  const Account account = server_account();
  const std::filesystem::path socket_dir = dir_ / "socket";
  std::filesystem::create_directory(socket_dir);
  std::filesystem::permissions(socket_dir, std::filesystem::perms::owner_all);
  if (account.switch_user && ::chown(socket_dir.c_str(), account.uid, account.gid) != 0)
    throw std::runtime_error("cannot give " + socket_dir.string() + " to the postgres user");

  password_ = random_password();
  superuser_password_ = random_password();
  write_private_file(password_file(), password_ + "\n", test_account());
  const std::filesystem::path pwfile = dir_ / "superuser.password";
  write_private_file(pwfile, superuser_password_ + "\n", account);

  // Password (SCRAM) logins everywhere, the Unix socket included: the superuser's psql does not
  // depend on the OS user's name matching a role (peer), and wrong passwords are refused over
  // TCP as in production. UTF-8 with code-point collation: deterministic ORDER BY in tests.
  const ProcessResult r =
      run_as(account, (bin_ / "initdb").string(),
             {"-D", (dir_ / "data").string(), "--username=postgres", "--pwfile=" + pwfile.string(),
              "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8",
              "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
             child_env(account, {}), dir_);
  std::filesystem::remove(pwfile);
  if (r.exit_status != 0) throw std::runtime_error("initdb failed: " + r.err + r.out);

  port_ = free_loopback_port();
  // A throwaway server: speed over durability against an OS crash (fsync, full_page_writes off),
  // yet a commit is written before it is acknowledged (synchronous_commit stays on: with fsync
  // off that costs one write(), and without it stop() would lose recently committed work, which
  // tests of connection loss must not see). Later lines of postgresql.conf win over initdb's.
  std::ofstream conf(dir_ / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# rosterd test server (tests/support/postgres_server.cc)\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "port = " << port_ << "\n"
       << "unix_socket_directories = '" << socket_dir.string() << "'\n"
       << "max_connections = 50\n"
       << "fsync = off\n"
       << "synchronous_commit = on\n"
       << "full_page_writes = off\n"
       << "logging_collector = off\n";
  conf.close();
  if (!conf) throw std::runtime_error("cannot write postgresql.conf in " + dir_.string());
}

void PostgresServer::start() {
  if (pid_ > 0) return;
  const Account account = server_account();
  const std::filesystem::path data = dir_ / "data";
  const int log_fd = ::open(log_file().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_file().string());
  if (account.switch_user && ::fchown(log_fd, account.uid, account.gid) != 0) {
    ::close(log_fd);
    throw std::runtime_error("cannot give " + log_file().string() + " to the postgres user");
  }
  try {
    // postgres itself rather than pg_ctl: it stays our child (stop() signals and reaps it, and it
    // dies with us), and readiness is polled more finely than pg_ctl's tenth of a second.
    pid_ = spawn_as(account, (bin_ / "postgres").string(), {"-D", data.string()},
                    child_env(account, {}), dir_, log_fd, log_fd, true);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);

  // Ready when postmaster.pid names our process and its status line (the 8th) says "ready", as
  // pg_ctl -w checks: the port opens earlier, while crash recovery still refuses logins.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  const std::string our_pid = std::to_string(pid_);
  std::string why = "it did not become ready within 30 s";
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why = "it exited with status " +
            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
      break;
    }
    std::istringstream pid_file(read_file(data / "postmaster.pid"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(pid_file, line);)
      lines.push_back(line);
    if (lines.size() >= 8 && lines[0] == our_pid && lines[7].starts_with("ready")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop();
  throw std::runtime_error("PostgreSQL did not start on port " + std::to_string(port_) + " (" +
                           why + "); end of " + log_file().string() + ":\n" + log_tail(log_file()));
}

void PostgresServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGQUIT);  // immediate shutdown: the postmaster ends its backends, then itself
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

std::string PostgresServer::conninfo(const std::string& db) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + db + " user=rosterd";
}

std::string PostgresServer::create_database() {
  const std::string name = "rosterd_test_" + std::to_string(++databases_created_);
  admin_sql("CREATE DATABASE " + sql_identifier(name) + " OWNER rosterd");
  return name;
}

std::string PostgresServer::add_role(const std::string& db, const std::string& role) const {
  admin_sql("CREATE ROLE " + sql_identifier(role) + " LOGIN PASSWORD " + sql_literal(password_));
  admin_sql("GRANT ALL ON SCHEMA public TO " + sql_identifier(role) +
                "; GRANT ALL ON ALL TABLES IN SCHEMA public TO " + sql_identifier(role) +
                "; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + sql_identifier(role),
            db);
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + db + " user=" + role;
}

void PostgresServer::terminate_connections(const std::string& db) {
  // The timeout makes pg_terminate_backend wait until each backend has exited, so the caller
  // sees the connections gone, not just signalled.
  admin_sql("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = " +
            sql_literal(db) + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
}

std::filesystem::path PostgresServer::psql() const {
  return bin_ / "psql";
}

ProcessResult PostgresServer::run_psql(const std::string& db,
                                       const std::vector<std::string>& args) const {
  // -w: a missing or wrong password fails at once instead of prompting on the terminal.
  std::vector<std::string> all = {"-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d", conninfo(db)};
  all.insert(all.end(), args.begin(), args.end());
  const Account me = test_account();
  return run_as(me, psql().string(), all, child_env(me, {"PGPASSWORD=" + password_}), {});
}

std::string PostgresServer::admin_sql(const std::string& sql, const std::string& db) const {
  const Account account = server_account();
  const std::string conn = "host=" + (dir_ / "socket").string() + " port=" + std::to_string(port_) +
                           " dbname=" + db + " user=postgres";
  const ProcessResult r =
      run_as(account, psql().string(),
             {"-X", "-q", "-w", "-At", "-v", "ON_ERROR_STOP=1", "-d", conn, "-c", sql},
             child_env(account, {"PGPASSWORD=" + superuser_password_}), dir_);
  if (r.exit_status != 0) throw std::runtime_error("psql failed on `" + sql + "`: " + r.err);
  return r.out;
}

PostgresServer& shared_postgres_server() {
  static PostgresServer server;
  return server;
}

}  // namespace rosterd::testing
