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
PasswordFileContent parse_password_file(const std::string& content);

// The line for user with a hash.
std::string format_password_line(const std::string& user, const crypto::PasswordHash& hash);

}  // namespace mosq::broker
