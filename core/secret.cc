#include "core/secret.h"

#include <sodium.h>

#include <mutex>
#include <stdexcept>

#include "core/error.h"
#include "core/sha256.h"

namespace rosterd {
namespace {

void ensure_sodium() {
  // Idempotent and thread-safe; fails only when the kernel gives no randomness.
  static const int ready = sodium_init();
  if (ready < 0) throw Error("libsodium could not start (no randomness from the kernel)");
}

constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;

}  // namespace

std::string random_key(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (const unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string key_digest(std::string_view key) {
  return sha256_hex(key);
}

namespace {

// One Argon2id run at a time: each takes 64 MiB, and a flood of sign-ins must not multiply it.
std::mutex& argon2_turn() {
  static std::mutex m;
  return m;
}

}  // namespace

std::string password_hash(std::string_view password) {
  ensure_sodium();
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    throw UsageError("a password must have 8 to 1,024 characters; this one has " +
                     std::to_string(password.size()) + ".");
  }
  char out[crypto_pwhash_STRBYTES];
  const std::lock_guard turn(argon2_turn());
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error("hashing a password ran out of memory (Argon2id needs 64 MiB)");
  }
  return out;
}

bool password_matches(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPassword)
    return false;
  const std::string h(hash);  // NUL-terminated for libsodium
  const std::lock_guard turn(argon2_turn());
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rosterd
