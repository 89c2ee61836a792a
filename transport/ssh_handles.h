// One owner for each libssh handle (a key, a directory listing, a file, a file's attributes, a
// fingerprint): freed however the code leaves, an exception included. The session and its SFTP
// channel are owned by SftpDrop::Session.
#pragma once

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <memory>
#include <type_traits>

namespace rosterd {

struct SshKeyFree {
  void operator()(ssh_key k) const noexcept { ssh_key_free(k); }
};
using SshKey = std::unique_ptr<std::remove_pointer_t<ssh_key>, SshKeyFree>;

struct SftpAttributesFree {
  void operator()(sftp_attributes a) const noexcept { sftp_attributes_free(a); }
};
using SftpAttributes = std::unique_ptr<std::remove_pointer_t<sftp_attributes>, SftpAttributesFree>;

struct SftpDirClose {
  void operator()(sftp_dir d) const noexcept { sftp_closedir(d); }
};
using SftpDir = std::unique_ptr<std::remove_pointer_t<sftp_dir>, SftpDirClose>;

// Closing a file sends a request: REQUIRES the session to be still there (reset the file
// before the session goes).
struct SftpFileClose {
  void operator()(sftp_file f) const noexcept { sftp_close(f); }
};
using SftpFile = std::unique_ptr<std::remove_pointer_t<sftp_file>, SftpFileClose>;

struct PubkeyHashFree {
  void operator()(unsigned char* h) const noexcept { ssh_clean_pubkey_hash(&h); }
};
using PubkeyHash = std::unique_ptr<unsigned char, PubkeyHashFree>;

struct SshCharFree {
  void operator()(char* s) const noexcept { ssh_string_free_char(s); }
};
using SshChars = std::unique_ptr<char, SshCharFree>;

}  // namespace rosterd
