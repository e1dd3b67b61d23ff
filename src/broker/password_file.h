// Mosquitto's password file: one "user:hash" per line. Parsing keeps every
// line (valid, malformed, blank, comment) with its number and raw text, so a
// malformed line is reported and repaired, never silently dropped, and a
// line we keep is written back byte for byte.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/password_hash.h"

namespace mosq::broker {

struct PasswordLine {
  int number = 0;          // 1-based line number in the file
  std::string raw;         // the line without its trailing newline
  std::string user;        // empty for blank/comment lines and for malformed lines without ':'
  std::optional<crypto::PasswordHash> hash;  // set when the hash part parsed
  std::string problem;     // why the line is malformed; empty when it is fine
  bool blank_or_comment = false;
};

struct PasswordFileContent {
  std::vector<PasswordLine> lines;
  bool missing_final_newline = false;
};

// Never throws: a malformed line is a line with a problem.
//
// Read like Mosquitto 2.0 reads it (src/security_default.c): a line whose
// first character is '#' is a comment; the user is the text before the
// first ':' and the hash the text after it, each trimmed of surrounding
// whitespace. A blank line is empty or whitespace only.
// CRLF: one '\r' before the '\n' is tolerated, as the broker (which trims
// it) does: the line parses as if it were absent, and `raw` keeps it so the
// line is written back byte for byte. A lone '\r' elsewhere is not a line
// break.
// Problems: "no ':' separator", "empty user name", "user name longer than
// 65535 bytes", "missing password hash", the hash parser's reasons
// ("unknown hash scheme", "salt is not valid base64", ...), and
// "duplicate user (first on line N)" on every well-formed line of a user
// after its first well-formed one (2.1 ignores those; 2.0 keeps both and
// which one it checks is unspecified).
// `raw` may hold a plain-text password (a file not yet run through
// mosquitto_passwd -U): never print it.
PasswordFileContent parse_password_file(const std::string& content);

// The line for user with a hash, without a newline: "user:$7$...".
// Throws mosq::Error for a user name the broker would not read back as
// given (empty, longer than 65535 bytes, containing ':' or a line break,
// with leading/trailing whitespace, or starting with '#', which makes the
// line a comment): a programming error, since the spec rejects such names.
std::string format_password_line(const std::string& user, const crypto::PasswordHash& hash);

}  // namespace mosq::broker
