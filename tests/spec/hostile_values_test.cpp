// Spec values that would reach rendered files or exhaust the reader are
// refused by the reader itself, located (issue 10, sections 2 and 5).
#include <catch2/catch.hpp>

#include <string>

#include "broker/config_render.h"
#include "spec/loader.h"
#include "spec/value_text.h"
#include "util/error.h"

namespace mosq::spec {
namespace {

const std::string k_head =
    "version: 1\n"
    "broker:\n"
    "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
    "  password_file: /etc/mosquitto/mqttpass\n";

std::string load_error(const std::string& text) {
  try {
    load_spec("broker.yaml", text);
  } catch (const SpecError& error) {
    return error.what();
  }
  return "";
}

// A double-quoted YAML string holding `raw` (escapes for control bytes).
std::string quoted(const std::string& raw) {
  std::string out = "\"";
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", byte);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("value_text_problem: control characters, UTF-8 and length", "[spec][hostile]") {
  CHECK_FALSE(value_text_problem("/etc/mosquitto/mqttpass"));
  CHECK_FALSE(value_text_problem("日本語のユーザー"));
  CHECK(*value_text_problem("a\nb") ==
        "a control character (U+000A, a line break) at byte 2 is refused: it could end a line of the "
        "files this value is written to");
  CHECK(value_text_problem("a\rb")->find("U+000D, a carriage return") != std::string::npos);
  CHECK(value_text_problem(std::string("a\0b", 3))->find("U+0000, NUL") != std::string::npos);
  CHECK(value_text_problem("a\x7f")->find("U+007F") != std::string::npos);
  CHECK(value_text_problem("a\xc2\x85")->find("U+0085") != std::string::npos);  // NEL (C1)
  CHECK(*value_text_problem("ab\xff") == "not valid UTF-8 (at byte 3)");
  CHECK(value_text_problem("\xc0\xaf"));        // overlong '/'
  CHECK(value_text_problem("\xed\xa0\x80"));    // a surrogate
  CHECK(value_text_problem("\xe6\x97"));        // cut short
  CHECK(*value_text_problem(std::string(5000, 'a')) == "longer than 4096 bytes (5000)");
  CHECK_FALSE(value_text_problem(std::string(4096, 'a')));
}

TEST_CASE("a control character in any rendered value is a located error", "[spec][hostile]") {
  // Each field whose value reaches the broker config, the password file or
  // a command line, with a line break that would add a line of its own.
  const std::string evil = "x\nallow_anonymous true";
  struct Case {
    std::string yaml;
    std::string where;
  };
  const std::vector<Case> cases{
      {"version: 1\nbroker:\n  config_file: " + quoted("/etc/m/" + evil) + "\n  password_file: /etc/p\n",
       "broker.yaml:3:16: broker.config_file: a control character (U+000A, a line break)"},
      {"version: 1\nbroker:\n  config_file: /etc/c\n  password_file: " + quoted("/etc/" + evil) + "\n",
       "broker.yaml:4:18: broker.password_file: a control character"},
      {k_head + "  owner: " + quoted("mosq" + evil) + "\n", "broker.yaml:5:10: broker.owner: a control character"},
      {k_head + "  reload:\n    command: " + quoted("kill -HUP 1" + evil) + "\n",
       "broker.yaml:6:14: broker.reload.command: a control character"},
      {k_head + "listeners:\n  - port: 1883\n    tls: false\n    bind_address: " + quoted("127.0.0.1" + evil) + "\n",
       "broker.yaml:8:19: listeners[0].bind_address: a control character"},
      {k_head + "users:\n  - name: " + quoted("u" + evil) + "\n    password_env: P\n",
       "broker.yaml:6:11: users[0].name: a control character"},
      {k_head + "users:\n  - name: u\n    password_file: " + quoted("/run/" + evil) + "\n",
       "broker.yaml:7:20: users[0].password_file: a control character"},
      {k_head + "tls:\n  dir: " + quoted("/etc/c" + evil) + "\n  ca: { subject: { CN: ca } }\n"
       "  server: { subject: { CN: s }, subject_alt_names: [ \"DNS:s\" ] }\n",
       "broker.yaml:6:8: tls.dir: a control character"},
      {k_head + "tls:\n  dir: /etc/c\n  ca: { subject: { CN: " + quoted("ca" + evil) + " } }\n"
       "  server: { subject: { CN: s }, subject_alt_names: [ \"DNS:s\" ] }\n",
       "tls.ca.subject.CN: a control character"},
      {k_head + "tls:\n  dir: /etc/c\n  ca: { subject: { CN: ca } }\n"
       "  server: { subject: { CN: s }, subject_alt_names: [ " + quoted("DNS:s" + evil) + " ] }\n",
       "tls.server.subject_alt_names[0]: a control character"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    INFO(load_error(c.yaml));
    const std::string error = load_error(c.yaml);
    CHECK(error.find(c.where) != std::string::npos);
  }
}

TEST_CASE("names the password file cannot carry are refused", "[spec][hostile]") {
  CHECK(load_error(k_head + "users:\n  - name: \"#admin\"\n    password_env: P\n")
            .find("broker.yaml:6:11: users[0].name: a user name cannot start with '#' (its password file line "
                  "would be a comment)") != std::string::npos);
  CHECK(load_error(k_head + "users:\n  - name: \" admin\"\n    password_env: P\n")
            .find("users[0].name: must not start or end with a space") != std::string::npos);
  CHECK(load_error(k_head + "users:\n  - name: \"admin \"\n    password_env: P\n")
            .find("users[0].name: must not start or end with a space") != std::string::npos);
  CHECK(load_error(k_head + "users:\n  - name: " + std::string(5000, 'u') + "\n    password_env: P\n")
            .find("users[0].name: longer than 4096 bytes (5000)") != std::string::npos);
  // A raw byte that is not UTF-8 (a "\\xff" escape would be U+00FF, valid).
  const std::string raw = load_error(k_head + "users:\n  - name: ab\xff\n    password_env: P\n");
  INFO(raw);
  CHECK(raw.find("users[0].name: not valid UTF-8 (at byte 3)") != std::string::npos);
}

TEST_CASE("50,000-character values are refused quickly, never by a crash", "[spec][hostile]") {
  // libstdc++'s std::regex recursed once per character here (SIGSEGV).
  const std::string long_word(50000, 'a');
  const std::string long_digits(50000, '7');
  for (const std::string& value : {long_word, long_digits, "-" + long_digits, "0x" + long_digits,
                                   long_digits + ".5", "1:" + long_digits}) {
    for (const std::string field : {"  owner: ", "  group: ", "  mosquitto_version: "}) {
      const std::string error = load_error(k_head + field + value + "\n");
      INFO(field << value.substr(0, 10));
      CHECK(error.find("broker.yaml:5:") != std::string::npos);
    }
    CHECK_FALSE(load_error(k_head + "users:\n  - name: u\n    password_env: " + value + "\n").empty());
    CHECK_FALSE(load_error(k_head + "listeners:\n  - port: 1\n    tls: false\n    bind_address: " + value + "\n").empty());
  }
  CHECK(load_error(k_head + "listeners:\n  - port: " + long_digits + "\n").find("listeners[0].port: integer out of "
                                                                                "range (50000 digits)") !=
        std::string::npos);
}

TEST_CASE("an alias bomb, deep nesting and a flood of errors stay bounded", "[spec][hostile]") {
  // Each level doubles: 2^25 values once expanded.
  std::string bomb = "a0: &a0 [x, x]\n";
  for (int i = 1; i <= 25; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + "]\n";
  }
  std::string error = load_error(bomb);
  CHECK(error.find("values once its aliases are expanded") != std::string::npos);
  CHECK(error.rfind("broker.yaml:", 0) == 0);

  std::string aliases = "a: &a x\nb: [";
  for (int i = 0; i < 20000; ++i) aliases += "*a, ";
  aliases += "*a]\n";
  CHECK(load_error(aliases).find("broker.yaml:2:") != std::string::npos);
  CHECK(load_error(aliases).find("more than 10000 YAML aliases") != std::string::npos);

  // Deep nesting: located, with or without aliases in the file.
  const std::string deep = "version: 1\nbroker: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  error = load_error(deep);
  INFO(error);
  CHECK(error.find("broker.yaml:2:") != std::string::npos);
  CHECK(error.find("too deeply nested (more than") != std::string::npos);
  error = load_error("a: &a x\nb: *a\nbroker: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
  CHECK(error.find("broker.yaml:3:") != std::string::npos);
  CHECK(error.find("too deeply nested (more than 64 levels") != std::string::npos);

  std::string many = k_head + "users:\n";
  for (int i = 0; i < 5000; ++i) many += "  - { name: \"u" + std::to_string(i) + "\", password: x }\n";
  error = load_error(many);
  std::size_t lines = 1;
  for (const char c : error) lines += c == '\n';
  CHECK(lines == 51);
  CHECK(error.find("... and 4950 more problems") != std::string::npos);
}

// Found by fuzz/spec_loader_fuzz.cpp: yaml-cpp 0.7 reads a ',' at the start
// of a document as an empty document without consuming it, for ever. The
// limits pass stopped it only after 2,000,000 values (a second, and a
// message about aliases); YAML::LoadAll alone would never return.
TEST_CASE("a ',' starting a document is refused at once, located", "[spec][hostile][fuzz]") {
  CHECK(load_error(",") == "broker.yaml:1:1: invalid YAML: ',' outside a [ ] or { } collection");
  CHECK(load_error(k_head + "---\n  ,\n") ==
        "broker.yaml:6:3: invalid YAML: ',' outside a [ ] or { } collection");
  CHECK(load_error("&anchor ,\n") == "broker.yaml:1:9: invalid YAML: ',' outside a [ ] or { } collection");
  // Empty documents that do move on are still counted as documents.
  CHECK(load_error("---\n---\n---\n") ==
        "broker.yaml:3:1: expected one YAML document, found 3 (remove the --- separator)");
  // A ',' inside a flow collection is fine.
  CHECK(load_error(k_head + "listeners: [{port: 1883, tls: false}]\n").empty());
}

TEST_CASE("the config renderer refuses a value that breaks its line (second net)", "[spec][hostile]") {
  Spec spec = load_spec("broker.yaml", k_head);
  CHECK_NOTHROW(broker::render_config(spec));
  spec.broker.password_file = "/etc/p\nallow_anonymous true";
  CHECK_THROWS_AS(broker::render_config(spec), Error);
  spec.broker.password_file = "/etc/p ";
  CHECK_THROWS_AS(broker::render_config(spec), Error);
  spec.broker.password_file = "/etc/p";
  spec.listeners.push_back(Listener{});
  spec.listeners.back().port = 1883;
  spec.listeners.back().tls = false;
  spec.listeners.back().bind_address = "127.0.0.1 8884";
  CHECK_THROWS_AS(broker::render_config(spec), Error);
}

}  // namespace mosq::spec
