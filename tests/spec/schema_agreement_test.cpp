// The schema, the loader and the example agree: an independent validator
// (Python's jsonschema) and the loader accept the same good specs, and
// reject every bad spec marked "# schema: reject". A bad spec marked
// "# schema: accept" breaks a rule only the loader checks, and the schema
// must indeed accept it (so the marks stay honest).
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "spec/loader.h"
#include "spec_test_files.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace mosq::spec {
namespace {

using mosq::test::ProcessResult;
using mosq::test::read_file;
using mosq::test::run_process_combined;
using test::header_value;
using test::source_path;
using test::yaml_files;

const char* const k_python = "/usr/bin/python3";

// File -> "accept" or "reject", as the Python validator judges it.
std::map<std::string, std::string> schema_verdicts(const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> argv{k_python, source_path("tests/spec/validate_schema.py").string(),
                                source_path("schemas/broker.schema.json").string()};
  for (const auto& file : files) {
    argv.push_back(file.string());
  }
  // Its verdicts and its errors, interleaved as written (`2>&1`).
  const ProcessResult result = run_process_combined(argv);
  INFO(result.out << result.err);
  REQUIRE(result.err.empty());      // it started (and was not killed on the timeout)
  REQUIRE(result.exit_code != -1);  // it exited, not killed by a signal
  REQUIRE(result.exit_code == 0);

  std::map<std::string, std::string> verdicts;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      continue;
    }
    const auto end = line.find('\t', tab + 1);
    verdicts[line.substr(tab + 1, end == std::string::npos ? std::string::npos : end - tab - 1)] =
        line.substr(0, tab);
  }
  return verdicts;
}

bool loader_accepts(const std::filesystem::path& file) {
  try {
    load_spec(file.filename().string(), read_file(file));
  } catch (const SpecError&) {
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the schema and the loader accept the example and every good spec", "[spec][schema]") {
  auto files = yaml_files("tests/data/good_specs");
  files.push_back(source_path("examples/broker.yaml"));
  const auto verdicts = schema_verdicts(files);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      REQUIRE(verdicts.count(file.string()) == 1);
      CHECK(verdicts.at(file.string()) == "accept");
      CHECK(loader_accepts(file));
    }
  }
}

TEST_CASE("the schema rejects exactly the bad specs marked '# schema: reject'", "[spec][schema]") {
  const auto files = yaml_files("tests/data/bad_specs");
  REQUIRE(files.size() >= 30);
  const auto verdicts = schema_verdicts(files);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const std::string mark = header_value(read_file(file), "schema");
      REQUIRE(verdicts.count(file.string()) == 1);
      CHECK(verdicts.at(file.string()) == mark);
      CHECK_FALSE(loader_accepts(file));
    }
  }
}

}  // namespace mosq::spec
