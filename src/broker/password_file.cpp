#include "broker/password_file.h"

#include <unordered_map>

#include "util/error.h"

namespace mosq::broker {
namespace {

constexpr std::size_t k_max_user_length = 65535;  // longer lines are skipped by the broker

// isspace() in the C locale, which is what the broker trims with.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Fills user/hash/problem of a line that is neither blank nor a comment.
void parse_entry(std::string_view body, PasswordLine& line) {
  const std::size_t colon = body.find(':');
  if (colon == std::string_view::npos) {
    line.problem = "no ':' separator";
    return;
  }
  const std::string_view user = trim(body.substr(0, colon));
  if (user.empty()) {
    line.problem = "empty user name";
    return;
  }
  line.user = std::string(user);
  if (user.size() > k_max_user_length) {
    line.problem = "user name longer than 65535 bytes";
    return;
  }
  const std::string_view hash_text = trim(body.substr(colon + 1));
  if (hash_text.empty()) {
    line.problem = "missing password hash";
    return;
  }
  std::string why;
  line.hash = crypto::parse_password_hash(hash_text, &why);
  if (!line.hash) {
    line.problem = why;
  }
}

PasswordLine parse_line(int number, std::string_view raw) {
  PasswordLine line;
  line.number = number;
  line.raw = std::string(raw);
  std::string_view body = raw;
  if (!body.empty() && body.back() == '\r') {
    body.remove_suffix(1);
  }
  if (trim(body).empty() || body.front() == '#') {
    line.blank_or_comment = true;
    return line;
  }
  parse_entry(body, line);
  return line;
}

}  // namespace

PasswordFileContent parse_password_file(const std::string& content) {
  PasswordFileContent result;
  // Hashed: a tree of 10,000 names was a third of this parse.
  std::unordered_map<std::string, int> first_line_of_user;
  first_line_of_user.reserve(content.size() / 64);
  std::string_view rest = content;
  int number = 0;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    const std::string_view raw = rest.substr(0, newline);
    if (newline == std::string_view::npos) {
      result.missing_final_newline = true;
      rest = std::string_view();
    } else {
      rest.remove_prefix(newline + 1);
    }
    PasswordLine line = parse_line(++number, raw);
    // Only a well-formed line claims its user: 2.1 skips a malformed one
    // and then takes the next line of that user.
    if (line.problem.empty() && !line.user.empty()) {
      const auto [it, inserted] = first_line_of_user.emplace(line.user, line.number);
      if (!inserted) {
        line.problem = "duplicate user (first on line " + std::to_string(it->second) + ")";
      }
    }
    result.lines.push_back(std::move(line));
  }
  return result;
}

std::string format_password_line(const std::string& user, const crypto::PasswordHash& hash) {
  if (user.empty() || user.size() > k_max_user_length) {
    throw Error("a password file user name must be 1 to 65535 bytes long");
  }
  if (user.find_first_of(":\n\r") != std::string::npos) {
    throw Error("password file user name \"" + user + "\" contains ':' or a line break");
  }
  if (is_space(user.front()) || is_space(user.back())) {
    throw Error("password file user name \"" + user + "\" starts or ends with whitespace");
  }
  if (user.front() == '#') {
    throw Error("password file user name \"" + user + "\" starts with '#' (the line would be a comment)");
  }
  return user + ":" + crypto::format_password_hash(hash);
}

}  // namespace mosq::broker
