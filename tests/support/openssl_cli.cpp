#include "support/openssl_cli.h"

#include <catch2/catch.hpp>

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

std::vector<std::pair<std::string, std::string>> write_adopted_ec_keys(const std::string& dir) {
  const std::string plain = dir + "/adopted-plain.key";
  REQUIRE(openssl_combined({"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", plain}).exit_code == 0);
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [option, form] : {std::pair<std::string, std::string>{"-conv_form", "compressed"},
                                     {"-param_enc", "explicit"}}) {
    const std::string file = dir + "/adopted-" + form + ".key";
    REQUIRE(openssl_combined({"ec", "-in", plain, option, form, "-out", file}).exit_code == 0);
    keys.emplace_back(form, file);
  }
  return keys;
}

}  // namespace mosq::test
