// Secrets a person or a program holds to reach the console: random keys (session ids, API
// tokens, one-time links, CSRF tokens) and password hashes (Argon2id, libsodium). The store
// keeps only a key's SHA-256 (key_digest), so a copy of the store opens no session.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// `bytes` random bytes from the kernel's generator, as lowercase hex (2 * bytes characters).
std::string random_key(std::size_t bytes = 32);

// What the store keeps of a key: its SHA-256 in hex.
std::string key_digest(std::string_view key);

// An Argon2id hash in libsodium's string form ("$argon2id$v=19$m=...,t=...,p=1$..."), salted
// at random; a password of 8 to 1,024 bytes. Takes about 0.1 s and 64 MiB, by design. Throws
// UsageError for a password out of that range.
std::string password_hash(std::string_view password);
// True when `password` matches `hash` (password_hash's form). False for anything else,
// a malformed hash included.
bool password_matches(std::string_view hash, std::string_view password);

// Equal strings, compared in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace rosterd
