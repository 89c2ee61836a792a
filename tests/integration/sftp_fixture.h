// What the SFTP drop's integration tests share: a running sshd serving a drop folder, a
// rosterd config whose feed "gen" takes files from it, and the SftpDrop options that reach it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/sshd_server.h"
#include "tests/support/temp_dir.h"
#include "transport/sftp_drop.h"

namespace rosterd::testing {

inline ProcessResult run_rosterd(const std::vector<std::string>& args) {
  return run_process(ROSTERD_BIN, args);
}

inline std::string roster(std::size_t rows, std::uint64_t seed = 42) {
  GeneratorOptions o;
  o.clean_rows = rows;
  o.seed = seed;
  return generate_roster(o).text;
}

// A test folder with a running sshd, a drop folder it serves, and a rosterd config whose feed
// "gen" takes files from that drop over SFTP.
struct SftpFixture {
  TempDir tmp;
  SshdServer sshd{tmp / "sshd"};
  std::filesystem::path drop = tmp / "drop";
  std::filesystem::path config;

  explicit SftpFixture(const std::string& extra_source_yaml = "",
                       const std::string& mode = "live") {
    std::filesystem::create_directories(drop);
    write_config(extra_source_yaml, mode);
  }

  // The sftp source for `user`, authenticated by `auth` (a key_file or password_file line).
  std::string source_yaml(const std::string& extra, const std::string& auth = "") const {
    std::string defaults = "        stable_for: 0s\n        retry_backoff: 0s\n";
    if (extra.find("stable_for:") != std::string::npos) defaults = "        retry_backoff: 0s\n";
    return "    source:\n"
           "      sftp:\n"
           "        host: 127.0.0.1\n"
           "        port: " +
           std::to_string(sshd.port()) + "\n        user: " + SshdServer::current_user() + "\n" +
           (auth.empty() ? "        key_file: " + sshd.user_key().string() + "\n" : auth) +
           "        known_hosts: " + sshd.known_hosts().string() +
           "\n        dir: " + drop.string() + "\n        connect_timeout: 5s\n" + defaults + extra;
  }

  void write_config(const std::string& extra, const std::string& mode = "live",
                    const std::string& auth = "") {
    config = write_test_feed(tmp.path(), source_yaml(extra, auth), mode);
  }

  ProcessResult fetch() { return run_rosterd({"fetch", "--config", config.string()}); }
  ProcessResult run_once() {
    return run_rosterd({"run", "--once", "--config", config.string(), "--as-of", kGeneratorAsOf});
  }
  std::vector<std::filesystem::path> staged() const {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(tmp / "state/staging/gen", ec))
      out.push_back(e.path());
    return out;
  }
};

inline SftpOptions options_for(const SftpFixture& f) {
  SftpOptions o;
  o.host = "127.0.0.1";
  o.port = f.sshd.port();
  o.user = SshdServer::current_user();
  o.key_file = f.sshd.user_key();
  o.known_hosts = f.sshd.known_hosts();
  o.dir = f.drop.string();
  o.connect_timeout = std::chrono::seconds(5);
  o.io_timeout = std::chrono::seconds(5);
  return o;
}

}  // namespace rosterd::testing
