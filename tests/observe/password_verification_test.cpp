// Passwords from the environment or files are verified on a pool sized by
// the host's usable CPUs: the verdicts must not depend on that size.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>

#include "crypto/password_hash.h"
#include "observe/observe.h"
#include "observe/secrets.h"
#include "spec/loader.h"
#include "support/fake_host.h"
#include "support/temp_dir.h"
#include "util/file_system.h"
#include "util/root.h"

using namespace mosq;
using mosq::test::FakeHost;
using mosq::test::TempDir;

namespace {

constexpr int k_users = 300;  // 300 x 101 iterations: above the pool's threshold

std::string password_of(int i) { return "password-" + std::to_string(i); }

// u0..u299 from the environment; the file holds a wrong password for every
// 7th user, a line that does not parse for u5, u11 twice (the first line
// decides, and it is wrong), and a user the spec does not name.
struct Tree {
  TempDir dir;
  spec::Spec spec;
  std::map<std::string, std::string> env;
  std::unordered_map<std::string, observe::PasswordVerdict> expected;

  Tree() {
    std::ostringstream yaml, file;
    yaml << "version: 1\nbroker:\n  config_file: /etc/m.conf\n  password_file: /etc/passwd.mq\n"
            "listeners:\n  - port: 1883\n    tls: false\nusers:\n";
    for (int i = 0; i < k_users; ++i) {
      const std::string user = "u" + std::to_string(i);
      yaml << "  - name: " << user << "\n    password_env: P" << i << "\n";
      env["P" + std::to_string(i)] = password_of(i);
      if (i == 5) {
        file << user << ":$7$101$notbase64!$x\n";
        expected[user] = observe::PasswordVerdict::unparsed;
        continue;
      }
      const bool wrong = i % 7 == 0 || i == 11;
      const auto hash = crypto::hash_password(Secret(wrong ? "other" : password_of(i)),
                                              crypto::MosquittoVersion::v2_0);
      file << user << ":" << crypto::format_password_hash(hash) << "\n";
      expected[user] = wrong ? observe::PasswordVerdict::differs : observe::PasswordVerdict::matches;
    }
    const auto right11 = crypto::hash_password(Secret(password_of(11)), crypto::MosquittoVersion::v2_0);
    file << "u11:" << crypto::format_password_hash(right11) << "\n";
    file << "stranger:" << crypto::format_password_hash(right11) << "\n";
    dir.write("etc/passwd.mq", file.str());
    spec = spec::load_spec("broker.yaml", yaml.str());
  }

  observe::Observed observe_with(unsigned cpus) const {
    FakeHost host;
    host.cpus = cpus;
    const Root root(dir.path());
    auto lookup = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    const auto secrets = observe::resolve_secrets(spec, real_file_system(), root, lookup);
    return observe::observe(spec, secrets, real_file_system(), host, root);
  }
};

}  // namespace

TEST_CASE("password verdicts are the same on 1, 2, 3 and 8 threads, and right", "[observe][parallel]") {
  const Tree tree;
  const auto one = tree.observe_with(1).password_file.verdicts;
  CHECK(one == tree.expected);
  for (unsigned cpus : {2u, 3u, 8u}) {
    INFO("cpus " << cpus);
    const auto observed = tree.observe_with(cpus);
    CHECK(observed.password_file.verdicts == tree.expected);
    CHECK(observed.password_file.verdicts.count("stranger") == 0);
  }
}
