#include "observe/key_file.h"

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
                      const Secret* passphrase) {
  std::string content;
  ObservedFile file = observe_file(fs, root, path, k_max_pem_bytes, &content);
  if (!file.exists()) {
    LoadedKey missing;
    missing.observed.file = std::move(file);
    return missing;
  }
  LoadedKey loaded = load_key(Secret(std::move(content)), passphrase);
  loaded.observed.file = std::move(file);
  return loaded;
}

}  // namespace mosq::observe
