// Fuzz target: Mosquitto's password file, mosq::broker::parse_password_file
// and the hash parser under it, mosq::crypto::parse_password_hash.
// Promises: parsing never throws; the lines rejoined give the file back
// byte for byte; a parsed hash prints and parses back to itself; a line
// the tool writes for a parsed user and hash reads back as that user and
// hash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/password_file.h"
#include "crypto/password_hash.h"
#include "fuzz_check.h"
#include "util/error.h"

namespace {

using mosq::crypto::PasswordHash;

bool same_hash(const PasswordHash& a, const PasswordHash& b) {
  return a.scheme == b.scheme && a.iterations == b.iterations && a.salt == b.salt &&
         a.hash == b.hash;
}

void check_hash_round_trip(const PasswordHash& hash) {
  const std::string text = mosq::crypto::format_password_hash(hash);
  std::string why;
  const auto again = mosq::crypto::parse_password_hash(text, &why);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(same_hash(*again, hash));
  // Verification must cope with any hash that parses (it reports false
  // for one no broker could hold); cheap iteration counts only.
  if (hash.iterations <= 1000) {
    (void)mosq::crypto::verify_password(hash, mosq::Secret("fuzz"));
  }
}

std::string rejoin(const mosq::broker::PasswordFileContent& content) {
  std::string out;
  for (std::size_t i = 0; i < content.lines.size(); ++i) {
    out += content.lines[i].raw;
    if (i + 1 < content.lines.size() || !content.missing_final_newline) {
      out += '\n';
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  // The whole input as the hash part of one line.
  std::string why;
  if (const auto hash = mosq::crypto::parse_password_hash(text, &why)) {
    check_hash_round_trip(*hash);
  } else {
    FUZZ_CHECK(!why.empty());
  }

  // The whole input as a file.
  const mosq::broker::PasswordFileContent content = mosq::broker::parse_password_file(text);
  FUZZ_CHECK(rejoin(content) == text);
  int number = 0;
  for (const mosq::broker::PasswordLine& line : content.lines) {
    FUZZ_CHECK(line.number == ++number);
    FUZZ_CHECK(line.raw.find('\n') == std::string::npos);
    if (line.blank_or_comment) {
      FUZZ_CHECK(line.problem.empty() && line.user.empty() && !line.hash);
      continue;
    }
    FUZZ_CHECK(line.hash.has_value() || !line.problem.empty());
    if (!line.hash) {
      continue;
    }
    check_hash_round_trip(*line.hash);
    if (!line.problem.empty()) {
      continue;  // a duplicate user: well-formed, but not the one kept
    }
    // What apply writes for this user and hash reads back the same. (It
    // refuses a name the broker would not read back as given: a '\r'
    // inside, a leading '#'. The spec admits no such name, and a line of
    // the file that is kept is written back raw.)
    std::string written;
    try {
      written = mosq::broker::format_password_line(line.user, *line.hash);
    } catch (const mosq::Error&) {
      FUZZ_CHECK(line.user.find('\r') != std::string::npos || line.user.front() == '#');
      continue;
    }
    const auto reread = mosq::broker::parse_password_file(written + "\n");
    FUZZ_CHECK(reread.lines.size() == 1);
    FUZZ_CHECK(reread.lines[0].problem.empty());
    FUZZ_CHECK(reread.lines[0].user == line.user);
    FUZZ_CHECK(reread.lines[0].hash && same_hash(*reread.lines[0].hash, *line.hash));
  }
  return 0;
}
