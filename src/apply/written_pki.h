// What this run's PkiIssuer wrote, as it wrote it: each key and certificate
// file's digest and what those bytes hold. After the apply, a file that
// still has that digest is recorded from here (state_file.h) instead of
// being opened again: the record is of the key this run made, and the
// encrypted CA key is not decrypted a second time (PBKDF2 and OpenSSL's
// decoders were two fifths of a greenfield apply's CPU). A file whose
// digest differs (changed since it was written) is opened as before.
#pragma once

#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/key_type.h"

namespace mosq::apply {

struct WrittenKey {
  std::string path;               // as the spec names it
  std::string file_sha256;        // of the bytes written
  std::string public_key_sha256;  // crypto::PrivateKey::public_key_fingerprint()
  crypto::KeyType type;
  bool encrypted = false;
};

struct WrittenCertificate {
  std::string path;         // as the spec names it
  std::string file_sha256;  // of the bytes written
  crypto::Certificate cert;
};

struct WrittenPki {
  std::vector<WrittenKey> keys;
  std::vector<WrittenCertificate> certificates;

  // What was last written to path (as the spec names it), or null. The
  // file still holds it when its digest now is file_sha256.
  const WrittenKey* key(const std::string& path) const { return last(keys, path); }
  const WrittenCertificate* certificate(const std::string& path) const { return last(certificates, path); }

 private:
  template <typename T>
  static const T* last(const std::vector<T>& items, const std::string& path) {
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      if (it->path == path) return &*it;
    }
    return nullptr;
  }
};

}  // namespace mosq::apply
