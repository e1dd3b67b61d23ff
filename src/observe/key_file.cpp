#include "observe/key_file.h"

#include "crypto/key_type.h"

#include "observe/observe.h"
#include "observe/read_limits.h"

namespace mosq::observe {

LoadedKey load_key(const Secret& pem, const Secret* passphrase) {
  LoadedKey loaded;
  crypto::KeyLoadResult result = crypto::load_private_key(pem, passphrase);
  loaded.observed.status = result.status;
  loaded.observed.encrypted = result.encrypted;
  loaded.observed.detail = result.detail;
  if (result.key) {
    loaded.observed.type = result.key->type();
    loaded.observed.description = result.key->describe();
    loaded.key = std::move(result.key);
  }
  return loaded;
}

LoadedKey observe_key(const FileSystem& fs, const Root& root, const std::string& path,
                      const Secret* passphrase, const KeyRecord* record) {
  std::string content;
  ObservedFile file = observe_file(fs, root, path, k_max_pem_bytes, &content);
  if (!file.exists()) {
    LoadedKey missing;
    missing.observed.file = std::move(file);
    return missing;
  }
  const auto recorded_type = record ? crypto::parse_key_type(record->key_type) : std::nullopt;
  if (recorded_type && record->path == path && record->file_sha256 == file.digest) {
    LoadedKey vouched;
    vouched.observed.status = crypto::KeyLoadStatus::ok;
    vouched.observed.encrypted = crypto::is_encrypted_pem(content);
    vouched.observed.type = recorded_type;
    vouched.observed.description = record->key_type;
    vouched.observed.recorded_public_key_sha256 = record->public_key_sha256;
    vouched.observed.file = std::move(file);
    vouched.locked_pem = Secret(std::move(content));
    return vouched;
  }
  LoadedKey loaded = load_key(Secret(std::move(content)), passphrase);
  loaded.observed.file = std::move(file);
  return loaded;
}

}  // namespace mosq::observe
