// A private key as observed: its file, whether and how it opens, and the
// loaded key for the checks that need it (does a certificate match it?).
#pragma once

#include <optional>
#include <string>

#include "crypto/private_key.h"
#include "observe/observed.h"
#include "util/file_system.h"
#include "util/root.h"
#include "util/secret.h"

namespace mosq::observe {

struct LoadedKey {
  ObservedKey observed;
  std::optional<crypto::PrivateKey> key;
};

// Loads a PEM text (never throws on bad input); observed.file is left empty.
LoadedKey load_key(const Secret& pem, const Secret* passphrase);

// Reads the key file at path (as the spec names it) and loads it. A missing
// file is observed as such; an unreadable one throws Error.
LoadedKey observe_key(const FileSystem& fs, const Root& root, const std::string& path,
                      const Secret* passphrase);

}  // namespace mosq::observe
