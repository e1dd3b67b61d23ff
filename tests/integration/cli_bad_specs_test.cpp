// Issue 2: bad specs and bad command lines are rejected with exit 1, a
// located message, and nothing written under --root.
#include <boost/filesystem.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/integration.h"

using namespace mosq::test;
namespace fs = boost::filesystem;

namespace {

struct CorpusEntry {
  std::string path;
  std::string expect;  // "L:C: field: message"
};

std::vector<CorpusEntry> bad_spec_corpus() {
  std::vector<CorpusEntry> entries;
  const fs::path dir = fs::path(MOSQ_SOURCE_DIR) / "tests" / "data" / "bad_specs";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string content = read_file(entry.path().string());
    const std::string marker = "# expect: ";
    CorpusEntry e{entry.path().string(), ""};
    if (content.rfind(marker, 0) == 0) {
      e.expect = content.substr(marker.size(), content.find('\n') - marker.size());
    }
    entries.push_back(e);
  }
  std::sort(entries.begin(), entries.end(),
            [](const CorpusEntry& a, const CorpusEntry& b) { return a.path < b.path; });
  return entries;
}

// Every password_env / passphrase_env the spec names, set, so a spec is
// rejected for its own fault and not for a missing variable.
std::map<std::string, std::string> env_for(const std::string& content) {
  std::map<std::string, std::string> env;
  static const std::regex var(R"((password_env|passphrase_env):\s*([A-Za-z_][A-Za-z0-9_]*))");
  for (auto it = std::sregex_iterator(content.begin(), content.end(), var);
       it != std::sregex_iterator(); ++it) {
    env[(*it)[2].str()] = "corpus-value-" + (*it)[2].str();
  }
  return env;
}

// A valid spec with users from env and file and a TLS section: if the error
// under test were ignored, the run would write several files.
SpecYaml valid_spec() {
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW").user_file("bob", "/run/secrets/bob");
  spec.tls = true;
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  return spec;
}

struct ValidTree : Tree {
  ValidTree() {
    write_spec(valid_spec());
    write_file(host("/run/secrets/bob"), "bob-Pw-2222\n", 0600);
    env = {{"ALICE_PW", "alice-Pw-1111"}, {"CA_PASSPHRASE", "ca-Passphrase-3333"}};
  }
};

// Runs args (apply unless args say otherwise) and checks the error contract.
void expect_rejected(const Tree& t, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& message) {
  const TreeSnapshot before = t.snapshot();
  auto r = t.run(args, env);
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "mosq-reconcile: error: "));
  CHECK(contains(r.err, message));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

}  // namespace

TEST_CASE("every spec in tests/data/bad_specs is rejected: exit 1, located message, nothing written") {
  const std::vector<CorpusEntry> corpus = bad_spec_corpus();
  REQUIRE(corpus.size() >= 25);
  const std::regex located(R"(^(\d+):(\d+): )");
  for (const CorpusEntry& entry : corpus) {
    CAPTURE(entry.path, entry.expect);
    std::smatch m;
    // The corpus itself must promise a located message.
    REQUIRE(std::regex_search(entry.expect, m, located));
    const int line = std::stoi(m[1]);
    const int column = std::stoi(m[2]);
    const std::string content = read_file(entry.path);
    const auto env = env_for(content);

    TempDir root;
    // Apply, the mode that would write.
    auto r = run_tool({"--root", root.path(), entry.path}, env);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, entry.path + ":" + entry.expect));
    CHECK(r.out.empty());
    CHECK(snapshot_tree(root.path()).empty());

    // --plan --json: the same diagnostic, structured.
    auto j = run_tool({"--plan", "--json", "--root", root.path(), entry.path}, env);
    INFO(describe(j));
    CHECK(j.exit_code == 1);
    nlohmann::json parsed;
    REQUIRE_NOTHROW(parsed = nlohmann::json::parse(j.out));
    CHECK(parsed.at("failed") == true);
    const auto& diags = parsed.at("error").at("diagnostics");
    bool matched = false;
    for (const auto& d : diags) {
      const std::string field = d.at("field");
      const std::string rendered = std::to_string(d.at("line").get<int>()) + ":" +
                                   std::to_string(d.at("column").get<int>()) + ": " +
                                   (field.empty() ? "" : field + ": ") +
                                   d.at("message").get<std::string>();
      if (d.at("file") == entry.path && d.at("line") == line && d.at("column") == column &&
          contains(rendered, entry.expect)) {
        matched = true;
      }
    }
    CHECK(matched);
    CHECK(snapshot_tree(root.path()).empty());
  }
}

TEST_CASE("bad input: a password_env variable that is not set") {
  ValidTree t;
  expect_rejected(t, {}, {{"-ALICE_PW", ""}},
                  t.spec_path() + ":15:5: users[0].password_env: environment variable ALICE_PW is not set (user alice)");
  expect_rejected(t, {"--plan"}, {{"ALICE_PW", ""}}, "environment variable ALICE_PW is empty");
}

TEST_CASE("bad input: the CA passphrase variable is not set") {
  ValidTree t;
  expect_rejected(t, {}, {{"-CA_PASSPHRASE", ""}},
                  "tls.ca.passphrase_env: environment variable CA_PASSPHRASE is not set");
}

TEST_CASE("bad input: every missing secret is reported in one run, each located") {
  ValidTree t;
  fs::remove(t.host("/run/secrets/bob"));
  const std::map<std::string, std::string> env = {{"-ALICE_PW", ""}, {"-CA_PASSPHRASE", ""}};
  const std::string spec = t.spec_path();
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"--plan"}}) {
    expect_rejected(t, args, env, spec + ":15:5: users[0].password_env: environment variable ALICE_PW is not set");
    expect_rejected(t, args, env, "users[1].password_file: cannot read " + t.host("/run/secrets/bob"));
    // No CA key yet: the passphrase is needed to encrypt the new one.
    expect_rejected(t, args, env,
                    "tls.ca.passphrase_env: environment variable CA_PASSPHRASE is not set (it holds the CA key's "
                    "passphrase, needed to encrypt the new CA key)");
  }
  // --json: one diagnostic each.
  auto j = t.run({"--plan", "--json"}, env);
  INFO(describe(j));
  const auto diagnostics = nlohmann::json::parse(j.out).at("error").at("diagnostics");
  std::vector<std::string> fields;
  for (const auto& d : diagnostics) fields.push_back(d.at("field"));
  CHECK(fields == std::vector<std::string>{"users[0].password_env", "users[1].password_file", "tls.ca.passphrase_env"});
}

TEST_CASE("bad input: a password_file source that is missing, unreadable or empty") {
  ValidTree t;
  const std::string secret = t.host("/run/secrets/bob");
  SECTION("missing") {
    fs::remove(secret);
    expect_rejected(t, {}, {}, "users[1].password_file: cannot read " + secret);
  }
  SECTION("a directory, not a file") {
    fs::remove(secret);
    make_dirs(secret);
    expect_rejected(t, {}, {}, "users[1].password_file: cannot read " + secret);
  }
  SECTION("first line empty") {
    write_file(secret, "\nbob-Pw-on-line-two\n", 0600);
    expect_rejected(t, {}, {}, "first line is empty (user bob)");
  }
}

TEST_CASE("bad input: --now that is not an ISO 8601 time") {
  ValidTree t;
  for (const std::string now : {"tomorrow", "2027-02-30", "2027-01-31T25:00:00Z", "31.01.2027"}) {
    CAPTURE(now);
    expect_rejected(t, {"--now", now}, {}, "--now '" + now + "' is not an ISO 8601 date or time");
    expect_rejected(t, {"--plan", "--now", now}, {}, "is not an ISO 8601");
  }
}

TEST_CASE("bad input: a spec file that does not exist or is a directory") {
  ValidTree t;
  for (const std::string& spec : {t.work("missing.yaml"), t.root()}) {
    CAPTURE(spec);
    const TreeSnapshot before = t.snapshot();
    auto r = run_tool({"--root", t.root(), spec}, t.env);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, spec + ": cannot read the spec"));
    CHECK(describe_differences(before, t.snapshot()) == "");
  }
}

TEST_CASE("bad input: --root that is a file or does not exist") {
  ValidTree t;
  const std::string file = t.work("not-a-dir");
  write_file(file, "x", 0644);
  for (const std::string& root : {file, t.work("no-such-dir")}) {
    CAPTURE(root);
    auto r = run_tool({"--root", root, t.spec_path()}, t.env);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "--root " + root + ": not a directory"));
  }
  CHECK(read_file(file) == "x");
  CHECK_FALSE(file_exists(t.work("no-such-dir")));
}

TEST_CASE("bad input: two spec files, or an option without its value") {
  ValidTree t;
  const TreeSnapshot before = t.snapshot();
  auto two = run_tool({"--root", t.root(), t.spec_path(), t.spec_path()}, t.env);
  CHECK(two.exit_code == 1);
  CHECK(contains(two.err, "give exactly one spec file"));
  auto no_value = run_tool({t.spec_path(), "--root"}, t.env);
  CHECK(no_value.exit_code == 1);
  CHECK(contains(no_value.err, "root"));
  CHECK(describe_differences(before, t.snapshot()) == "");
}
