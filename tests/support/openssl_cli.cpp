#include "support/openssl_cli.h"

namespace mosq::test {

const std::vector<crypto::KeyType>& all_key_types() {
  static const std::vector<crypto::KeyType> k_types{
      crypto::KeyType::rsa2048, crypto::KeyType::rsa3072, crypto::KeyType::rsa4096,
      crypto::KeyType::ec_p256, crypto::KeyType::ec_p384, crypto::KeyType::ed25519};
  return k_types;
}

ProcessResult openssl_combined(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  return run_process_combined(args);
}

}  // namespace mosq::test
