// Password files are read on a pool when there are many: the secrets and
// the first error must not depend on the number of threads.
#include "observe/secrets.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "spec/loader.h"
#include "support/temp_dir.h"
#include "util/error.h"
#include "util/file_system.h"
#include "util/root.h"

using namespace mosq;
using mosq::test::TempDir;

namespace {

constexpr int k_users = 200;  // above the pool's threshold of 64 files

spec::Spec spec_with_files(int users) {
  std::ostringstream yaml;
  yaml << "version: 1\nbroker:\n  config_file: /etc/m.conf\n  password_file: /etc/passwd.mq\n"
          "listeners:\n  - port: 1883\n    tls: false\nusers:\n";
  for (int i = 0; i < users; ++i) {
    yaml << "  - name: u" << i << "\n    password_file: /secrets/u" << i << "\n";
  }
  return spec::load_spec("broker.yaml", yaml.str());
}

observe::EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

std::string error_of(const spec::Spec& spec, const Root& root, unsigned workers) {
  try {
    observe::resolve_secrets(spec, real_file_system(), root, no_env(), workers);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("password files read on 1 or 4 threads give the same secrets", "[observe][secrets][parallel]") {
  TempDir dir;
  for (int i = 0; i < k_users; ++i) {
    dir.write("secrets/u" + std::to_string(i), "pw-" + std::to_string(i) + "\nsecond line\n");
  }
  const spec::Spec spec = spec_with_files(k_users);
  const Root root(dir.path());
  for (unsigned workers : {1u, 4u}) {
    INFO("workers " << workers);
    const auto secrets = observe::resolve_secrets(spec, real_file_system(), root, no_env(), workers);
    REQUIRE(secrets.passwords.size() == static_cast<std::size_t>(k_users));
    for (int i = 0; i < k_users; ++i) {
      CHECK(secrets.passwords.at("u" + std::to_string(i)).reveal() == "pw-" + std::to_string(i));
    }
  }
}

TEST_CASE("the first user in spec order names the error, on any number of threads",
          "[observe][secrets][parallel]") {
  TempDir dir;
  for (int i = 0; i < k_users; ++i) {
    if (i == 57 || i == 150) continue;  // missing
    dir.write("secrets/u" + std::to_string(i), i == 120 ? "\n" : "pw\n");  // u120: empty first line
  }
  const spec::Spec spec = spec_with_files(k_users);
  const Root root(dir.path());
  const std::string one = error_of(spec, root, 1);
  CHECK_THAT(one, Catch::Contains("users[57].password_file") && Catch::Contains("(user u57)"));
  for (int round = 0; round < 10; ++round) CHECK(error_of(spec, root, 4) == one);
}
