#include "spec/yaml_block_reader.h"

#include <catch2/catch.hpp>
#include <string>

#include "spec/spec_test_files.h"
#include "support/temp_dir.h"
#include "support/yaml_event_log.h"

namespace mosq::spec {
namespace {

using mosq::test::block_reader_events;
using mosq::test::yaml_cpp_events;

// Read by the block reader, and into exactly yaml-cpp's events.
void check_read_as_yaml_cpp(const std::string& text) {
  INFO(text);
  const auto fast = block_reader_events(text);
  REQUIRE(fast.has_value());
  const auto expected = yaml_cpp_events(text);
  REQUIRE(expected.has_value());
  CHECK(*fast == *expected);
}

}  // namespace

TEST_CASE("the block reader gives yaml-cpp's events for the spec's usual shapes", "[spec]") {
  for (const char* text : {
           "a: 1\n",
           "---\na: 1\n",                              // a document marker
           "# top\n\na:   x y   # words, then a comment\n  # indented comment\nb: 'q'  \n",
           "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\ng:\n",  // nulls, the last at the end
           "a:\n  # nothing under it\nb: 1\n",
           "a:\n  - x\n  -\n  - y:\nb:\n",             // an empty item, an empty compact value
           "users:\n- name: a\n  password_env: A\n- name: b\nafter: 1\n",  // an indentless list
           "a:\n  - k: 1\n    l:\n      - 2\n    m:\n    - 3\n    n: 4\n",
           "a:\n  -\n    k: v\n",                      // an item's mapping on the next line
           "q: \"double, [with] {flow} chars: and # hash\"\nr: 'single \"x\"'\ns: \"\"\n",
           "n: -1\nm: -x\nurl: http://example.com:8080/p\nt: it's\nu: a\"b\n",
           "f: [ \"DNS:a\", b , -1 ]\ng: {a: \"x\", b: y}\nh: [ ]\ni: {}\nj: [a,b]  # flow\n",
           "  indented: 1\n  whole: 2\n",
       }) {
    check_read_as_yaml_cpp(text);
  }
}

TEST_CASE("the block reader leaves every other text to yaml-cpp, having given no event", "[spec]") {
  for (const char* text : {
           "",                              // empty: yaml-cpp says what it is
           "a: 1",                          // no newline at the end
           "- \n -\n#",                     // (fuzzing: the end's mark after a comment)
           "# only a comment\n",
           "a:\t1\n",                       // a tab
           "a: 1\r\nb: 2\r\n",              // CRLF
           "a: \xc3\xa9\n",                 // UTF-8
           "\xef\xbb\xbf" "a: 1\n",         // a byte order mark
           "a: &x 1\nb: *x\n",              // anchors, aliases
           "<<: {a: 1}\n",                  // a merge key
           "a: !!str 1\n",                  // a tag
           "a: |\n  text\n",                // block scalars
           "a: >\n  text\n",
           "a: one\n  two\n",               // a multi-line plain scalar
           "- one\n  two\n",
           "a: \"one\n  two\"\n",           // a multi-line quoted scalar
           "a: \"x\\ty\"\n",                // an escape
           "a: 'it''s'\n",                  // a quote escaped by doubling
           "a: [1, [2]]\n",                 // nested flow
           "a: [1, 2,]\n",                  // a trailing comma
           "a: {b: c?d}\n",                 // yaml-cpp: "unknown token" (fuzzing found it)
           "a: [1,\n  2]\n",                // a flow collection over two lines
           "a: {b: c\n",
           "a: b: c\n",                     // not YAML
           "a: b:\n",
           "a: x#y\n",                      // '#' inside a plain scalar
           "a: \"x\" y\n",                  // text after a quoted scalar
           "a: \"x\"#c\n",
           "? a\n: b\n",                    // a complex key
           "\"a\": 1\n",                    // a quoted key
           "null: 1\n",                     // a null key
           "a b: 1\n",                      // a key outside [A-Za-z0-9_-]
           "a: 1\n---\nb: 2\n",             // two documents
           "  ---\n  a: 1\n",               // an indented "---" (fuzzing)
           "a: 1\n...\n",
           "%YAML 1.2\n---\na: 1\n",        // a directive
           "just a scalar\n",
           "a: 1\n - b\n",                  // an item under a scalar value
           "a: 1\nb\n",
           "a:\n    b: 1\n  c: 2\n",         // a dedent to no open level
           "- a: 1\n   b: 2\n",              // a compact mapping's key misaligned
           "a: 1\n- b\n",                   // an item at a mapping's column that no key opened
           "l:\n  - - 1\n",                 // a list in a list's item
           "a: ,\n",
           "a: @x\n",
       }) {
    INFO(text);
    mosq::test::YamlEventLog log;
    CHECK_FALSE(read_block_yaml(text, log));
    CHECK(log.text().empty());
  }
}

TEST_CASE("every spec in the corpora that the block reader takes reads as yaml-cpp reads it", "[spec]") {
  std::size_t taken = 0;
  for (const char* dir : {"examples", "tests/data/good_specs", "tests/data/bad_specs"}) {
    for (const auto& path : test::yaml_files(dir)) {
      INFO(path.string());
      const std::string text = mosq::test::read_file(path.string());
      const auto fast = block_reader_events(text);
      if (!fast) continue;
      ++taken;
      const auto expected = yaml_cpp_events(text);
      REQUIRE(expected.has_value());
      CHECK(*fast == *expected);
    }
  }
  // The fast path is the one the example and most specs take (a change
  // that made it refuse them would only show as a slower run).
  CHECK(block_reader_events(mosq::test::read_file(test::source_path("examples/broker.yaml").string())));
  CHECK(taken >= 90);
}

TEST_CASE("a many-user spec in the usual shape is read by the block reader as yaml-cpp reads it", "[spec]") {
  std::string text = "version: 1\nbroker:\n  config_file: /etc/m.conf\n  password_file: /etc/passwd\nusers:\n";
  for (int i = 0; i < 500; ++i) {
    text += "  - name: u" + std::to_string(i) + "\n    password_file: /secrets/u" + std::to_string(i) + "\n";
  }
  check_read_as_yaml_cpp(text);
}

}  // namespace mosq::spec
