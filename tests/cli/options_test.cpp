#include "cli/options.h"

#include <catch2/catch.hpp>
#include <set>

#include "support/temp_dir.h"
#include "util/error.h"

using namespace mosq::cli;

namespace {

// Every long option --help lists ("--plan", "--state-dir", ...).
std::set<std::string> long_options_in_help() {
  std::set<std::string> found;
  const std::string text = usage();
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    std::size_t end = at + 2;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
    if (end > at + 2) found.insert(text.substr(at, end - at));
  }
  return found;
}

}  // namespace

TEST_CASE("options: --backup and the unattended flags parse", "[cli]") {
  const Options o = parse_options({"--backup", "--quiet", "--detailed-exitcode", "spec.yaml"});
  CHECK(o.backup);
  CHECK(o.quiet);
  CHECK(o.detailed_exitcode);
  CHECK_FALSE(parse_options({"spec.yaml"}).backup);
  CHECK_THROWS_AS(parse_options({"--backup=yes", "spec.yaml"}), mosq::Error);
}

TEST_CASE("options: the man page documents every option --help lists", "[cli][docs]") {
  const std::string man = mosq::test::read_file(std::string(MOSQ_SOURCE_DIR) + "/docs/mosq-reconcile.1");
  const std::set<std::string> options = long_options_in_help();
  REQUIRE(options.size() >= 14);
  for (const std::string& option : options) {
    CAPTURE(option);
    // roff writes a '-' as "\-" in option names.
    std::string escaped;
    for (char c : option) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    CHECK(man.find(escaped) != std::string::npos);
  }
}
