// Streaming SHA-256 (OpenSSL): identifies a roster file's exact bytes in runs and the ledger.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace rosterd {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }

  // The digest as 64 lowercase hex digits. REQUIRES: called once, after the last update().
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The SHA-256 of a whole string, as hex.
std::string sha256_hex(std::string_view data);

// The SHA-256 of the whole file at `path`, as hex; its size goes to `bytes`. Throws Error when
// the file cannot be opened.
std::string sha256_of_file(const std::filesystem::path& path, std::uint64_t& bytes);

}  // namespace rosterd
