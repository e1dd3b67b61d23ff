// A private key as observed: its file, whether and how it opens, and the
// loaded key for the checks that need it (does a certificate match it?).
//
// A key file whose digest is the one an earlier apply recorded when it
// opened it (observe/tool_state.h) is not opened again: its type and public
// key come from the record, and "does the certificate match it" compares the
// certificate's public key with the recorded one. Parsing a key costs more
// than the rest of a no-op run (OpenSSL 3.0's decoders; for an encrypted CA
// key, PBKDF2 as well), and a changed byte changes the digest, so a file
// edited or replaced by hand is opened as before. An encrypted key vouched
// for this way keeps its PEM text (a Secret): the CA key is opened (and
// decrypted) only when a signature is due (apply/pki_issuer.h: unlock_ca_key).
#pragma once

#include <optional>
#include <string>

#include "crypto/private_key.h"
#include "observe/observed.h"
#include "observe/tool_state.h"
#include "util/file_system.h"
#include "util/root.h"
#include "util/secret.h"

namespace mosq::observe {

struct LoadedKey {
  ObservedKey observed;
  std::optional<crypto::PrivateKey> key;
  // Vouched for by its record, not opened: the file's text.
  std::optional<Secret> locked_pem;

  bool vouched() const { return !observed.recorded_public_key_sha256.empty(); }
};

// Loads a PEM text (never throws on bad input); observed.file is left empty.
LoadedKey load_key(const Secret& pem, const Secret* passphrase);

// Reads the key file at path (as the spec names it) and loads it, unless
// `record` (the state file's record of that path, or null) vouches for it.
// A missing file is observed as such; an unreadable one throws Error.
LoadedKey observe_key(const FileSystem& fs, const Root& root, const std::string& path,
                      const Secret* passphrase, const KeyRecord* record = nullptr);

}  // namespace mosq::observe
