#include "broker/password_file.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"
#include "util/error.h"

using mosq::Secret;
using mosq::test::describe;
using mosq::test::ProcessResult;
using mosq::test::read_file;
using mosq::test::run_process;
using mosq::test::TempDir;
using namespace mosq::broker;
using mosq::crypto::HashScheme;
using mosq::crypto::MosquittoVersion;

namespace {

// A valid $7$ hash of "correct horse" (salt bytes(range(12)), 101 iterations),
// computed with Python 3: base64.b64encode(hashlib.pbkdf2_hmac('sha512',
// b'correct horse', bytes(range(12)), 101, 64)).
const std::string k_hash7 =
    "$7$101$AAECAwQFBgcICQoL$"
    "lp0Cm29zl+CI/RXyXDKvLye7OxM3OuE6RMzgXTX/f3imS/pFh2Ur7yarLDpKRUKpB0tOj6l0UrRv41zqxmD4tg==";
// A valid $6$ hash of "hunter2": base64.b64encode(hashlib.sha512(b'hunter2' +
// b'saltsaltsalt').digest()).
const std::string k_hash6 =
    "$6$c2FsdHNhbHRzYWx0$"
    "c+NGvGfsm1C8r6yvIpVCmf61SNl7RXBd4sPmljHjGixLW8PQZWosQWSa8zwFT0o4tl77izgIBSWvmuY44Z+sTQ==";

// The file text rebuilt from its lines: what "write back every line" gives.
std::string rejoin(const PasswordFileContent& content) {
  std::string out;
  for (std::size_t i = 0; i < content.lines.size(); ++i) {
    out += content.lines[i].raw;
    if (i + 1 < content.lines.size() || !content.missing_final_newline) {
      out += '\n';
    }
  }
  return out;
}

// The one line of a one-line file.
PasswordLine only_line(const std::string& text) {
  const PasswordFileContent content = parse_password_file(text);
  REQUIRE(content.lines.size() == 1);
  return content.lines[0];
}

}  // namespace

TEST_CASE("a password file keeps every line, in order, byte for byte", "[broker][pwfile]") {
  const std::string text =
      "# managed by hand\n"
      "\n"
      "alice:" + k_hash7 + "\n"
      "bob:" + k_hash6 + "\n"
      "   \t\n"
      "carol\n"
      "dave:$9$zzz\n";
  const PasswordFileContent content = parse_password_file(text);
  REQUIRE(content.lines.size() == 7);
  CHECK_FALSE(content.missing_final_newline);
  CHECK(rejoin(content) == text);

  for (std::size_t i = 0; i < content.lines.size(); ++i) {
    CHECK(content.lines[i].number == static_cast<int>(i + 1));
  }

  const PasswordLine& comment = content.lines[0];
  CHECK(comment.blank_or_comment);
  CHECK(comment.raw == "# managed by hand");
  CHECK(comment.user.empty());
  CHECK_FALSE(comment.hash.has_value());
  CHECK(comment.problem.empty());

  CHECK(content.lines[1].blank_or_comment);
  CHECK(content.lines[1].raw.empty());
  CHECK(content.lines[4].blank_or_comment);

  const PasswordLine& alice = content.lines[2];
  CHECK_FALSE(alice.blank_or_comment);
  CHECK(alice.user == "alice");
  CHECK(alice.problem.empty());
  REQUIRE(alice.hash.has_value());
  CHECK(alice.hash->scheme == HashScheme::sha512_pbkdf2);
  CHECK(verify_password(*alice.hash, Secret("correct horse")));
  CHECK_FALSE(verify_password(*alice.hash, Secret("wrong")));

  const PasswordLine& bob = content.lines[3];
  CHECK(bob.user == "bob");
  REQUIRE(bob.hash.has_value());
  CHECK(bob.hash->scheme == HashScheme::sha512);
  CHECK(verify_password(*bob.hash, Secret("hunter2")));

  const PasswordLine& carol = content.lines[5];
  CHECK_FALSE(carol.blank_or_comment);
  CHECK(carol.user.empty());
  CHECK(carol.problem == "no ':' separator");

  const PasswordLine& dave = content.lines[6];
  CHECK(dave.user == "dave");
  CHECK_FALSE(dave.hash.has_value());
  CHECK(dave.problem == "unknown hash scheme");
}

TEST_CASE("malformed password lines each give their problem", "[broker][pwfile]") {
  CHECK(only_line("no separator here\n").problem == "no ':' separator");
  CHECK(only_line(":" + k_hash7 + "\n").problem == "empty user name");
  CHECK(only_line("   :" + k_hash7 + "\n").problem == "empty user name");
  CHECK(only_line("erin:\n").problem == "missing password hash");
  CHECK(only_line("erin:   \n").problem == "missing password hash");
  CHECK(only_line("erin:plaintext\n").problem == "unknown hash scheme");
  CHECK(only_line("erin:$7$101$AAEC*wQFBgcICQoL$AAAA\n").problem == "salt is not valid base64");
  CHECK(only_line("erin:$7$x$AAECAwQFBgcICQoL$AAAA\n").problem ==
        "iterations is not a positive integer");
  CHECK(only_line("erin:$7$101$AAECAwQFBgcICQoL$AAAA\n").problem ==
        "hash is not 64 bytes (a SHA-512 output)");
  // Anything after a second ':' is not part of a valid hash.
  CHECK(only_line("erin:" + k_hash7 + ":extra\n").problem == "hash is not valid base64");

  const PasswordLine long_user = only_line(std::string(65536, 'u') + ":" + k_hash7 + "\n");
  CHECK(long_user.problem == "user name longer than 65535 bytes");
  CHECK(only_line(std::string(65535, 'u') + ":" + k_hash7 + "\n").problem.empty());

  // The user is kept on a malformed line that has one; a problem line is
  // neither blank nor a comment.
  const PasswordLine bad = only_line("erin:$7$101$$AAAA\n");
  CHECK(bad.user == "erin");
  CHECK(bad.problem == "empty salt");
  CHECK_FALSE(bad.hash.has_value());
  CHECK_FALSE(bad.blank_or_comment);
}

TEST_CASE("only a '#' in the first column starts a comment", "[broker][pwfile]") {
  const PasswordLine comment = only_line("#frank:" + k_hash7 + "\n");
  CHECK(comment.blank_or_comment);
  CHECK(comment.user.empty());

  const PasswordLine indented = only_line("  # a note\n");
  CHECK_FALSE(indented.blank_or_comment);
  CHECK(indented.problem == "no ':' separator");
}

TEST_CASE("user and hash are trimmed of surrounding whitespace, as the broker does",
          "[broker][pwfile]") {
  const PasswordLine line = only_line("  grace \t:  " + k_hash7 + "\t \n");
  CHECK(line.user == "grace");
  CHECK(line.problem.empty());
  REQUIRE(line.hash.has_value());
  CHECK(verify_password(*line.hash, Secret("correct horse")));
  CHECK(line.raw == "  grace \t:  " + k_hash7 + "\t ");
}

TEST_CASE("CRLF line endings are tolerated and kept in raw", "[broker][pwfile]") {
  const std::string text = "# note\r\nheidi:" + k_hash7 + "\r\n\r\nivan:" + k_hash6 + "\r\n";
  const PasswordFileContent content = parse_password_file(text);
  REQUIRE(content.lines.size() == 4);
  CHECK(content.lines[0].blank_or_comment);
  CHECK(content.lines[0].raw == "# note\r");
  CHECK(content.lines[1].user == "heidi");
  CHECK(content.lines[1].problem.empty());
  CHECK(content.lines[1].raw == "heidi:" + k_hash7 + "\r");
  REQUIRE(content.lines[1].hash.has_value());
  CHECK(verify_password(*content.lines[1].hash, Secret("correct horse")));
  CHECK(content.lines[2].blank_or_comment);
  CHECK(content.lines[3].user == "ivan");
  CHECK(content.lines[3].problem.empty());
  CHECK(rejoin(content) == text);
}

TEST_CASE("final newline, empty file and a lone last line", "[broker][pwfile]") {
  const PasswordFileContent empty = parse_password_file("");
  CHECK(empty.lines.empty());
  CHECK_FALSE(empty.missing_final_newline);

  const std::string no_newline = "judy:" + k_hash7;
  const PasswordFileContent last = parse_password_file(no_newline);
  REQUIRE(last.lines.size() == 1);
  CHECK(last.missing_final_newline);
  CHECK(last.lines[0].user == "judy");
  CHECK(last.lines[0].problem.empty());
  CHECK(rejoin(last) == no_newline);

  const PasswordFileContent blank_tail = parse_password_file("judy:" + k_hash7 + "\n\n");
  REQUIRE(blank_tail.lines.size() == 2);
  CHECK(blank_tail.lines[1].blank_or_comment);
  CHECK_FALSE(blank_tail.missing_final_newline);

  const PasswordFileContent only_newline = parse_password_file("\n");
  REQUIRE(only_newline.lines.size() == 1);
  CHECK(only_newline.lines[0].blank_or_comment);
}

TEST_CASE("a later well-formed line of the same user is a duplicate", "[broker][pwfile]") {
  const std::string text = "kim:" + k_hash7 + "\n" +
                           "kim:" + k_hash6 + "\n" +
                           "leo:$7$bad\n" +
                           "leo:" + k_hash7 + "\n" +
                           "leo:$6$bad\n";
  const PasswordFileContent content = parse_password_file(text);
  REQUIRE(content.lines.size() == 5);
  CHECK(content.lines[0].problem.empty());
  CHECK(content.lines[1].problem == "duplicate user (first on line 1)");
  CHECK(content.lines[1].hash.has_value());
  // A malformed first line does not claim the user: line 4 is leo's entry.
  CHECK(content.lines[2].problem == "wrong number of '$' fields for a $7$ hash");
  CHECK(content.lines[3].problem.empty());
  CHECK(content.lines[4].problem == "wrong number of '$' fields for a $6$ hash");
}

TEST_CASE("format_password_line writes a line the parser reads back", "[broker][pwfile]") {
  const Secret password("mallory's password");
  const auto hash = mosq::crypto::hash_password(password, MosquittoVersion::v2_0);
  const std::string line = format_password_line("mallory", hash);
  CHECK(line.rfind("mallory:$7$101$", 0) == 0);
  CHECK(line.find('\n') == std::string::npos);

  const PasswordLine parsed = only_line(line + "\n");
  CHECK(parsed.user == "mallory");
  CHECK(parsed.problem.empty());
  REQUIRE(parsed.hash.has_value());
  CHECK(parsed.hash->salt == hash.salt);
  CHECK(verify_password(*parsed.hash, password));
  CHECK_FALSE(verify_password(*parsed.hash, Secret("mallory's passwordd")));

  const auto known = mosq::crypto::parse_password_hash(k_hash7, nullptr);
  REQUIRE(known.has_value());
  CHECK(format_password_line("alice", *known) == "alice:" + k_hash7);
}

TEST_CASE("format_password_line refuses user names the broker would misread",
          "[broker][pwfile]") {
  const auto hash = mosq::crypto::parse_password_hash(k_hash7, nullptr);
  REQUIRE(hash.has_value());
  for (const std::string user : {"", "a:b", "a\nb", "a\rb", " a", "a ", "\ta"}) {
    INFO("user: " << user);
    CHECK_THROWS_AS(format_password_line(user, *hash), mosq::Error);
  }
  CHECK_THROWS_AS(format_password_line(std::string(65536, 'u'), *hash), mosq::Error);
  CHECK_NOTHROW(format_password_line("a b", *hash));
}

// Found by fuzz/password_file_fuzz.cpp: an indented "  #name:hash" line is
// a well-formed entry for user "#name" (only a '#' in the first column
// starts a comment), but the line written for that user, "#name:hash", is
// a comment: the user would vanish from the file.
TEST_CASE("format_password_line refuses a user name starting with '#'", "[broker][pwfile][fuzz]") {
  const PasswordLine indented = only_line("  #name:" + k_hash7 + "\n");
  CHECK(indented.user == "#name");
  CHECK(indented.problem.empty());
  REQUIRE(indented.hash.has_value());
  CHECK_THROWS_WITH(format_password_line(indented.user, *indented.hash),
                    "password file user name \"#name\" starts with '#' (the line would be a comment)");
  CHECK(format_password_line("na#me", *indented.hash) == "na#me:" + k_hash7);
}

TEST_CASE("lines written by the real mosquitto_passwd parse and verify",
          "[broker][pwfile][mosquitto_passwd]") {
  const TempDir dir;
  struct Case {
    std::vector<std::string> hash_args;
    HashScheme scheme;
  };
  const std::vector<Case> cases = {
      {{}, HashScheme::sha512_pbkdf2},                  // 2.0's default
      {{"-H", "sha512-pbkdf2"}, HashScheme::sha512_pbkdf2},
      {{"-H", "sha512"}, HashScheme::sha512},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string file = dir / ("pw" + std::to_string(++n));
    std::vector<std::string> args = {"mosquitto_passwd"};
    args.insert(args.end(), c.hash_args.begin(), c.hash_args.end());
    args.insert(args.end(), {"-b", "-c", file, "user", "pass"});
    const ProcessResult made = run_process(args);
    INFO("case " << n << ": mosquitto_passwd must be installed and succeed\n" << describe(made));
    REQUIRE(made.exit_code == 0);

    const PasswordFileContent content = parse_password_file(read_file(file));
    REQUIRE(content.lines.size() == 1);
    const PasswordLine& line = content.lines[0];
    CHECK(line.problem.empty());
    CHECK(line.user == "user");
    REQUIRE(line.hash.has_value());
    CHECK(line.hash->scheme == c.scheme);
    CHECK(line.hash->salt.size() == 12);
    if (c.scheme == HashScheme::sha512_pbkdf2) {
      CHECK(line.hash->iterations == 101);
    }
    CHECK(mosq::crypto::unreadable_by(*line.hash, MosquittoVersion::v2_0) == std::nullopt);
    CHECK(verify_password(*line.hash, Secret("pass")));
    CHECK_FALSE(verify_password(*line.hash, Secret("pass ")));
    CHECK_FALSE(verify_password(*line.hash, Secret("Pass")));
    // Our formatting of its hash gives back its exact line.
    CHECK(format_password_line(line.user, *line.hash) == line.raw);
  }
}
